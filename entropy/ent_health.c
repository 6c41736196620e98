/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: continuous health tests (SP 800-90B 4.4) for the
 * sources we credit from a noise stream of our own: the CPU jitter
 * collector (ent_jitter.c) and /dev/hwrng under -X trust-hwrng
 * (ent_hwrng.c). A symbol is 8 bits (a byte, the low byte of a jitter
 * difference).
 *
 * The cut-offs follow from the min-entropy per symbol the credit rule
 * claims (ent_credit.c), never from an estimate: H = 1/samples_per_bit for
 * jitter, quality/128 per byte for hwrng. False alarms: alpha = 2^-20.
 *   Repetition Count Test (4.4.1): C = 1 + ceil(20 / H) identical symbols
 *     in a row fail; with H = num/den that is 1 + ceil(20 den / num).
 *   Adaptive Proportion Test (4.4.2): a window of 512 symbols fails when
 *     its first symbol occurs C times in it, C = 1 + CRITBINOM(512, 2^-H,
 *     1 - alpha). APT_TABLE holds C for the H of its rows (SP 800-90B
 *     Table 2 has the rows 0.5, 1, 2, 4 and 8: 410, 311, 177, 62, 13; the
 *     others were computed by the same formula); a claim between two rows
 *     takes the lower row, whose cut-off is the larger, so the false alarm
 *     rate stays at most alpha.
 *   Stuck test (jitter only, as jitterentropy and the kernel's collector
 *     treat a counter that did not move): a sample whose first or second
 *     difference is zero is mixed but not counted, and a run of them as
 *     long as the RCT cut-off fails.
 * Statistics bound entropy from above only: passing proves nothing (an LCG
 * passes), which is why credit is a fixed rule and these tests can only
 * refuse a source that broke. One failure stops crediting for the wait.
 */
#include <string.h>

#include "ent_health.h"
#include "ent_internal.h"

#if ENT_WITH_JITTER || ENT_WITH_HWRNG

#define ENT_HEALTH_ALPHA_LOG2	20

/* H in eighths of a bit per symbol, and the APT cut-off for W = 512 */
static const struct {
	unsigned char h8;
	unsigned short cutoff;
} APT_TABLE[] = {
	{ 1, 497 }, { 2, 468 }, { 4, 410 }, { 8, 311 }, { 16, 177 }, { 24, 103 },
	{ 32, 62 }, { 40, 39 }, { 48, 25 }, { 56, 18 }, { 64, 13 },
};

void ent_health_init(struct ent_health *ht, unsigned int num, unsigned int den)
{
	unsigned long h8;
	size_t i;

	memset(ht, 0, sizeof(*ht));
	if (num == 0 || den == 0) {
		num = 1;	/* never called so; the loosest cut-offs that fit */
		den = 1024;
	}
	/* 1 + ceil(20 / H) */
	ht->rct_cutoff = 1 + (unsigned int)((ENT_HEALTH_ALPHA_LOG2 * (unsigned long)den
				+ num - 1) / num);
	h8 = 8UL * num / den;
	ht->apt_cutoff = ENT_HEALTH_APT_W;	/* below the first row: all but one alike */
	for (i = 0; i < sizeof(APT_TABLE) / sizeof(APT_TABLE[0]); i++) {
		if (APT_TABLE[i].h8 <= h8) {
			ht->apt_cutoff = APT_TABLE[i].cutoff;
		}
	}
}

int ent_health_sample(struct ent_health *ht, unsigned int sym)
{
	if (ht->failed) {
		return -1;
	}
	if (ht->rct_count > 0 && sym == ht->rct_last) {
		if (++ht->rct_count >= ht->rct_cutoff) {
			ht->failed = 1;
			ht->why = "repetition count test";
			return -1;
		}
	} else {
		ht->rct_last = sym;
		ht->rct_count = 1;
	}
	if (ht->apt_n == 0) {
		ht->apt_ref = sym;
		ht->apt_count = 1;
	} else if (sym == ht->apt_ref && ++ht->apt_count >= ht->apt_cutoff) {
		ht->failed = 1;
		ht->why = "adaptive proportion test";
		return -1;
	}
	if (++ht->apt_n >= ENT_HEALTH_APT_W) {
		ht->apt_n = 0;
	}
	return 0;
}

int ent_health_stuck(struct ent_health *ht, int stuck)
{
	if (ht->failed) {
		return -1;
	}
	if (!stuck) {
		ht->stuck_run = 0;
		return 0;
	}
	if (++ht->stuck_run >= ht->rct_cutoff) {
		ht->failed = 1;
		ht->why = "stuck test";
		return -1;
	}
	return 0;
}

#endif /* ENT_WITH_JITTER || ENT_WITH_HWRNG */
