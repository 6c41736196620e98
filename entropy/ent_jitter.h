/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the CPU jitter collector (ent_jitter.c) */
#ifndef DROPBEAR_ENT_JITTER_H
#define DROPBEAR_ENT_JITTER_H

#include "ent_credit.h"
#include "ent_health.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"

/* ---- CPU jitter collector (ent_jitter.c) ----
 * The kernel's rule, whose rates live in ent_credit.h: a trial of 8192
 * counter reads gives samples_per_bit; ours takes at most one sample a
 * tick. */
#define ENT_JIT_TRIAL		8192	/* counter reads of the trial */
#define ENT_JIT_BITS_PER_CREDIT	32	/* one RNDADDENTROPY per 32 bits */
#define ENT_JIT_MEM		(128 * 1024)	/* beyond L1, for cache timing */
#define ENT_JIT_WINDOW_US	1000000	/* the kernel collector's count is judged per window */
struct ent_jitter {
	unsigned int samples_per_bit;	/* the trial's */
	unsigned int changes;	/* reads of the trial that differed from the last */
	struct ent_health health;
	int active;
#if ENT_WITH_JITTER
	hash_state pool;	/* SHA-256 */
#endif
	unsigned int pooled;	/* samples in pool */
	unsigned long counted;	/* healthy, unstuck samples since t_start */
	unsigned long credited;	/* in all */
	unsigned long epoch_credited;	/* since t_start */
	int64_t t_start;	/* the first sample of this epoch (a pause ends one) */
	int64_t next;		/* no sample before this: one per tick */
	uint64_t last, last_d;	/* the last reading and difference */
	int nread;		/* readings so far, up to 2 */
	int paused;		/* not crediting: the kernel's collector may produce */
	void *mem;
};
#if ENT_WITH_JITTER
/* The trial: samples per bit as the kernel computes it, 0 when the
 * counter is too coarse (> ENT_JIT_MAX_SPB) or unreadable (*changes -1) */
unsigned int ent_jitter_trial(const struct ent_ops *ops, int *changes);
/* The trial and the health tests' set-up; 0 when sampling may begin
 * (logged either way) */
int ent_jitter_start(struct ent_jitter *j, const struct ent_ops *ops,
		struct ent_log *log, int64_t now);
#endif

#endif /* DROPBEAR_ENT_JITTER_H */
