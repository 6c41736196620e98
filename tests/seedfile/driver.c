/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Seed-file driver for tests/seedfile/run: the real module (ent_seed.c on
 * the real file system) with three things replaced:
 *   - readiness: getrandom(GRND_NONBLOCK) fails with EAGAIN until the
 *     driver's "kernel" was credited, so the unseeded path is taken on a
 *     seeded host;
 *   - crediting: RNDADDENTROPY is never issued; each credit appends the
 *     SHA-256 of the credited bytes to a ledger file (fsync'ed), which the
 *     script checks for a seed credited twice. Mixing is recorded too;
 *   - the device identity, from $DBE_IDENTITY when set (see
 *     drv_read_file).
 * Fault injection: every file system call of the module (the linker's
 * --wrap, tests/lib/fs-wrap.h) is a numbered operation; with
 * DBE_CRASH_BEFORE=N the process dies (_exit, like a power cut for this
 * process) before operation N, with DBE_CRASH_AFTER=N just after it.
 * DBE_COUNT=1 prints the number of operations on exit.
 *
 *   driver boot DIR     the unseeded start: load (credit), then save
 *   driver save DIR [--unready]   the SIGTERM save
 * Prints "credited=N" on success.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_seed.h"
#include "ent_sys.h"
#include "entropy.h"
#include "driver-common.h"
#include "fs-wrap.h"

static const struct ent_ops *real;
static int ready;
static long opno, crash_before, crash_after;

static void step(void)
{
	opno++;
	if (crash_before == opno) {
		_exit(77);
	}
}

static void after(void)
{
	if (crash_after == opno) {
		_exit(77);
	}
}

/* Every file system call of the module (tests/lib/fs-wrap.h) is an
 * operation; geteuid() changes nothing and is not counted */
#define WRAP(ret, name, params, args) \
	ret __wrap_##name params \
	{ \
		ret r; \
		step(); \
		r = __real_##name args; \
		after(); \
		return r; \
	}

WRAP(int, mkdir, (const char *p, mode_t m), (p, m))
WRAP(int, fstat, (int fd, struct stat *st), (fd, st))
WRAP(int, flock, (int fd, int op), (fd, op))
WRAP(ssize_t, read, (int fd, void *b, size_t l), (fd, b, l))
WRAP(ssize_t, write, (int fd, const void *b, size_t l), (fd, b, l))
WRAP(int, close, (int fd), (fd))
WRAP(int, unlinkat, (int d, const char *n, int f), (d, n, f))
WRAP(int, fsync, (int fd), (fd))
WRAP(int, renameat, (int d, const char *f, int e, const char *t), (d, f, e, t))

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode;
	int r;

	DBE_WRAP_MODE(flags, flags, mode);
	step();
	r = __real_open(path, flags, mode);
	after();
	return r;
}

int __wrap_openat(int dirfd, const char *name, int flags, ...)
{
	mode_t mode;
	int r;

	DBE_WRAP_MODE(flags, flags, mode);
	step();
	r = __real_openat(dirfd, name, flags, mode);
	after();
	return r;
}

static ssize_t drv_getrandom(void *buf, size_t len, unsigned int flags)
{
	if ((flags & GRND_NONBLOCK) && !ready) {
		errno = EAGAIN;
		return -1;
	}
	return real->getrandom(buf, len, flags);
}

static void ledger(const char *what, const void *buf, size_t len, int bits)
{
	const char *path = getenv("DBE_LEDGER");
	unsigned char d[ENT_SHA256_LEN];
	hash_state h;
	char line[128];
	int fd, i, n;

	if (path == NULL) {
		return;
	}
	sha256_init(&h);
	sha256_process(&h, buf, len);
	ent_sha256_done(&h, d);
	n = snprintf(line, sizeof(line), "%s %d ", what, bits);
	for (i = 0; i < 8; i++) {
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", d[i]);
	}
	line[n++] = '\n';
	/* libc's own calls: the ledger is no operation of the module */
	fd = __real_open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || __real_write(fd, line, (size_t)n) != n || __real_fsync(fd) < 0) {
		perror("ledger");
		_exit(3);
	}
	(void)__real_close(fd);
}

static int drv_rnd_add(const void *buf, size_t len, unsigned int bits)
{
	step();
	ledger(bits > 0 ? "credit" : "mix", buf, len, (int)bits);
	if (bits > 0) {
		ready = 1;
	}
	after();
	return 0;
}

/* $DBE_IDENTITY stands for the device identity: when set, the SoC serial
 * (/sys/devices/soc0/serial_number) reads as its value and nothing else
 * in sysfs or the device tree identifies the device ("" identifies none);
 * unset, the machine's own sysfs answers. */
static int identity_path(const char *path)
{
	return strncmp(path, "/sys/", 5) == 0 || strncmp(path, "/proc/device-tree/", 18) == 0;
}

static ssize_t drv_read_file(const char *path, char *buf, size_t len)
{
	const char *id = getenv("DBE_IDENTITY");
	size_t n;

	if (id == NULL || !identity_path(path)) {
		return real->read_file(path, buf, len);
	}
	if (id[0] == '\0' || strcmp(path, "/sys/devices/soc0/serial_number") != 0 || len == 0) {
		errno = ENOENT;
		return -1;
	}
	n = strlen(id);
	if (n >= len) {
		n = len - 1;
	}
	memcpy(buf, id, n);
	buf[n] = '\0';
	return (ssize_t)n;
}

static ssize_t drv_list_dir(const char *path, char *buf, size_t len)
{
	if (getenv("DBE_IDENTITY") != NULL) {
		errno = ENOENT;
		return -1;
	}
	return real->list_dir(path, buf, len);
}

int main(int argc, char **argv)
{
	struct entropy_config cfg;
	struct ent_log prog;
	struct ent_seed st;
	struct ent_ops ops;
	const char *e;
	int bits = 0, r = 0, i;

	if (argc < 3 || strlen(argv[2]) >= sizeof(cfg.seed_dir)) {
		fprintf(stderr, "usage: %s boot|save DIR [--unready] [-X opt]...\n", argv[0]);
		return 2;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.log = drv_log_stderr;
	strcpy(cfg.seed_dir, argv[2]);
	ready = strcmp(argv[1], "save") == 0;
	for (i = 3; i < argc; i++) {
		char err[256];

		if (strcmp(argv[i], "--unready") == 0) {
			ready = 0;
		} else if (strcmp(argv[i], "-X") == 0 && i + 1 < argc) {
			if (entropy_config_set(&cfg, argv[++i], err, sizeof(err)) < 0) {
				fprintf(stderr, "%s\n", err);
				return 2;
			}
		} else {
			return 2;
		}
	}
	e = getenv("DBE_CRASH_BEFORE");
	crash_before = e != NULL ? strtol(e, NULL, 10) : 0;
	e = getenv("DBE_CRASH_AFTER");
	crash_after = e != NULL ? strtol(e, NULL, 10) : 0;

	real = ent_sys_ops();
	ops = *real;
	ops.getrandom = drv_getrandom;
	ops.rnd_add = drv_rnd_add;
	ops.read_file = drv_read_file;
	ops.list_dir = drv_list_dir;

	ent_log_init(&prog, &cfg, &ops);
	memset(&st, 0, sizeof(st));
	if (strcmp(argv[1], "boot") == 0) {
		bits = ent_seed_load(&cfg, &ops, &prog, &st);
		/* Whatever the seed did, the stimulators are taken to have
		 * seeded the kernel by now: the save below is creditable */
		ready = 1;
	}
	r = ent_seed_save(&cfg, &ops, &prog, &st);
	if (getenv("DBE_COUNT") != NULL) {
		printf("ops=%ld\n", opno);
	}
	printf("credited=%d saved=%d\n", bits, r == 0);
	return 0;
}
