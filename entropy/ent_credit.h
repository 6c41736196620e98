/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the credit rules (ent_credit.c) */
#ifndef DROPBEAR_ENT_CREDIT_H
#define DROPBEAR_ENT_CREDIT_H

#include <stddef.h>

#include "entropy.h"
#include "ent_internal.h"
#include "ent_sys.h"

/* ---- credit rules (ent_credit.c): every credited bit is decided here ---- */
enum ent_source {
	ENT_SOURCE_SEED,	/* the seed file */
	ENT_SOURCE_HWRNG,	/* /dev/hwrng, read by us */
	ENT_SOURCE_CPURNG,	/* RDSEED/RDRAND, RNDRRS/RNDR */
	ENT_SOURCE_JITTER	/* our CPU jitter collector */
};
/* Our jitter collector's rates, by the kernel's rule (drivers/char/random.c,
 * try_to_generate_entropy(), 5.18+): a trial of 8192 counter reads gives
 * samples_per_bit = DIV_ROUND_UP(8192, changes + 1), refused above HZ/15;
 * then one bit per samples_per_bit timer ticks. */
#define ENT_JIT_HZ		250	/* timer ticks a second (CONFIG_HZ) we assume */
#define ENT_JIT_TICK_US		(1000000 / ENT_JIT_HZ)
#define ENT_JIT_MAX_SPB		(ENT_JIT_HZ / 15)	/* the kernel's MAX_SAMPLES_PER_BIT */
struct ent_credit_facts {
	int checks_passed;	/* the source's own checks or health tests */
	int kernel_credits;	/* hwrng: the kernel credits the device itself */
	int kernel_usable;	/* CPU RNG: the kernel lists the instruction */
	/* jitter: the kernel's own collector: 0 absent or seen idle, 1
	 * producing, -1 not known (no blocking getrandom() to watch, or its
	 * count unreadable) */
	int kernel_collector;
	unsigned int samples_per_bit;	/* jitter: the trial's */
	unsigned long ticks;	/* jitter: timer ticks since its first sample */
	unsigned long credited;	/* hwrng, jitter: bits this source credited so far */
	const char *other_seed_tool;	/* seed: ent_credit_other_seed_tool() */
};
/* Bits that may be credited for n units of src: 0 means mix only. For
 * hwrng (bytes) and jitter (samples) n counts every unit since the source
 * began and the answer is what may be credited now on top of
 * f->credited. *why names the rule that decided, for the log. */
unsigned int ent_credit_bits(const struct entropy_config *cfg, enum ent_source src,
		const struct ent_credit_facts *f, size_t n, const char **why);
#if ENT_WITH_SEED
/* Another tool that restores a seed at boot, whose seed and ours come
 * from the same pool: "seedrng" (its directory /var/lib/seedrng exists),
 * "systemd-random-seed" (systemd is this boot's init and
 * /var/lib/systemd/random-seed exists), or NULL */
const char *ent_credit_other_seed_tool(const struct ent_ops *ops);
#endif

#endif /* DROPBEAR_ENT_CREDIT_H */
