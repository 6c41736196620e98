/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: dropbear-entropy status (ent_status.c, the companion program only) */
#ifndef DROPBEAR_ENT_STATUS_H
#define DROPBEAR_ENT_STATUS_H

#include <stdio.h>
#include <netinet/in.h>

#include "entropy.h"
#include "ent_internal.h"
#include "ent_probe.h"
#include "ent_seed.h"
#include "ent_sys.h"

/* ---- dropbear-entropy status (ent_status.c, the companion program only) ---- */
#define ENT_STATUS_CREDITED_MAX	4
struct ent_status {
	int ready;		/* 1 ready, 0 not, -1 getrandom() failed */
	struct ent_gen gen;
	int gen_known;		/* poolsize read and recognised */
	int bits;		/* credited so far, -1 unknown */
	char release[64];
	int collector;		/* ent_probe_kernel_collector() */
	const char *producing;	/* "yes", "no", "unknown" */
	char why[256];		/* why not producing, as far as userspace tells */
	unsigned long long counter_hz;	/* the counter userspace reads, 0 unknown */
	/* /dev/hwrng */
	int hw_present;
	char hw_driver[32];
	int hw_quality;
	int hw_kernel_credits;
	const char *hw_verdict;
	/* CPU RNG */
	int cpu_lists;
	int trust_cpu;		/* -X trust-cpu */
	const char *cpu_verdict;
	const char *cpu_why;
	/* seed file */
	const char *seed_dir;
	int seed_built;		/* the seed file is part of this build */
	struct ent_seed_peek seed;
	const char *other_seed_tool;	/* NULL: none */
	/* ICMP */
	const char *icmp_via;	/* "route", "neighbours", "gateway option", "none" */
	struct in_addr targets[ENT_GW_MAX];
	int ntargets;
	char icmp_verdict[192];
	/* block reads */
	char block_device[ENTROPY_PATH_MAX];
	char block_verdict[192];
	/* this boot */
	const char *seeded_by;	/* "dropbear", "seed", "kernel", "none" */
	double at;		/* seconds since boot, < 0 unknown */
	int ncredited;
	char credited_src[ENT_STATUS_CREDITED_MAX][16];
	long credited_bits[ENT_STATUS_CREDITED_MAX];
	char stimulated[64];	/* the record's "icmp:N,block:N" */
	char record[160];	/* the record's path, or "unavailable: why" */
};
/* Gathers every fact without sending, reading /dev/hwrng, crediting,
 * mixing or blocking; returns st->ready */
int ent_status_gather(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_status *st);
/* The counter userspace reads (arm64: CNTFRQ_EL0), 0 when unknown */
unsigned long long ent_status_counter_hz(void);
/* One screen of text, and one JSON object (the fields of the man page) */
void ent_status_text(const struct ent_status *st, FILE *out);
void ent_status_json(const struct ent_status *st, FILE *out);

#endif /* DROPBEAR_ENT_STATUS_H */
