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
#define ENT_PACE_WINDOW_US	200000	/* interrupt yield is measured per window */
#define ENT_PACE_MAX_GAP_US	2000
#define ENT_PACE_GOOD_YIELD	0.9	/* device interrupts per reply deemed fine */
struct ent_icmp_target {
	struct in_addr addr;
	uint16_t seq;		/* of the request in flight */
	int in_flight;
	int dead;
	int64_t sent_at;
	int64_t next_send;	/* when not in flight */
	unsigned int losses;	/* consecutive */
	unsigned long replies;
};
struct ent_pace {
	unsigned int gap_us;	/* pause between a reply and the next request */
	int dir;		/* +1 lengthening the gap, -1 shortening */
	double last_rate;	/* device interrupts per second, last window */
	double last_yield;	/* device interrupts per reply, last window */
	int64_t t_window;
	uint64_t irq_window;
	unsigned long events_window;
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
/* One pacing decision per window from device interrupt counts */
void ent_pace_init(struct ent_pace *pc, int64_t now, const struct ent_irq_count *irq);
int ent_pace_update(struct ent_pace *pc, int64_t now, uint64_t irq_device,
		unsigned long events);
uint16_t ent_icmp_checksum(const void *data, size_t len);

#endif /* DROPBEAR_ENT_ICMP_H */
