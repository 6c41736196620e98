/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
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
	ok.samples_per_bit = 1;
	ok.ticks = 1000000;

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
	 * Q bits per 1024 read (the remainder carried), at most a digest */
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 0, ENT_SOURCE_HWRNG, &ok, 128, &why) == 0
			&& strstr(why, "trust-hwrng") != NULL, "hwrng without the opt-in: 0 (%s)", why);
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 1024, ENT_SOURCE_HWRNG, &ok, 32, &why) == 256,
			"hwrng, trust-hwrng=1024: 8 bits a byte, 256 for 32 bytes");
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 1024, ENT_SOURCE_HWRNG, &ok, 128, &why) == 256,
			"hwrng, trust-hwrng=1024: at most a digest's 256 bits at once");
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 3, ENT_SOURCE_HWRNG, &ok, 128, &why) == 3
			&& bits(ENTROPY_POLICY_DEFAULT, 0, 1, ENT_SOURCE_HWRNG, &ok, 127, &why) == 0,
			"hwrng, trust-hwrng=3: 3 bits per 128 bytes; =1: nothing before 128 bytes");
	f = ok;
	f.credited = 3;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 3, ENT_SOURCE_HWRNG, &f, 300, &why) == 4,
			"hwrng, trust-hwrng=3: 300 bytes are 7 bits, 3 credited already: 4");
	f.credited = 8;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 3, ENT_SOURCE_HWRNG, &f, 300, &why) == 0,
			"hwrng: more credited than due: 0");
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 1025, ENT_SOURCE_HWRNG, &ok, 32, &why) == 0
			&& bits(ENTROPY_POLICY_DEFAULT, 0, -1, ENT_SOURCE_HWRNG, &ok, 32, &why) == 0,
			"hwrng: a quality outside 1..1024 credits nothing");
	f = ok;
	f.kernel_credits = 1;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 1024, ENT_SOURCE_HWRNG, &f, 128, &why) == 0
			&& strstr(why, "kernel credits") != NULL, "hwrng the kernel credits: 0");
	f = ok;
	f.checks_passed = 0;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 0, 1024, ENT_SOURCE_HWRNG, &f, 128, &why) == 0,
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
	/* jitter: only under policy=jitter, not beside the kernel's own
	 * collector unless it is seen idle, and by the kernel's rule: one
	 * bit per samples_per_bit samples and per samples_per_bit ticks */
	f = ok;
	CHECK(bits(ENTROPY_POLICY_DEFAULT, 1, 1, ENT_SOURCE_JITTER, &f, 256, &why) == 0,
			"jitter under default: 0");
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 100, &why) == 100,
			"jitter, 1 sample a bit: 100 bits for 100 samples");
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 1000, &why) == 256,
			"jitter: at most one digest's 256 bits");
	f.samples_per_bit = 3;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 100, &why) == 33,
			"jitter, 3 samples a bit: 33 bits for 100 samples");
	f.ticks = 30;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 100, &why) == 10,
			"jitter: 100 samples in 30 ticks at 3 a bit: 10 bits, the tick rate's");
	f.credited = 8;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 100, &why) == 2,
			"jitter: 8 of those 10 credited already: 2");
	f.credited = 11;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 100, &why) == 0,
			"jitter: more credited than due: 0");
	f = ok;
	f.samples_per_bit = ENT_JIT_MAX_SPB + 1;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 1000, &why) == 0
			&& strstr(why, "too coarse") != NULL, "jitter: samples_per_bit above HZ/15: 0");
	f.samples_per_bit = 0;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 1000, &why) == 0,
			"jitter without a trial: 0");
	f = ok;
	f.kernel_collector = 1;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 256, &why) == 0
			&& strstr(why, "is producing") != NULL,
			"jitter beside the kernel's working collector: 0");
	f.kernel_collector = -1;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 256, &why) == 0
			&& strstr(why, "may be producing") != NULL,
			"jitter beside a kernel collector not seen idle: 0");
	f = ok;
	f.checks_passed = 0;
	CHECK(bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER, &f, 256, &why) == 0,
			"jitter whose health tests failed: 0");
	/* The rate, exhaustively over small cases: never above n/spb, the
	 * ticks' ticks/spb, and what was credited counts */
	{
		unsigned long n, t, c, b, worst = 0;
		unsigned int spb;

		for (spb = 1; spb <= ENT_JIT_MAX_SPB; spb++) {
			for (n = 0; n < 300; n += 7) {
				for (t = 0; t < 300; t += 11) {
					for (c = 0; c < 40; c += 13) {
						f = ok;
						f.samples_per_bit = spb;
						f.ticks = t;
						f.credited = c;
						b = bits(ENTROPY_POLICY_JITTER, 0, 0, ENT_SOURCE_JITTER,
								&f, n, &why);
						if (b + c > n / spb || b + c > t / spb) {
							if (b > 0) {
								worst++;
							}
						}
					}
				}
			}
		}
		CHECK(worst == 0, "jitter: credited + due never above samples/spb or ticks/spb "
				"(%lu cases broke it)", worst);
	}
}
