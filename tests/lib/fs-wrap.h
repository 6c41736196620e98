/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * The file system calls the module makes itself (entropy/ent_file.c and
 * its callers ent_seed.c, ent_boot.c, ent_status.c), as a test sees them.
 *
 * A test binary linked with @tests/lib/fs-wrap.opts (the linker's --wrap
 * for each call below) has every call to, say, mkdir() from its own
 * objects - the module's included - land in __wrap_mkdir(), while
 * __real_mkdir() is libc's. Calls from inside libc (stdio) are not
 * affected. tests/lib/fs-wrap.c passes every call through unchanged; a
 * test defines the ones it wants to see or fail, and its definition wins
 * over the pass-through (which is weak):
 *   tests/unit/sim.c       the simulated seed directory
 *   tests/seedfile/driver.c a numbered crash at every call
 *   tests/fuzz/fuzz_seed.c  the fuzzer's seed file
 *   tests/netns/driver.c    no seed directory and no /run record
 * A test that relies on its wrappers also checks that they were reached,
 * so a build where the calls escape (another libc, _FORTIFY_SOURCE) fails
 * instead of touching the real files.
 */
#ifndef DBE_FS_WRAP_H
#define DBE_FS_WRAP_H

#include <sys/stat.h>
#include <sys/types.h>

int __real_mkdir(const char *path, mode_t mode);
int __real_open(const char *path, int flags, ...);
int __real_openat(int dirfd, const char *name, int flags, ...);
int __real_fstat(int fd, struct stat *st);
int __real_flock(int fd, int op);
ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
int __real_close(int fd);
int __real_unlinkat(int dirfd, const char *name, int flags);
int __real_fsync(int fd);
int __real_renameat(int olddirfd, const char *from, int newdirfd, const char *to);
uid_t __real_geteuid(void);

int __wrap_mkdir(const char *path, mode_t mode);
int __wrap_open(const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *name, int flags, ...);
int __wrap_fstat(int fd, struct stat *st);
int __wrap_flock(int fd, int op);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
int __wrap_close(int fd);
int __wrap_unlinkat(int dirfd, const char *name, int flags);
int __wrap_fsync(int fd);
int __wrap_renameat(int olddirfd, const char *from, int newdirfd, const char *to);
uid_t __wrap_geteuid(void);

/* The mode argument of open() and openat(), there only with O_CREAT (the
 * module never uses O_TMPFILE) */
#define DBE_WRAP_MODE(flags, last, mode) \
	do { \
		va_list ap_; \
		(mode) = 0; \
		if ((flags) & O_CREAT) { \
			va_start(ap_, last); \
			(mode) = (mode_t)va_arg(ap_, int); \
			va_end(ap_); \
		} \
	} while (0)

#endif /* DBE_FS_WRAP_H */
