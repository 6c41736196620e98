/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of /dev/hwrng use (ent_hwrng.c) in the wait, on the
 * simulated device of sim.c. Called from test_entropy.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ent_cpurng.h"
#include "ent_wait.h"
#include "entropy.h"
#include "sim.h"

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

static volatile int stop;

static int cpu, trust, trust_hw;
static const char *quality;	/* the kernel's rng_quality, NULL: unknown */
static const char *cpuinfo;

#define CPUINFO_ARM64	"processor\t: 0\nBogoMIPS\t: 48.00\n" \
	"Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics rng\n"
#define CPUINFO_NO_RNG	"processor\t: 0\nFeatures\t: fp asimd evtstrm rngx\n"

static int run(struct sim *s, int poolsize, int dev, int policy, int eagain)
{
	struct entropy_config cfg;

	sim_init(s, poolsize);
	sim_config(s, &cfg, &stop);
	s->hwrng = dev;
	s->hwrng_eagain = eagain;
	s->cpu_rng = cpu;
	if (cpuinfo != NULL) {
		sim_text(s, "/proc/cpuinfo", cpuinfo);
	}
	cfg.trust_cpu = trust;
	cfg.trust_hwrng = trust_hw;
	if (quality != NULL) {
		sim_text(s, "/sys/class/misc/hw_random/rng_current", "virtio_rng.0\n");
		sim_text(s, "/sys/class/misc/hw_random/rng_quality", quality);
	}
	s->limit = s->now + 3000000;
	cfg.policy = policy;
	cfg.stimulators_set = 1;	/* nothing else helps */
	snprintf(cfg.seed_dir, sizeof(cfg.seed_dir), "%s", SIM_SEED_DIR);
	return ent_wait(&cfg, sim_ops(s));
}

void test_hwrng(int *passed, int *failed)
{
	struct sim s;
	int r;

	np = passed;
	nf = failed;

	/* Default: a device the kernel does not credit is mixed, never
	 * credited (the kernel's own choice stands) */
	r = run(&s, 256, SIM_HWRNG_GOOD, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && (unsigned long)s.credited_bits == 0 && s.credit_calls == 0 && s.hwrng_bytes == 64
			&& sim_log_count(&s, "mixed in without credit (mixed only, -X trust-hwrng=Q "
				"would credit it)") == 1,
			"default: hwrng mixed (64 bytes), never credited (%lu bits, %lu bytes)",
			(unsigned long)s.credited_bits, s.hwrng_bytes);
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "default hwrng: closed");
	/* The kernel credits it itself (quality > 0): left to the kernel */
	quality = "1000\n";
	trust_hw = 1024;
	r = run(&s, 256, SIM_HWRNG_GOOD, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.hwrng_reads == 0 && s.credit_calls == 0 && sim_log_count(&s,
			"/dev/hwrng virtio_rng.0 (credited by the kernel, quality 1000)") == 1,
			"kernel quality 1000: not read even under trust-hwrng, named in the plan");
	quality = "0\n";
	r = run(&s, 256, SIM_HWRNG_GOOD, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == 0 && (unsigned long)s.credited_bits == 256 && s.hwrng_bytes == 1024 + 64
			&& sim_log_count(&s, "plan: /dev/hwrng virtio_rng.0 (credited at 1024 bits "
				"per 1024 under -X trust-hwrng, health-tested)") == 1,
			"kernel quality 0, -X trust-hwrng=1024: 256 bits after the start-up and "
			"two blocks (%lu bits, %lu bytes)", (unsigned long)s.credited_bits,
			s.hwrng_bytes);
	quality = NULL;

	/* -X trust-hwrng=Q: Q bits per 1024 read, after the 1024-byte
	 * start-up, a block counting once the next one passed: exactly the
	 * rule, whatever the device (its bytes are an LCG) */
	{
		static const int qs[] = { 1024, 512, 128, 100, 3 };
		unsigned long want_bytes;
		size_t k;

		for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
			trust_hw = qs[k];
			r = run(&s, 256, SIM_HWRNG_GOOD, ENTROPY_POLICY_DEFAULT, 0);
			/* 256 bits need ceil(256 * 1024 / (8 Q)) bytes counted, in
			 * whole blocks, plus the block that confirms the last */
			want_bytes = (256UL * 1024 / 8 + (unsigned long)qs[k] - 1) / (unsigned long)qs[k];
			want_bytes = (want_bytes + 31) / 32 * 32 + 32 + 1024;
			if (want_bytes > ENT_HWRNG_MAX_BYTES) {
				CHECK(r == -1 && (unsigned long)s.credited_bits
						== (ENT_HWRNG_MAX_BYTES - 1024 - 32) * 8UL * (unsigned long)qs[k] / 1024
						&& s.hwrng_bytes == ENT_HWRNG_MAX_BYTES,
						"trust-hwrng=%d: %lu bits from the wait's %lu bytes (%lu bits)",
						qs[k], (ENT_HWRNG_MAX_BYTES - 1024 - 32) * 8UL
						* (unsigned long)qs[k] / 1024, (unsigned long)ENT_HWRNG_MAX_BYTES,
						(unsigned long)s.credited_bits);
			} else {
				CHECK(r == 0 && s.credited_bits >= 256 && s.credited_bits < 256 + 8 * qs[k] / 32 + 1
						&& s.hwrng_bytes == want_bytes,
						"trust-hwrng=%d: 256 bits after %lu bytes (%d bits, %lu bytes)",
						qs[k], want_bytes, s.credited_bits, s.hwrng_bytes);
			}
			CHECK((unsigned long)s.credited_bits * 1024 <= (s.hwrng_bytes > 1024 + 32
					? s.hwrng_bytes - 1024 - 32 : 0) * 8UL * (unsigned long)qs[k],
					"trust-hwrng=%d: never above Q per 1024 bits past the start-up", qs[k]);
		}
	}

	trust_hw = 1024;
	r = run(&s, 256, SIM_HWRNG_GOOD, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(sim_log_count(&s, "passed its start-up (1024 bytes); crediting 1024 bits per "
				"1024 read") == 1
			&& sim_log_count(&s, "/dev/hwrng (256 bits credited)") == 1, "good hwrng: logged");
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "good hwrng: closed");

	r = run(&s, 4096, SIM_HWRNG_GOOD, ENTROPY_POLICY_DEFAULT, 1);
	CHECK(r == 0 && (unsigned long)s.credited_bits >= 128 && s.hwrng_reads > 60,
			"old kernel, EAGAIN every other read: seeded by hwrng (%lu reads)", s.hwrng_reads);

	r = run(&s, 256, SIM_HWRNG_GOOD, ENTROPY_POLICY_STRICT, 0);
	CHECK(r == -1 && s.hwrng_reads == 0 && s.credit_calls == 0, "strict: hwrng not read");

	/* Good for 1100 bytes, then constant, at 1 bit a byte (Q = 128):
	 * the repetition count test (cut-off 21) stops it at byte 1120,
	 * after the blocks up to 1088 counted: 64 bits */
	trust_hw = 128;
	r = run(&s, 256, SIM_HWRNG_STUCK, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credited_bits == 64
			&& sim_log_count(&s, "repetition count test after 64 bits") == 1,
			"stuck hwrng: stopped by the RCT (%d bits)", s.credited_bits);
	CHECK(sim_fds_open(&s) == 0, "stuck hwrng: closed");
	trust_hw = 1024;

	r = run(&s, 256, SIM_HWRNG_BIASED, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && s.hwrng_bytes <= 64
			&& (sim_log_count(&s, "/dev/hwrng: repetition count test") == 1
				|| sim_log_count(&s, "/dev/hwrng: adaptive proportion test") == 1),
			"biased hwrng (2 values) at a claimed 8 bits a byte: refused in its start-up");

	/* What passed the old estimators' start-up test and was credited
	 * 256 bits and more: a fixed 32-byte buffer, a short cycle, and a
	 * fixed buffer that starts after the start-up */
	r = run(&s, 256, SIM_HWRNG_FIXED32, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && (unsigned long)s.credited_bits == 0,
			"fixed 32-byte buffer: never credited");
	r = run(&s, 256, SIM_HWRNG_CYCLE, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && (unsigned long)s.credited_bits == 0,
			"cycle of 40 bytes: never credited");
	r = run(&s, 256, SIM_HWRNG_LATE_FIXED, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && (unsigned long)s.credited_bits == 0
			&& sim_log_count(&s, "/dev/hwrng: a 32-byte block repeated") == 1,
			"fixed buffer after the start-up: caught by the block repeat check before "
			"its first block counted (%lu bits)", (unsigned long)s.credited_bits);

	r = run(&s, 256, SIM_HWRNG_EIO, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && sim_log_count(&s, "/dev/hwrng unreadable") == 1
			&& s.hwrng_reads == 1 && sim_fds_open(&s) == 0, "EIO: one line, closed, no retry");

	r = run(&s, 256, SIM_HWRNG_EACCES, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && sim_log_count(&s,
			"cannot open /dev/hwrng (Permission denied): not used") == 1,
			"EACCES: one line");
	trust_hw = 0;

	r = run(&s, 256, SIM_HWRNG_NONE, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && sim_log_count(&s, "hwrng") == 1 && sim_log_count(&s, "CPU RNG") == 0,
			"no device, no CPU RNG: not a word (besides the hint)");

	/* CPU RNG instructions: mixed, credited only under trust-cpu, where
	 * the kernel lists them and the words are not stuck */
	cpu = SIM_CPU_GOOD;
	cpuinfo = CPUINFO_ARM64;
	r = run(&s, 256, SIM_HWRNG_NONE, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.cpu_words == 64 / sizeof(unsigned long) && s.credit_calls == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "CPU RNG (RNDRRS) mixed in without credit (mixed only, "
				"-X trust-cpu would credit it)") == 1,
			"CPU RNG: mixed, not credited");
	/* An instruction that keeps failing: given up after its retries,
	 * nothing mixed */
	cpu = SIM_CPU_DRY;
	r = run(&s, 256, SIM_HWRNG_NONE, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.cpu_words == 100 && s.mix_calls == 0 && s.credit_calls == 0
			&& sim_log_count(&s, "CPU RNG") == 0,
			"CPU RNG that stays dry: 100 tries, nothing mixed (%lu)", s.cpu_words);
	cpu = SIM_CPU_GOOD;
	trust = 1;
	r = run(&s, 256, SIM_HWRNG_NONE, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == 0 && s.credited_bits == 256
			&& sim_log_count(&s, "while running: CPU RNG (256 bits)") == 1,
			"trust-cpu, listed by the kernel: 256 bits credited, seeded");
	r = run(&s, 256, SIM_HWRNG_NONE, ENTROPY_POLICY_STRICT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "(policy=strict credits nothing)") == 1,
			"trust-cpu under strict: mixed only");
	cpu = SIM_CPU_STUCK;
	r = run(&s, 256, SIM_HWRNG_NONE, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "(its output failed the sanity check)") == 1,
			"trust-cpu, constant output: mixed only, not credited");
	cpu = SIM_CPU_GOOD;
	cpuinfo = CPUINFO_NO_RNG;
	r = run(&s, 256, SIM_HWRNG_NONE, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "(the kernel does not list the instruction as usable)") == 1,
			"trust-cpu, the kernel does not list rng: mixed only");
	cpuinfo = NULL;
	r = run(&s, 256, SIM_HWRNG_NONE, ENTROPY_POLICY_DEFAULT, 0);
	CHECK(r == -1 && s.credit_calls == 0 && s.mix_calls == 1,
			"trust-cpu, /proc/cpuinfo unreadable: mixed only");
	{
		unsigned char w[64];
		size_t i;

		for (i = 0; i < sizeof(w); i++) {
			w[i] = (unsigned char)(i * 37 + 11);
		}
		CHECK(ent_cpurng_sane(w, sizeof(w)) == 1, "sanity: varied words pass");
		memset(w, 0xff, 8);
		CHECK(ent_cpurng_sane(w, sizeof(w)) == 0, "sanity: an all-ones word fails");
		memset(w, 0, 8);
		CHECK(ent_cpurng_sane(w, sizeof(w)) == 0, "sanity: an all-zero word fails");
		for (i = 0; i < sizeof(w); i++) {
			w[i] = (unsigned char)(i * 37 + 11);
		}
		memcpy(w + 40, w + 8, 8);
		CHECK(ent_cpurng_sane(w, sizeof(w)) == 0, "sanity: two equal words fail");
		CHECK(ent_cpurng_kernel_lists("flags\t\t: fpu vme sse2 rdrand hypervisor\n") == 1
				&& ent_cpurng_kernel_lists("flags\t\t: fpu rdseed\n") == 1
				&& ent_cpurng_kernel_lists(CPUINFO_ARM64) == 1,
				"cpuinfo: rdrand, rdseed, rng listed");
		CHECK(ent_cpurng_kernel_lists("flags\t\t: fpu vme sse2 hypervisor\n") == 0
				&& ent_cpurng_kernel_lists(CPUINFO_NO_RNG) == 0
				&& ent_cpurng_kernel_lists("model name\t: rdrand rng\n") == 0
				&& ent_cpurng_kernel_lists("") == 0,
				"cpuinfo: no rdrand/rdseed/rng word on the flags line");
	}
	cpu = trust = 0;
	cpuinfo = NULL;

	{
		struct entropy_config c;
		char err[128];

		memset(&c, 0, sizeof(c));
		CHECK(entropy_config_set(&c, "trust-cpu", err, sizeof(err)) == 0 && c.trust_cpu == 1,
				"-X trust-cpu");
		CHECK(entropy_config_set(&c, "trust-cpu=yes", err, sizeof(err)) == -1
				&& strstr(err, "-X trust-cpu: takes no value") != NULL, "-X trust-cpu=yes: %s", err);
		CHECK(entropy_config_set(&c, "trust-hwrng=1", err, sizeof(err)) == 0
				&& c.trust_hwrng == 1 && entropy_config_set(&c, "trust-hwrng=1024", err,
					sizeof(err)) == 0 && c.trust_hwrng == 1024, "-X trust-hwrng=1, =1024");
		CHECK(entropy_config_set(&c, "trust-hwrng", err, sizeof(err)) == -1
				&& strstr(err, "-X trust-hwrng: needs a quality, expected trust-hwrng=Q "
					"(Q from 1 to 1024") != NULL, "bare -X trust-hwrng: %s", err);
		CHECK(entropy_config_set(&c, "trust-hwrng=0", err, sizeof(err)) == -1
				&& entropy_config_set(&c, "trust-hwrng=1025", err, sizeof(err)) == -1
				&& entropy_config_set(&c, "trust-hwrng=yes", err, sizeof(err)) == -1
				&& entropy_config_set(&c, "trust-hwrng=", err, sizeof(err)) == -1
				&& strstr(err, "-X trust-hwrng: bad value, expected trust-hwrng=Q") != NULL
				&& c.trust_hwrng == 1024, "-X trust-hwrng=0, 1025, yes, empty: %s", err);
	}
}
