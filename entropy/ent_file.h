/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: files below a directory of ours (ent_file.c) */
#ifndef DROPBEAR_ENT_FILE_H
#define DROPBEAR_ENT_FILE_H

#include <sys/types.h>

/* ---- files below a directory of ours (ent_file.c) ----
 * The seed directory and ENT_RUN_DIR hold the only files the module
 * writes. It reaches them with plain system calls (mkdir, fstat, unlinkat,
 * fsync, renameat, geteuid and the helpers below), as seedrng does; the
 * tests interpose those calls with the linker's --wrap (tests/lib/fs-wrap.h). */
/* O_RDONLY | O_DIRECTORY | O_NOFOLLOW: a symlink in its place is refused */
int ent_dir_open(const char *path);
/* flock(LOCK_EX | LOCK_NB), EINTR retried */
int ent_dir_lock(int dirfd);
/* name in dirfd (no '/'), O_NOFOLLOW | O_CLOEXEC | O_NOCTTY added */
int ent_file_open(int dirfd, const char *name, int flags, mode_t mode);
/* Up to len bytes, fewer only at the end of the file; the count or -1 */
ssize_t ent_read_all(int fd, void *buf, size_t len);
/* All of buf, EINTR retried, or -1 (ENOSPC when a write took nothing);
 * also the block reader child's pipe */
int ent_write_all(int fd, const void *buf, size_t len);
/* close(); EINTR counts as closed, as Linux has released the descriptor */
int ent_close(int fd);
/* After a failure: close fd keeping the failure's errno; -1 */
int ent_close_fail(int fd);

#endif /* DROPBEAR_ENT_FILE_H */
