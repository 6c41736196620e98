/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the wait (ent_wait.c) and the runners it runs */
#ifndef DROPBEAR_ENT_WAIT_H
#define DROPBEAR_ENT_WAIT_H

#include <stdint.h>

#include "entropy.h"
#include "ent_block.h"
#include "ent_boot.h"
#include "ent_collector.h"
#include "ent_hwrng.h"
#include "ent_icmp.h"
#include "ent_internal.h"
#include "ent_interrupts.h"
#include "ent_jitter.h"
#include "ent_probe.h"
#include "ent_progress.h"
#include "ent_route.h"
#include "ent_seed.h"
#include "ent_sys.h"

/* ---- the wait (ent_wait.c) and what it runs ---- */
/* 0 once the CRNG is ready, -1 on the stop flag or a broken kernel
 * interface; what it did is in its log lines */
int ent_wait(const struct entropy_config *cfg, const struct ent_ops *ops);
#define ENT_READY_CHECK_US	1000	/* getrandom() probe at most this often */
#define ENT_STOP_LATENCY_US	50000	/* poll never sleeps longer while stimulating */
#define ENT_IDLE_CHECK_US	100000	/* readiness probe when nothing runs */
#define ENT_STALL_US		10000000	/* no credit for this long: nothing helps */
#define ENT_PATH_INTERRUPTS	"/proc/interrupts"
#define ENT_TEXT_MAX		65536	/* /proc/interrupts, /proc/net/route */
/* One wait: the loop's own state and every runner's, which a runner may
 * read across (block reads start when ICMP falls short) */
struct ent_wait_state {
	const struct entropy_config *cfg;
	const struct ent_ops *ops;
	struct ent_log log;
	struct ent_progress prog;
	struct ent_gen gen;
	int kernel_collector;	/* 1 the kernel has one, 0 not, -1 unknown */
	char release[32];	/* its version, for the log */
	int collector_silent_logged;
	int64_t t_collector;	/* our child's blocking getrandom() began */
	struct ent_boot boot;
	int boot_role;		/* ent_boot_acquire(): 1 we stimulate, 0 another does */
	int64_t t_boot_retry;	/* a waiter tries the lock again */
	int64_t t_stim_start;
	unsigned long packets_left;	/* of this boot's budget */
	struct ent_collector col;
	struct ent_icmp icmp;
	struct ent_block blk;
	struct ent_seed seed;
	struct ent_jitter jit;
	int jit_tried;
	struct ent_hwrng hw;
	int cpu_bits;
	int blk_pending;	/* in -X stim=, not started yet */
	int blk_yielded;	/* stopped once for an ICMP that runs well */
	char *text;		/* scratch for /proc files, ENT_TEXT_MAX */
	int bits;
	int64_t t_bits;
	int64_t t_gain;		/* last time the bit count rose */
	int64_t t_end_stim;	/* stimulation time bound */
	unsigned long replies_seen;	/* at the last pacing window */
	int64_t icmp_due;	/* the ICMP stimulator's next send or timeout */
	int hint_logged;
	int bound_logged;
	int route_retry;	/* ICMP wanted, but no route yet */
	int64_t t_route;	/* next look at the routing table */
	int icmp_via;		/* ENT_VIA_*: where the ICMP targets came from */
	char via_dev[ENT_IFNAME_MAX];	/* the neighbours' interface */
	int64_t t0;		/* the wait began */
	unsigned int stim;	/* ENTROPY_STIM_* to start */
};
/* /proc/interrupts into w->text, parsed; -1 when unreadable */
int ent_wait_irqs(struct ent_wait_state *w, struct ent_irq_count *irq);
/*
 * What the wait runs, one entry each in ent_wait.c's table: the
 * stimulators (the kernel credits the interrupts they raise) and the
 * sources that credit through ent_credit_bits(). Each lives in its
 * source's file; the loop knows no more of them than this, and an entry
 * leaves NULL what it does not have.
 */
struct ent_runner {
	/* Stopped at the stimulation bound (the collector child only waits) */
	int bounded;
	/* begin: stimulation begins (with the stimulators in w->stim);
	 * else a later turn of the loop, within the stimulation bound */
	void (*start)(struct ent_wait_state *w, int64_t now, int begin);
	/* Its descriptor for poll() while it runs, else -1 */
	int (*fd)(const struct ent_wait_state *w);
	/* When it wants its next step (monotonic us) while it runs, else
	 * -1; a runner runs while it has a descriptor or a deadline */
	int64_t (*deadline)(const struct ent_wait_state *w);
	/* Once a turn (readable 0) and when its descriptor polled readable
	 * (1); returns 1 when the CRNG may be ready now */
	int (*step)(struct ent_wait_state *w, int64_t now, int readable);
	void (*stop)(struct ent_wait_state *w);
	/* Its part of the plan (detail 0) or of a progress line (1) */
	void (*describe)(struct ent_wait_state *w, struct ent_text *t, int detail);
};
extern const struct ent_runner ent_collector_runner;	/* ent_collector.c */
extern const struct ent_runner ent_icmp_runner;		/* ent_icmp.c */
#if ENT_WITH_BLOCK
extern const struct ent_runner ent_block_runner;	/* ent_block.c */
#endif
#if ENT_WITH_JITTER
extern const struct ent_runner ent_jitter_runner;	/* ent_jitter.c */
#endif
#if ENT_WITH_CPURNG
extern const struct ent_runner ent_cpurng_runner;	/* ent_cpurng.c */
#endif
#if ENT_WITH_HWRNG
extern const struct ent_runner ent_hwrng_runner;	/* ent_hwrng.c */
#endif

#endif /* DROPBEAR_ENT_WAIT_H */
