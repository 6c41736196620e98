/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the CRNG's state and generation (ent_probe.c) */
#ifndef DROPBEAR_ENT_PROBE_H
#define DROPBEAR_ENT_PROBE_H

#include <stddef.h>

#include "ent_sys.h"

/* ---- probe (ent_probe.c) ---- */
#define ENT_PATH_ENTROPY_AVAIL	"/proc/sys/kernel/random/entropy_avail"
#define ENT_PATH_POOLSIZE	"/proc/sys/kernel/random/poolsize"
#define ENT_PATH_OSRELEASE	"/proc/sys/kernel/osrelease"
struct ent_gen {
	int poolsize;		/* as read, 0 when unreadable */
	int bits_needed;	/* 256 rewritten RNG, 128 old one */
	const char *name;	/* for the log */
};
/* 1 ready, 0 not yet, -1 error (errno: ENOSYS, ...) */
int ent_probe_ready(const struct ent_ops *ops);
/* Fills gen; returns -1 (and guesses the rewritten RNG) when unknown */
int ent_probe_generation(const struct ent_ops *ops, struct ent_gen *gen);
/* The kernel's own jitter collector, by RNG generation and version:
 * 1 present, 0 absent, -1 unknown; release gets the version text ("" if
 * unreadable) */
int ent_probe_kernel_collector(const struct ent_ops *ops, const struct ent_gen *gen,
		char *release, size_t len);
/* Credited bits so far, from /proc or RNDGETENTCNT; -1 when neither works */
int ent_probe_bits(const struct ent_ops *ops, int *bits);

#endif /* DROPBEAR_ENT_PROBE_H */
