/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the continuous health tests (ent_health.c) */
#ifndef DROPBEAR_ENT_HEALTH_H
#define DROPBEAR_ENT_HEALTH_H

#include <stddef.h>
#include <stdint.h>

/* ---- health tests (ent_health.c) ----
 * Continuous health tests, SP 800-90B 4.4 (alpha = 2^-20, window 512), on
 * 8-bit symbols, with cut-offs for the rate the credit rule claims: a
 * fixed table, nothing estimated at run time */
#define ENT_HEALTH_APT_W	512	/* adaptive proportion window */
struct ent_health {
	unsigned int rct_cutoff, apt_cutoff;
	unsigned int rct_count, rct_last;
	unsigned int apt_n, apt_count, apt_ref;
	unsigned int stuck_run;	/* stuck samples in a row (jitter) */
	int failed;
	const char *why;	/* the failed test */
};
/* Cut-offs for a claimed min-entropy of num/den bits per symbol */
void ent_health_init(struct ent_health *ht, unsigned int num, unsigned int den);
/* 0 healthy, -1 on the first failure (then stays failed) */
int ent_health_sample(struct ent_health *ht, unsigned int sym);
/* A stuck sample (jitter: a zero first or second difference) counts
 * toward a run that fails at the repetition cut-off; 0 or -1 as above */
int ent_health_stuck(struct ent_health *ht, int stuck);

#endif /* DROPBEAR_ENT_HEALTH_H */
