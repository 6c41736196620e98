/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: one stimulation per boot and the boot records (ent_boot.c) */
#ifndef DROPBEAR_ENT_BOOT_H
#define DROPBEAR_ENT_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "ent_sys.h"

/* ---- one stimulation per boot (ent_boot.c) ---- */
#ifndef ENT_RUN_DIR
#define ENT_RUN_DIR		"/run/dropbear-entropy"
#endif
#define ENT_PATH_BOOT_ID	"/proc/sys/kernel/random/boot_id"
#define ENT_BOOT_ID_MAX		40	/* a UUID, 36 characters */
/* The boot's budget is taken from the record a burst at a time, each
 * written before it is used: a holder that is killed has used at most
 * what the record says */
#define ENT_BOOT_BURST_PACKETS	1024UL	/* and a second of stimulation */
struct ent_boot {
	int dirfd;		/* the run directory, checked; -1 none */
	int locked;		/* we hold its flock: this process stimulates */
	int alone;		/* no record: root stimulates on its own bounds */
	int untrusted;		/* the directory is there but fails the check */
	int failed;		/* the record could not be written */
	char boot_id[ENT_BOOT_ID_MAX];	/* tells this boot's record */
	unsigned long packets_spent;	/* taken by earlier holders this boot */
	unsigned long seconds_spent;
	unsigned long packets_left;	/* of the boot's budget, for us */
	unsigned long seconds_left;
	unsigned long packets_granted;	/* of that, in the record: we may use */
	unsigned long seconds_granted;
	char why[160];		/* why there is no usable record */
};
void ent_boot_init(struct ent_boot *b);
/* 1: we hold the lock and may stimulate within what is left of the boot's
 * budget (b->packets_left, b->seconds_left), as ent_boot_grant() takes it;
 * 0: another process of ours holds it, wait without stimulating; -1: no
 * usable or trusted ENT_RUN_DIR (b->why; b->untrusted when it is there but
 * fails the check): b->alone (root) stimulates within max_packets and
 * max_seconds of its own, anyone else not at all */
int ent_boot_acquire(struct ent_boot *b, const struct ent_ops *ops,
		unsigned long max_packets, unsigned long max_seconds);
/* While stimulating, before each turn: takes the next burst of the boot's
 * budget into the record once half a burst remains of what was taken
 * (b->packets_granted, b->seconds_granted). 1 taken, 0 nothing to do, -1
 * the record could not be written (b->why): root goes on within what is
 * left, anyone else stops at what it took. */
int ent_boot_grant(struct ent_boot *b, unsigned long sent, int64_t elapsed_us);
/* At the end: what this holder used (cumulative), the rest given back */
void ent_boot_record(struct ent_boot *b, unsigned long packets, unsigned long seconds);
void ent_boot_release(struct ent_boot *b);
/* 0 when the directory fd can be trusted: a directory owned by our
 * effective uid (reader: or root) that no one else may list or write;
 * else -1 and why */
int ent_run_dir_check(int fd, int reader, char *why, size_t len);
/* The boot record ENT_RUN_DIR/ENT_BOOT_SEEDED: who saw the CRNG become
 * ready while waiting, when, and what was credited and stimulated. Written
 * once per boot (a record of this boot is never replaced); quiet when
 * ENT_RUN_DIR is unusable. by is "dropbear" or "seed". */
#define ENT_BOOT_SEEDED		"seeded"
#define ENT_BOOT_WAITING	"waiting"
void ent_boot_seeded(const struct ent_ops *ops, const char *by, int seed_bits,
		unsigned long hwrng_bits, int cpu_bits, unsigned long jitter_bits,
		unsigned long icmp_sent, unsigned long block_reads);
/* ENT_RUN_DIR/ENT_BOOT_WAITING: "boot=<boot id> pid=<pid> collector=silent",
 * left by a waiting process whose blocking getrandom() has not seeded the
 * CRNG in ENT_COLLECTOR_SILENT_US; what status tells the collector by */
void ent_boot_note_collector_silent(const struct ent_ops *ops);
/* The kernel's boot id (ENT_PATH_BOOT_ID), "unknown" when unreadable: it
 * tells this boot's records from stale ones where /run is not a tmpfs */
void ent_boot_id(const struct ent_ops *ops, char *id, size_t len);

#endif /* DROPBEAR_ENT_BOOT_H */
