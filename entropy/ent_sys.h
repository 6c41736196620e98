/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the kernel interface (struct ent_ops); ent_sys.c is the real kernel */
#ifndef DROPBEAR_ENT_SYS_H
#define DROPBEAR_ENT_SYS_H

#include <poll.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>

/*
 * The kernel, as the module sees it: the primitives below and nothing
 * else, so that the unit tests run every decision of the module against
 * a simulated kernel (tests/unit/sim.c) and the drivers of the other
 * suites replace single calls. Each has the meaning of the syscall it is
 * named after and returns -1 with errno set on failure. Descriptors are
 * always close-on-exec. Files below a directory of ours are no part of
 * it: see ent_file.c.
 */
struct ent_ops {
	/* Whole small file into buf, NUL-terminated; returns its length */
	ssize_t (*read_file)(const char *path, char *buf, size_t len);
	/* The names in directory path (not . and ..), each followed by a
	 * NUL, in no particular order; returns their bytes, or -1 (ENOBUFS
	 * when they do not all fit) */
	ssize_t (*list_dir)(const char *path, char *buf, size_t len);
	int (*stat)(const char *path, struct stat *st);

	ssize_t (*getrandom)(void *buf, size_t len, unsigned int flags);
	/* RNDGETENTCNT, for when /proc is not mounted */
	int (*rnd_count)(int *bits);
	/* bits 0: mixes buf (a write to /dev/urandom); bits > 0: mixes it and
	 * credits bits with RNDADDENTROPY (CAP_SYS_ADMIN) */
	int (*rnd_add)(const void *buf, size_t len, unsigned int bits);
	/* One word of the CPU's seed-grade RNG instruction (RDSEED or
	 * RNDRRS, else RDRAND): 1 valid, 0 not this time, -1 (ENOTSUP) none;
	 * *name says which */
	int (*cpu_rng)(unsigned long *word, const char **name);

	int64_t (*now_us)(void);	/* CLOCK_MONOTONIC */
	int (*clock_ns)(uint64_t *ns);	/* the finest clock, for jitter */
	/* timeout_us < 0 waits for ever; returns as poll() (EINTR included) */
	int (*poll)(struct pollfd *fds, nfds_t n, int64_t timeout_us);
	ssize_t (*read)(int fd, void *buf, size_t len);
	int (*close)(int fd);

	/* ICMP: raw = 1 for SOCK_RAW (root), 0 for the ICMP datagram socket */
	int (*icmp_socket)(int raw);
	ssize_t (*sendto)(int fd, const void *buf, size_t len, const struct sockaddr_in *to);
	ssize_t (*recvfrom)(int fd, void *buf, size_t len, struct sockaddr_in *from);

	/* A block device only, O_RDONLY | O_DIRECT; its size and sector.
	 * Called in the block reader child only: it may block on a hung
	 * disk, and the server must not */
	int (*open_direct)(const char *path, uint64_t *bytes, unsigned int *sector);
	/* O_RDONLY | O_NONBLOCK, for /dev/hwrng */
	int (*open_read)(const char *path);
	/* A helper child: child(out, arg) runs with only the write end of a
	 * pipe (out) and keep (>= 0 or -1) open, default signal
	 * dispositions, dying with its parent. Returns its pid and the
	 * non-blocking read end in *fd, which hangs up when it exits. */
	pid_t (*spawn)(void (*child)(int out, const void *arg), const void *arg, int keep,
			int *fd);
	/* SIGKILL (kill_it) and reap; without block, a child that cannot
	 * die yet is left to the server's SIGCHLD handler. ECHILD is success. */
	int (*reap)(pid_t pid, int kill_it, int block);
	/* One record to /dev/kmsg */
	int (*kmsg_write)(const char *line, size_t len);
};

/* The real kernel (ent_sys.c) */
const struct ent_ops *ent_sys_ops(void);

#endif /* DROPBEAR_ENT_SYS_H */
