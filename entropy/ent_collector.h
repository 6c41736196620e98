/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the collector waker (ent_collector.c) */
#ifndef DROPBEAR_ENT_COLLECTOR_H
#define DROPBEAR_ENT_COLLECTOR_H

#include <stdint.h>
#include <sys/types.h>

/* ---- collector waker (ent_collector.c) ---- */
struct ent_collector {
	pid_t pid;
	int fd;
	int running;
	int finished;	/* the child returned from getrandom() or died */
	/* Whether the kernel's collector produces, judged while the child
	 * blocks, per ENT_JIT_WINDOW_US: 1 the credited count rose by more
	 * than our own credits, 0 it did not, -1 not known */
	int producing;
	int64_t t_window, t_probe;
	int bits_last;		/* the count at the last probe, -1 unreadable */
	unsigned long ours_last;	/* our own credits at the last probe */
	unsigned long rise;	/* the kernel's own rise in this window */
};
/* The child: blocks in getrandom(buf, 1, 0) and exits when it returns */
void ent_collector_child(int out, const void *arg);

#endif /* DROPBEAR_ENT_COLLECTOR_H */
