/*
 * Unit tests of the credit rules (ent_credit.c): the man page's table,
 * row by row, and the bounds every credit keeps. Called from
 * test_entropy.c.
 */
#include <stdio.h>
#include <string.h>

#include "ent_credit.h"
#include "entropy.h"
#include "sim.h"

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

static unsigned int bits(int policy, int trust_cpu, int trust_hwrng, enum ent_source src,
		const struct ent_credit_facts *f, size_t n, const char **why)
{
	struct entropy_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.policy = policy;
	cfg.trust_cpu = trust_cpu;
	cfg.trust_hwrng = trust_hwrng;
	return ent_credit_bits(&cfg, src, f, n, why);
}

void test_credit(int *passed, int *failed)
{
	static const int policies[] = { ENTROPY_POLICY_STRICT, ENTROPY_POLICY_DEFAULT,
		ENTROPY_POLICY_JITTER };
	struct ent_credit_facts ok, f;
	const char *why;
	size_t p;
	int src;

	np = passed;
	nf = failed;
	memset(&ok, 0, sizeof(ok));
	ok.checks_passed = 1;
	ok.kernel_usable = 1;
	ok.h_per_unit = 8.0;

	/* strict: nothing from any source, whatever the opt-ins */
	for (src = ENT_SOURCE_SEED; src <= ENT_SOURCE_JITTER; src++) {
		CHECK(bits(ENTROPY_POLICY_STRICT, 1, 1, (enum ent_source)src, &ok, 128, &why) == 0
				&& strcmp(why, "policy=strict credits nothing") == 0,
				"strict: source %d credits nothing", src);
	}
	/* seed file: 256 bits when every check passed, under default and jitter */
	for (p = 1; p < 3; p++) {
		CHECK(bits(policies[p], 0, 0, ENT_SOURCE_SEED, &ok, 32, &why) == 256,
				"policy %d: checked seed 256 bits", policies[p]);
		f = ok;
		f.checks_passed = 0;
		CHECK(bits(policies[p], 0, 0, ENT_SOURCE_SEED, &f, 32, &why) == 0,
				"policy %d: a seed that failed a check: 0", policies[p]);
	}
	/* hwrng: only under the opt-in, never where the kernel credits it,
	 * half the assessed value and at most 2 bits a byte */
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 0, ENT_SOURCE_HWRNG, &ok, 128, &why) == 0
			&& strstr(why, "trust-hwrng") != NULL, "hwrng without the opt-in: 0 (%s)", why);
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 1, ENT_SOURCE_HWRNG, &ok, 128, &why) == 256,
			"hwrng, opt-in, 8 bits assessed: capped at 2 bits/byte");
	f = ok;
	f.h_per_unit = 3.0;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 1, ENT_SOURCE_HWRNG, &f, 128, &why) == 192,
			"hwrng, opt-in, 3 bits assessed: half, 192 bits for 128 bytes");
	f = ok;
	f.kernel_credits = 1;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 1, ENT_SOURCE_HWRNG, &f, 128, &why) == 0
			&& strstr(why, "kernel credits") != NULL, "hwrng the kernel credits: 0");
	f = ok;
	f.checks_passed = 0;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 1, ENT_SOURCE_HWRNG, &f, 128, &why) == 0,
			"hwrng whose health tests failed: 0");
	/* CPU RNG: opt-in, the kernel's verdict, sane output */
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 0, ENT_SOURCE_CPURNG, &ok, 64, &why) == 0,
			"CPU RNG without trust-cpu: 0");
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 1, 0, ENT_SOURCE_CPURNG, &ok, 64, &why) == 256,
			"CPU RNG, trust-cpu: 256 bits for 64 bytes");
	f = ok;
	f.kernel_usable = 0;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 1, 0, ENT_SOURCE_CPURNG, &f, 64, &why) == 0,
			"CPU RNG the kernel does not list: 0");
	f = ok;
	f.checks_passed = 0;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 1, 0, ENT_SOURCE_CPURNG, &f, 64, &why) == 0,
			"CPU RNG with stuck words: 0");
	/* jitter: only under policy=jitter, not beside the kernel's own */
	f = ok;
	f.h_per_unit = 2.5;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 1, 1, ENT_SOURCE_JITTER, &f, 256, &why) == 0,
			"jitter under default: 0");
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 100, &why) == 125,
			"jitter: half of 2.5 bits for 100 samples is 125");
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 256, &why) == 256,
			"jitter: at most one digest's 256 bits");
	f.kernel_collector = 1;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 256, &why) == 0,
			"jitter beside the kernel's working collector: 0");
	f = ok;
	f.h_per_unit = -1.0;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 256, &why) == 0,
			"jitter with no estimate: 0");
}
