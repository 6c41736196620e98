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
struct ent_credit_facts {
	int checks_passed;	/* the source's own checks or health tests */
	int kernel_credits;	/* hwrng: the kernel credits the device itself */
	int kernel_usable;	/* CPU RNG: the kernel lists the instruction */
	int kernel_collector;	/* jitter: the kernel's own collector produces */
	double h_per_unit;	/* hwrng, jitter: assessed min-entropy per sample */
	const char *other_seed_tool;	/* seed: ent_credit_other_seed_tool() */
};
/* Bits that may be credited for n units (bytes, samples) of src: 0 means
 * mix only. *why names the rule that decided, for the log. */
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
