/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Namespace test driver: runs the real entropy wait (ent_wait with the
 * real kernel ops) inside a network namespace, with one change: readiness
 * is simulated, because the host's CRNG is long seeded. getrandom() in the
 * parent reports EAGAIN until --ready-after-ms has passed (never with -1),
 * and entropy_avail reads 0 until then. Everything else - route lookup,
 * sockets, packets, /proc/interrupts, poll - is the real thing.
 *
 *   driver [--ready-after-ms N] [--alarm S] [--dgram] [--irq-per-reply]
 *          [-X key=value]...
 *
 * This machine's kernel and files are never touched beyond the network:
 * crediting and mixing (RNDADDENTROPY, writes to /dev/urandom), /dev/hwrng
 * and the seed directory are replaced by stand-ins that do nothing (the
 * seed directory reads as absent on a read-only file system).
 *
 * SIGALRM after S seconds (at most 120) raises the stop flag, and so does
 * SIGTERM, as in the server (run ends a case by it once the case has seen
 * what it waits for). Results go to stdout as key=value lines, counted
 * here at the kernel interface (echo requests sent, datagrams received,
 * block reads reported by the reader child, readiness seen to ICMP socket
 * closed); the module's log lines go to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "ent_block.h"
#include "ent_probe.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"
#include "driver-common.h"
#include "fs-wrap.h"

struct drv {
	int64_t ready_at;	/* monotonic us, -1 never */
	const struct ent_ops *real;
	unsigned long sent, received, block_reads;
	int icmp_fd, block_fd;	/* -1 while not open */
	int64_t ready_seen;	/* the module's first successful probe, -1 not yet */
	int64_t icmp_closed;	/* after ready_seen, -1 not yet */
};

static double realtime_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0) {
		return 0.0;
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The driver's state: the primitives below take no context */
static struct drv d;

static int is_ready(void)
{
	return drv_is_ready(d.real, d.ready_at);
}

static ssize_t drv_getrandom(void *buf, size_t len, unsigned int flags)
{
	(void)flags;
	if (!is_ready()) {
		errno = EAGAIN;
		return -1;
	}
	if (d.ready_seen < 0) {
		d.ready_seen = d.real->now_us();
	}
	memset(buf, 0, len);
	return (ssize_t)len;
}

/* --irq-per-reply: /proc/interrupts shows one device interrupt per
 * datagram received, as the legacy guest's NIC raises (a veth raises
 * none): the pacing then sees what a window buys */
static int irq_per_reply;

static ssize_t drv_read_file(const char *path, char *buf, size_t len)
{
	if (strcmp(path, ENT_PATH_ENTROPY_AVAIL) == 0) {
		return snprintf(buf, len, "%d\n", is_ready() ? 256 : 0);
	}
	if (irq_per_reply && strcmp(path, ENT_PATH_INTERRUPTS) == 0) {
		return snprintf(buf, len, "           CPU0\n 42: %lu  fake-nic\n", d.received);
	}
	return d.real->read_file(path, buf, len);
}

static int drv_rnd_count(int *bits)
{
	*bits = is_ready() ? 256 : 0;
	return 0;
}

static int drv_rnd_add(const void *buf, size_t len, unsigned int bits)
{
	(void)buf; (void)len; (void)bits;
	return 0;
}

static int drv_no_file(const char *path)
{
	(void)path;
	errno = ENOENT;
	return -1;
}

/* --dgram: the raw socket is refused, as for a user without root */
static int dgram_only;

static int drv_icmp_socket(int raw)
{
	if (raw && dgram_only) {
		errno = EPERM;
		return -1;
	}
	d.icmp_fd = d.real->icmp_socket(raw);
	return d.icmp_fd;
}

static ssize_t drv_sendto(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	ssize_t r = d.real->sendto(fd, buf, len, to);

	d.sent += r >= 0;
	return r;
}

static ssize_t drv_recvfrom(int fd, void *buf, size_t len, struct sockaddr_in *from)
{
	ssize_t r = d.real->recvfrom(fd, buf, len, from);

	d.received += r >= 0;
	return r;
}

static pid_t drv_spawn(void (*child)(int out, const void *arg), const void *arg, int keep,
		int *fd)
{
	pid_t pid = d.real->spawn(child, arg, keep, fd);

	if (pid > 0 && child == ent_block_child) {
		d.block_fd = *fd;
	}
	return pid;
}

/* The reader child writes one 'r' per read on its pipe */
static ssize_t drv_read(int fd, void *buf, size_t len)
{
	ssize_t r = d.real->read(fd, buf, len), i;

	for (i = 0; fd == d.block_fd && i < r; i++) {
		d.block_reads += ((const char *)buf)[i] == 'r';
	}
	return r;
}

static int drv_close(int fd)
{
	if (fd == d.icmp_fd) {
		d.icmp_fd = -1;
		if (d.ready_seen >= 0 && d.icmp_closed < 0) {
			d.icmp_closed = d.real->now_us();
		}
	} else if (fd == d.block_fd) {
		d.block_fd = -1;
	}
	return d.real->close(fd);
}

/* No seed directory and no /run/dropbear-entropy: runs here never read
 * or leave a seed or a per-boot record on this machine (the module's
 * file system calls land here, tests/lib/fs-wrap.h) */
int __wrap_mkdir(const char *path, mode_t mode)
{
	(void)path; (void)mode;
	errno = EROFS;
	return -1;
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode;

	DBE_WRAP_MODE(flags, flags, mode);
	if (flags & O_DIRECTORY) {
		errno = ENOENT;
		return -1;
	}
	return __real_open(path, flags, mode);
}

int main(int argc, char **argv)
{
	struct entropy_config cfg;
	struct ent_ops ops;
	struct rusage ru;
	char err[256];
	long ready_ms = -1, alarm_s = 0;
	double t0_real;
	int64_t t0;
	int i, r;

	memset(&cfg, 0, sizeof(cfg));
	d.icmp_fd = d.block_fd = -1;
	d.ready_seen = d.icmp_closed = -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ready-after-ms") == 0 && i + 1 < argc) {
			ready_ms = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--alarm") == 0 && i + 1 < argc) {
			alarm_s = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--dgram") == 0) {
			dgram_only = 1;
		} else if (strcmp(argv[i], "--irq-per-reply") == 0) {
			irq_per_reply = 1;
		} else if (strcmp(argv[i], "-X") == 0 && i + 1 < argc) {
			if (entropy_config_set(&cfg, argv[++i], err, sizeof(err)) < 0) {
				fprintf(stderr, "%s\n", err);
				return 2;
			}
		} else {
			fprintf(stderr, "usage: %s [--ready-after-ms N] [--alarm S] [--dgram] "
					"[--irq-per-reply] [-X opt]...\n", argv[0]);
			return 2;
		}
	}
	if (alarm_s <= 0 || alarm_s > 120) {
		/* Every run ends by itself */
		alarm_s = 10;
	}
	if (drv_stop_on_signals(1) < 0) {
		return 2;
	}
	/* run parses the stop latency from these stamps */
	drv_log_timestamps(1);
	cfg.log = drv_log_stderr;
	cfg.stop_flag = &drv_stop_flag;

	d.real = ent_sys_ops();
	ops = *d.real;
	ops.getrandom = drv_getrandom;
	ops.read_file = drv_read_file;
	ops.rnd_count = drv_rnd_count;
	ops.rnd_add = drv_rnd_add;
	ops.open_read = drv_no_file;
	ops.icmp_socket = drv_icmp_socket;
	ops.sendto = drv_sendto;
	ops.recvfrom = drv_recvfrom;
	ops.spawn = drv_spawn;
	ops.read = drv_read;
	ops.close = drv_close;

	t0 = d.real->now_us();
	t0_real = realtime_now();
	d.ready_at = ready_ms >= 0 ? t0 + (int64_t)ready_ms * 1000 : -1;
	alarm((unsigned int)alarm_s);
	r = ent_wait(&cfg, &ops);
	alarm(0);
	if (getrusage(RUSAGE_SELF, &ru) < 0) {
		memset(&ru, 0, sizeof(ru));
	}
	printf("returned=%d\n", r);
	printf("start_real=%.6f\n", t0_real);
	printf("ready_real=%.6f\n", ready_ms >= 0 ? t0_real + (double)ready_ms / 1000.0 : -1.0);
	printf("end_real=%.6f\n", realtime_now());
	printf("sent=%lu\n", d.sent);
	printf("replies=%lu\n", d.received);
	printf("block_reads=%lu\n", d.block_reads);
	printf("ready_to_closed_us=%lld\n", d.icmp_closed >= 0 ? (long long)(d.icmp_closed
			- d.ready_seen) : -1LL);
	printf("cpu_s=%.3f\n", (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
			+ (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}
