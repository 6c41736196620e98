/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: files below a directory of ours.
 *
 * The seed directory (ent_seed.c) and ENT_RUN_DIR (ent_boot.c) hold the
 * only files the module opens for writing. They are reached with plain
 * system calls, not through struct ent_ops: a file system needs no
 * simulating to test the decisions around it, and the tests that must
 * see or fail single calls (the unit tests' simulated directory, the
 * seedfile suite's crash at every call) interpose them at link time with
 * --wrap. What is here is the part every caller would otherwise repeat.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>

#include "ent_file.h"

int ent_dir_open(const char *path)
{
	/* O_NOFOLLOW: a symlink planted in place of the directory is refused */
	return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int ent_dir_lock(int dirfd)
{
	int r;

	do {
		r = flock(dirfd, LOCK_EX | LOCK_NB);
	} while (r < 0 && errno == EINTR);
	return r;
}

int ent_file_open(int dirfd, const char *name, int flags, mode_t mode)
{
	/* A symlink in the directory is never followed, and a name that is
	 * a terminal never becomes our controlling one */
	return openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
}

ssize_t ent_read_all(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = read(fd, p + got, len - got);
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -1;
		}
		if (r == 0) {
			break;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int ent_write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			if (w == 0) {
				errno = ENOSPC;
			}
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int ent_close(int fd)
{
	/* Linux releases the descriptor even when close() reports EINTR, so
	 * it is never retried (that could close another thread's new one) */
	if (close(fd) < 0 && errno != EINTR) {
		return -1;
	}
	return 0;
}

int ent_close_fail(int fd)
{
	int e = errno;

	(void)close(fd);
	errno = e;
	return -1;
}
