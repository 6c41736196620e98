/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * LD_PRELOAD shim for tests/host/run: makes this (long seeded) kernel look
 * unseeded to the patched server for a while, and one fsync() slow, so a
 * test can send SIGTERM while the module saves its seed after seeding.
 *
 *   DBE_SHIM_READY_MS=N   getrandom(GRND_NONBLOCK) says EAGAIN for N ms
 *                         after the program started; a blocking one waits
 *                         until then
 *   DBE_SHIM_SLOW_FSYNC_MS=N  the first fsync() after that takes N ms
 *
 * The module calls getrandom through syscall(2) (ent_sys.c), so that is
 * the symbol to wrap. Nothing here produces random bytes: once "ready",
 * every call is the real one.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 0x0001
#endif

static long long t_ready_ns = -1;
static long slow_fsync_ms;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleeps the whole time even when a signal interrupts it */
static void sleep_until(long long t)
{
	struct timespec ts;
	long long left;

	while ((left = t - now_ns()) > 0) {
		ts.tv_sec = left / 1000000000LL;
		ts.tv_nsec = left % 1000000000LL;
		nanosleep(&ts, NULL);
	}
}

__attribute__((constructor)) static void shim_init(void)
{
	const char *r = getenv("DBE_SHIM_READY_MS");
	const char *f = getenv("DBE_SHIM_SLOW_FSYNC_MS");

	if (r != NULL) {
		t_ready_ns = now_ns() + atol(r) * 1000000LL;
	}
	if (f != NULL) {
		slow_fsync_ms = atol(f);
	}
}

long syscall(long n, ...)
{
	static long (*real)(long, ...);
	va_list ap;
	long a, b, c, d, e, f;

	va_start(ap, n);
	a = va_arg(ap, long);
	b = va_arg(ap, long);
	c = va_arg(ap, long);
	d = va_arg(ap, long);
	e = va_arg(ap, long);
	f = va_arg(ap, long);
	va_end(ap);
	if (real == NULL) {
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	}
	if (n == SYS_getrandom && t_ready_ns >= 0 && now_ns() < t_ready_ns) {
		if (c & GRND_NONBLOCK) {
			errno = EAGAIN;
			return -1;
		}
		sleep_until(t_ready_ns);
	}
	return real(n, a, b, c, d, e, f);
}

int fsync(int fd)
{
	static int (*real)(int);

	if (real == NULL) {
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	}
	if (slow_fsync_ms > 0 && t_ready_ns >= 0 && now_ns() >= t_ready_ns) {
		sleep_until(now_ns() + slow_fsync_ms * 1000000LL);
		slow_fsync_ms = 0;
	}
	return real(fd);
}
