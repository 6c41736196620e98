/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the ICMP stimulator and its pacing (ent_icmp.c) */
#ifndef DROPBEAR_ENT_ICMP_H
#define DROPBEAR_ENT_ICMP_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "ent_internal.h"
#include "ent_interrupts.h"
#include "ent_progress.h"
#include "ent_sys.h"

/* ---- ICMP stimulator (ent_icmp.c) ---- */
#define ENT_ICMP_TIMEOUT_US	200000	/* a reply later than this is lost */
#define ENT_ICMP_DEAD_FIRST	3	/* losses before any reply: give up */
#define ENT_ICMP_DEAD_LATER	10	/* consecutive losses after replies */
#define ENT_PACE_WINDOW_US	100000	/* interrupt yield is measured per window */
#define ENT_PACE_GOOD_YIELD	0.9	/* device interrupts per reply deemed fine */
#define ENT_PACE_LEVEL_MIN	(-6)	/* gap 50 << 5 = 1600 us */
#define ENT_PACE_LEVEL_MAX	3	/* window 1 << 3 */
#define ENT_ICMP_WINDOW_MAX	(1 << ENT_PACE_LEVEL_MAX)	/* requests in flight */
#define ENT_PACE_SLOT_RATE	1000	/* replies/s per request in flight to raise */
#define ENT_PACE_RAISE_YIELD	0.4	/* ... and device interrupts per reply */
#define ENT_PACE_GAIN		1.05	/* a step is kept where it bought this */
#define ENT_PACE_FALL		0.8	/* a fall to this where it stands: look again */
struct ent_icmp_target {
	struct in_addr addr;
	uint16_t seq;		/* of the last request sent */
	uint32_t in_flight;	/* bit i: request seq - i awaits its reply */
	int dead;
	int64_t sent_at;	/* the window was last empty or answered */
	int64_t next_send;
	unsigned int losses;	/* consecutive */
	unsigned long replies;
};
/* One hill climb on device interrupts per second over one axis of load:
 * level < 0 pauses 50 << (-level - 1) us between a reply and the next
 * request (for NICs that coalesce), level >= 0 keeps 1 << level
 * requests in flight per target */
struct ent_pace {
	int level;
	int dir;		/* +1 more load, -1 less */
	int moved;		/* in the last window: judged in this one */
	unsigned int gap_us;	/* of level */
	unsigned int window;	/* of level */
	double last_rate;	/* device interrupts per second where it stands */
	double last_yield;	/* device interrupts per reply, last window */
	int64_t t_window;
	uint64_t irq_window;
	int have_irq;		/* /proc/interrupts readable */
};
struct ent_icmp {
	const struct ent_ops *ops;
	struct ent_log *log;
	int fd;
	int raw;
	uint16_t id;
	int ntargets;
	struct ent_icmp_target t[ENT_GW_MAX];
	unsigned long max_packets;
	unsigned long sent;	/* over all targets */
	unsigned long replies;
	unsigned long invalid;	/* datagrams that failed validation */
	int active;
	struct ent_pace pace;
};
/* Opens the socket (raw first) for the given targets.
 * Returns 0, or -1 after logging a warning (the wait goes on without). */
int ent_icmp_open(struct ent_icmp *ic, const struct ent_ops *ops,
		struct ent_log *log, const struct in_addr *targets,
		int ntargets, unsigned long max_packets);
/* Reads and validates all pending replies */
void ent_icmp_receive(struct ent_icmp *ic, int64_t now);
void ent_icmp_close(struct ent_icmp *ic);
/* One pacing decision per window from device interrupt counts and the
 * replies (events) in it; returns the level */
void ent_pace_init(struct ent_pace *pc, int64_t now, const struct ent_irq_count *irq);
int ent_pace_update(struct ent_pace *pc, int64_t now, uint64_t irq_device,
		unsigned long events);
uint16_t ent_icmp_checksum(const void *data, size_t len);

#endif /* DROPBEAR_ENT_ICMP_H */
