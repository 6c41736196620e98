/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Pass-through for every call of tests/lib/fs-wrap.h: weak, so that a
 * test's own __wrap_ function replaces the one here.
 */
#include <fcntl.h>
#include <stdarg.h>

#include "fs-wrap.h"

#define WEAK __attribute__((weak))

WEAK int __wrap_mkdir(const char *path, mode_t mode)
{
	return __real_mkdir(path, mode);
}

WEAK int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode;

	DBE_WRAP_MODE(flags, flags, mode);
	return __real_open(path, flags, mode);
}

WEAK int __wrap_openat(int dirfd, const char *name, int flags, ...)
{
	mode_t mode;

	DBE_WRAP_MODE(flags, flags, mode);
	return __real_openat(dirfd, name, flags, mode);
}

WEAK int __wrap_fstat(int fd, struct stat *st)
{
	return __real_fstat(fd, st);
}

WEAK int __wrap_flock(int fd, int op)
{
	return __real_flock(fd, op);
}

WEAK ssize_t __wrap_read(int fd, void *buf, size_t len)
{
	return __real_read(fd, buf, len);
}

WEAK ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
	return __real_write(fd, buf, len);
}

WEAK int __wrap_close(int fd)
{
	return __real_close(fd);
}

WEAK int __wrap_unlinkat(int dirfd, const char *name, int flags)
{
	return __real_unlinkat(dirfd, name, flags);
}

WEAK int __wrap_fsync(int fd)
{
	return __real_fsync(fd);
}

WEAK int __wrap_renameat(int olddirfd, const char *from, int newdirfd, const char *to)
{
	return __real_renameat(olddirfd, from, newdirfd, to);
}

WEAK uid_t __wrap_geteuid(void)
{
	return __real_geteuid();
}
