/*
 * dropbear-entropy: the one place that decides what we credit.
 *
 * Crediting tells the kernel "these bytes hold this much entropy" and
 * brings the CRNG closer to declaring itself ready; an overestimate makes
 * it hand out predictable keys. So every source asks ent_credit_bits()
 * and credits exactly what it answers, never more. Mixing (a write to
 * /dev/urandom) is always safe and needs no rule.
 *
 * The rules, with the table in dropbear-entropy.8 (CREDIT POLICY) as
 * their mirror:
 *   - policy=strict: nothing, ever;
 *   - seed file: 256 bits, once, when it passed every check (ent_seed.c:
 *     owner, mode, checksum, a single link, written while the CRNG was
 *     ready, on this very device);
 *   - /dev/hwrng: only under -X trust-hwrng, the administrator's
 *     counterpart of rng_core.default_quality, and never where the kernel
 *     credits the device itself (quality > 0): that would count the same
 *     device twice. Then half the assessed min-entropy per byte, at most
 *     2 bits per byte, and only while the health tests pass;
 *   - CPU RNG instructions: only under -X trust-cpu, only where the kernel
 *     itself lists the instruction as usable (it drops the flag when its
 *     own self-test fails) and the output passed the sanity check; half
 *     the bits read;
 *   - our CPU jitter collector: only under policy=jitter, only where the
 *     kernel has no jitter collector of its own or its collector is not
 *     producing, half the assessed min-entropy per sample, while the
 *     health tests pass.
 *   - the seed file is mixed, never credited, where seedrng or
 *     systemd-random-seed restores a seed on this boot as well: both
 *     seeds were drawn from the same pool at the last shutdown, so
 *     crediting ours after theirs would count that state twice.
 * Health and statistical tests only refuse broken devices; passing them
 * proves nothing (a DRBG passes all of them), which is why hwrng and CPU
 * RNG credit hinges on the administrator's opt-in and not on a test.
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
#define ENT_HWRNG_MAX_PER_BYTE	2.0	/* bits, even where tests estimate more */

/* Half of h per unit over n units, rounded down, at most a digest's worth */
static unsigned int half_of(double h, double cap, size_t n)
{
	double bits;

	if (!(h > 0.0)) {
		return 0;	/* also NaN */
	}
	h /= 2.0;
	if (cap > 0.0 && h > cap) {
		h = cap;
	}
	bits = h * (double)n;
	if (bits >= ENT_CREDIT_DIGEST_BITS) {
		return ENT_CREDIT_DIGEST_BITS;
	}
	return (unsigned int)bits;
}

unsigned int ent_credit_bits(const struct entropy_config *cfg, enum ent_source src,
		const struct ent_credit_facts *f, size_t n, const char **why)
{
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
		if (!cfg->trust_hwrng) {
			*why = "mixed only, -X trust-hwrng would credit it";
			return 0;
		}
		if (!f->checks_passed) {
			*why = "its health tests failed";
			return 0;
		}
		*why = "-X trust-hwrng, health tests passed";
		return half_of(f->h_per_unit, ENT_HWRNG_MAX_PER_BYTE, n);
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
		return half_of(8.0, 0.0, n);
	case ENT_SOURCE_JITTER:
		if (cfg->policy != ENTROPY_POLICY_JITTER) {
			*why = "only policy=jitter credits CPU jitter";
			return 0;
		}
		if (f->kernel_collector) {
			*why = "the kernel's own jitter collector is producing";
			return 0;
		}
		if (!f->checks_passed) {
			*why = "its health tests failed";
			return 0;
		}
		*why = "policy=jitter, health tests passed";
		return half_of(f->h_per_unit, 0.0, n);
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
