/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: the one place that decides what we credit.
 *
 * Crediting tells the kernel "these bytes hold this much entropy" and
 * brings the CRNG closer to declaring itself ready; an overestimate makes
 * it hand out predictable keys. So every source asks ent_credit_bits()
 * and credits exactly what it answers, never more. Mixing (a write to
 * /dev/urandom) is always safe and needs no rule.
 *
 * Every rule is fixed: the kernel's own, or the administrator's stated
 * opt-in. No statistic computed at run time decides a credit; statistics
 * bound entropy from above, never from below, so the health tests of
 * ent_health.c can only refuse a source that broke. The rules, with the
 * table in dropbear-entropy.8 (CREDIT POLICY) as their mirror:
 *   - policy=strict: nothing, ever;
 *   - seed file: 256 bits, once, when it passed every check (ent_seed.c:
 *     owner, mode, checksum, a single link, written while the CRNG was
 *     ready, on this very device); mixed only where seedrng or
 *     systemd-random-seed restores a seed on this boot as well: both
 *     seeds were drawn from the same pool at the last shutdown, so
 *     crediting ours after theirs would count that state twice;
 *   - /dev/hwrng: only under -X trust-hwrng=Q, the administrator's
 *     counterpart of rng_core's quality (drivers/char/hw_random/core.c:
 *     Q bits per 1024 bits read, the remainder carried), never where the
 *     kernel credits the device itself (quality > 0: that would count the
 *     same device twice), and only after a start-up of 1024 bytes and
 *     while the continuous tests pass;
 *   - CPU RNG instructions: only under -X trust-cpu, only where the kernel
 *     itself lists the instruction as usable (it drops the flag when its
 *     own self-test fails) and the output passed the sanity check; half
 *     the bits read;
 *   - our CPU jitter collector: only under policy=jitter, only where the
 *     kernel has no jitter collector of its own or its collector is seen
 *     idle (ent_collector.c), and by the rule of the kernel's
 *     try_to_generate_entropy() (drivers/char/random.c, 5.18+): one bit
 *     per samples_per_bit samples (the trial's, at most HZ/15), and never
 *     more than one bit per samples_per_bit timer ticks, with HZ = 250;
 *     while the health tests pass.
 * No credit is ever larger than the 256 bits one SHA-256 digest carries.
 */
#include <errno.h>
#include <string.h>

#include "ent_credit.h"
#include "ent_internal.h"
#include "ent_seed.h"
#include "ent_sys.h"
#include "entropy.h"

/* The core alone (probe, progress, collector, ICMP) credits nothing */
#if ENT_WITH_SEED || ENT_WITH_JITTER || ENT_WITH_HWRNG || ENT_WITH_CPURNG

#define ENT_CREDIT_DIGEST_BITS	(ENT_SHA256_LEN * 8)

/* due - credited, at most a digest's worth; 0 where nothing is due */
static unsigned int owed(unsigned long due, unsigned long credited)
{
	if (due <= credited) {
		return 0;
	}
	due -= credited;
	return due >= ENT_CREDIT_DIGEST_BITS ? ENT_CREDIT_DIGEST_BITS : (unsigned int)due;
}

unsigned int ent_credit_bits(const struct entropy_config *cfg, enum ent_source src,
		const struct ent_credit_facts *f, size_t n, const char **why)
{
	unsigned long by_samples, by_ticks;

	*why = "policy=strict credits nothing";
	if (cfg->policy == ENTROPY_POLICY_STRICT) {
		return 0;
	}
	switch (src) {
	case ENT_SOURCE_SEED:
		if (!f->checks_passed) {
			*why = "the seed file failed a check";
			return 0;
		}
		if (f->other_seed_tool != NULL) {
			*why = strcmp(f->other_seed_tool, "seedrng") == 0
				? "seedrng restores a seed on this boot (/var/lib/seedrng): "
				"crediting ours too would count the same state twice"
				: "systemd-random-seed restores a seed on this boot "
				"(/var/lib/systemd/random-seed): crediting ours too would "
				"count the same state twice";
			return 0;
		}
		*why = "a seed file that passed every check";
		return ENT_SEED_CREDIT_BITS;
	case ENT_SOURCE_HWRNG:
		if (f->kernel_credits) {
			*why = "the kernel credits /dev/hwrng itself (quality above 0)";
			return 0;
		}
		if (cfg->trust_hwrng <= 0 || cfg->trust_hwrng > 1024) {
			*why = "mixed only, -X trust-hwrng=Q would credit it";
			return 0;
		}
		if (!f->checks_passed) {
			*why = "its health tests failed";
			return 0;
		}
		*why = "-X trust-hwrng: its quality per 1024 bits read";
		/* n bytes are 8n bits; Q of each 1024 are entropy */
		return owed((unsigned long)n * 8 * (unsigned long)cfg->trust_hwrng / 1024,
				f->credited);
	case ENT_SOURCE_CPURNG:
		if (!cfg->trust_cpu) {
			*why = "mixed only, -X trust-cpu would credit it";
			return 0;
		}
		if (!f->kernel_usable) {
			*why = "the kernel does not list the instruction as usable";
			return 0;
		}
		if (!f->checks_passed) {
			*why = "its output failed the sanity check";
			return 0;
		}
		*why = "-X trust-cpu, listed by the kernel, sane output";
		return owed((unsigned long)n * 4, 0);	/* half of 8 bits a byte */
	case ENT_SOURCE_JITTER:
		if (cfg->policy != ENTROPY_POLICY_JITTER) {
			*why = "only policy=jitter credits CPU jitter";
			return 0;
		}
		if (f->kernel_collector > 0) {
			*why = "the kernel's own jitter collector is producing";
			return 0;
		}
		if (f->kernel_collector < 0) {
			*why = "the kernel's own jitter collector may be producing (only a "
				"blocking getrandom() with a readable credited count shows it)";
			return 0;
		}
		if (!f->checks_passed) {
			*why = "its health tests failed";
			return 0;
		}
		if (f->samples_per_bit == 0 || f->samples_per_bit > ENT_JIT_MAX_SPB) {
			*why = "its counter is too coarse (the kernel's trial refuses it)";
			return 0;
		}
		*why = "policy=jitter, the kernel's rule: one bit per samples_per_bit ticks";
		by_samples = (unsigned long)n / f->samples_per_bit;
		by_ticks = f->ticks / f->samples_per_bit;
		return owed(by_samples < by_ticks ? by_samples : by_ticks, f->credited);
	}
	*why = "unknown source";
	return 0;
}

#if ENT_WITH_SEED
/* True when path is a directory that can be listed, or (name != NULL)
 * holds an entry called name */
static int dir_has(const struct ent_ops *ops, const char *path, const char *name)
{
	char names[4096];
	ssize_t n, i;

	n = ops->list_dir(path, names, sizeof(names));
	if (n < 0) {
		/* ENOBUFS: a directory too full to list whole exists */
		return errno == ENOBUFS && name == NULL;
	}
	if (name == NULL) {
		return 1;
	}
	for (i = 0; i < n; i += (ssize_t)strlen(names + i) + 1) {
		if (strcmp(names + i, name) == 0) {
			return 1;
		}
	}
	return 0;
}

const char *ent_credit_other_seed_tool(const struct ent_ops *ops)
{
	/* seedrng (busybox, Buildroot, standalone) keeps seed.credit and
	 * seed.no-credit there and creates the directory on its first run */
	if (dir_has(ops, "/var/lib/seedrng", NULL)) {
		return "seedrng";
	}
	/* systemd-random-seed.service runs on every boot where systemd is
	 * init (/run/systemd/system) and its seed file exists */
	if (dir_has(ops, "/run/systemd/system", NULL)
			&& dir_has(ops, "/var/lib/systemd", "random-seed")) {
		return "systemd-random-seed";
	}
	return NULL;
}
#endif

#endif /* a source that can credit */
