/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of the CPU jitter collector (ent_jitter.c) and its rule
 * (ent_credit.c: the kernel's try_to_generate_entropy()): the trial, the
 * fixed health-test cut-offs, the wait under -X policy=jitter, and the
 * kernel's own collector beside ours (ent_collector.c). Called from
 * test_entropy.c.
 *
 * The streams of issue 21 - the top byte of an LCG, a sticky two-state
 * Markov choice between two LCG streams, a counter plus one bit of noise -
 * and sim.c's own: no statistic tells them apart from noise, so each is
 * credited, and each at no more than the fixed rule allows: bits <= ticks
 * since the wait began / samples_per_bit, and <= samples / samples_per_bit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent_health.h"
#include "ent_jitter.h"
#include "ent_probe.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"
#include "sim.h"

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

static volatile int stop;

#define T0	5000000		/* sim_init()'s virtual clock at the start */

static void setup(struct sim *s, struct entropy_config *cfg, int poolsize, int stream)
{
	sim_init(s, poolsize);
	sim_config(s, cfg, &stop);
	s->jit_stream = stream;
	snprintf(cfg->seed_dir, sizeof(cfg->seed_dir), "%s", SIM_SEED_DIR);
}

/* ---- the streams (differences of clock readings, in ns) ---- */
static uint32_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*x >> 32);
}

/* Deterministic: the top byte of an LCG (0 bits of entropy) */
static uint64_t lcg_top_byte(struct sim *s, unsigned long i)
{
	(void)i;
	return lcg(&s->jit_y) >> 24;
}

/* A sticky two-state Markov chain (leaves its state with p = 1/100)
 * choosing between two LCG streams: about 0.08 bits a sample */
static uint64_t sticky_markov(struct sim *s, unsigned long i)
{
	uint64_t a, b;

	(void)i;
	if (lcg(&s->jit_z) % 100 == 0) {
		s->jit_x ^= 1;
	}
	a = lcg(&s->jit_y) >> 24;
	b = (lcg(&s->jit_y) >> 16) & 0xff;
	return 1 + (s->jit_x ? a : b);
}

/* A counter plus one bit of noise: reading i is 1000 i + b_i, so the
 * difference is 1000 + b_i - b_(i-1) (1 bit of entropy a sample) */
static uint64_t counter_bit(struct sim *s, unsigned long i)
{
	uint64_t b = lcg(&s->jit_z) >> 31;
	uint64_t d = 1000 + b - (i > 0 ? s->jit_y : 0);

	s->jit_y = b;
	return d;
}

/* A counter that moves once in 64 reads: the kernel's trial refuses it */
static uint64_t very_coarse(struct sim *s, unsigned long i)
{
	(void)s;
	return i % 64 == 63 ? 1000 : 0;
}

/* The samples a bit the start line reports, 0 when absent */
static unsigned int logged_spb(const struct sim *s)
{
	const char *p;
	int i;

	for (i = 0; i < s->nlog; i++) {
		p = strstr(s->log[i].text, " reads changed, ");
		if (p != NULL) {
			return (unsigned int)strtoul(p + strlen(" reads changed, "), NULL, 10);
		}
	}
	return 0;
}

struct stream {
	const char *name;
	int stream;
	uint64_t (*fn)(struct sim *s, unsigned long i);
};

static void test_rate(void)
{
	static const struct stream streams[] = {
		{ "top byte of an LCG", SIM_JIT_HEALTHY, lcg_top_byte },
		{ "sticky Markov over two LCGs", SIM_JIT_HEALTHY, sticky_markov },
		{ "counter plus one bit of noise", SIM_JIT_HEALTHY, counter_bit },
		{ "sim.c's healthy stream (an LCG)", SIM_JIT_HEALTHY, NULL },
		{ "sim.c's periodic stream (8 values)", SIM_JIT_PERIODIC, NULL },
		{ "sim.c's coarse stream (13 in 16 reads unchanged)", SIM_JIT_COARSE, NULL },
	};
	static const int pools[] = { 256, 4096 };
	struct sim s;
	struct entropy_config cfg;
	unsigned long ticks, samples;
	unsigned int spb;
	size_t k, p;
	int r;

	for (k = 0; k < sizeof(streams) / sizeof(streams[0]); k++) {
		for (p = 0; p < 2; p++) {
			/* 4.14 before the 2022 stable update: no kernel collector;
			 * the rewritten RNG: one whose collector gives nothing */
			setup(&s, &cfg, pools[p], streams[k].stream);
			s.jit_fn = streams[k].fn;
			s.jit_y = 1;
			s.jit_z = 7;
			sim_text(&s, ENT_PATH_OSRELEASE, "4.14.200-bsp\n");
			cfg.policy = ENTROPY_POLICY_JITTER;
			cfg.stimulators_set = 1;
			cfg.stimulators = pools[p] == 256 ? ENTROPY_STIM_COLLECTOR : 0;
			s.limit = s.now + 60000000;
			r = ent_wait(&cfg, sim_ops(&s));
			spb = logged_spb(&s);
			ticks = (unsigned long)(s.ready_at - T0) / ENT_JIT_TICK_US;
			samples = s.jit_samples > ENT_JIT_TRIAL ? s.jit_samples - ENT_JIT_TRIAL : 0;
			CHECK(r == 0 && spb >= 1 && spb <= ENT_JIT_MAX_SPB
					&& s.credited_bits >= (pools[p] == 256 ? 256 : 128),
					"%s, poolsize %d: seeded by our collector at %u samples a bit "
					"(%d bits)", streams[k].name, pools[p], spb, s.credited_bits);
			CHECK(spb > 0 && (unsigned long)s.credited_bits <= ticks / spb
					&& (unsigned long)s.credited_bits <= samples / spb,
					"%s, poolsize %d: %d bits in %lu ticks and %lu samples: never "
					"above the rule's ticks/%u and samples/%u", streams[k].name,
					pools[p], s.credited_bits, ticks, samples, spb, spb);
			CHECK(s.ready_at - T0 >= (int64_t)(pools[p] == 256 ? 256 : 128)
					* ENT_JIT_TICK_US * (int64_t)spb,
					"%s, poolsize %d: ready after %.3f s, not before %d bits' "
					"ticks", streams[k].name, pools[p], (double)(s.ready_at - T0) / 1e6,
					pools[p] == 256 ? 256 : 128);
			CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "%s: clean",
					streams[k].name);
		}
	}
	/* The figure issue 21 named: 256 bits took 0.0 s; now at least
	 * 256 ticks at HZ 250 */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready_at - T0 >= 1024000 && s.ready_at - T0 < 2500000,
			"6.x, dead collector, sim's stream: 256 bits in %.3f s (at least 1.024)",
			(double)(s.ready_at - T0) / 1e6);
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	sim_text(&s, ENT_PATH_OSRELEASE, "4.14.200-bsp\n");
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators_set = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready_at - T0 >= 512000 && s.ready_at - T0 < 700000,
			"legacy 4.14, sim's stream: 128 bits in %.3f s (at least 0.512)",
			(double)(s.ready_at - T0) / 1e6);
	CHECK(sim_log_count(&s, "jitter collector started: 8191 of 8191 reads changed, 1 samples "
				"a bit (the kernel's rule), at most one sample a tick (HZ 250)") == 1
			&& sim_log_count(&s, "CPU jitter (128 bits credited)") == 1
			&& sim_log_count(&s, "plan: CPU jitter (policy=jitter: 1 bit per 1 ticks)") == 1,
			"legacy: the rule logged");
}

static void test_cutoffs(void)
{
	struct ent_health h;
	unsigned int i, n;

	/* The fixed table: SP 800-90B Table 2's rows where it has them */
	ent_health_init(&h, 1, 1);
	CHECK(h.rct_cutoff == 21 && h.apt_cutoff == 311, "H = 1: RCT 21, APT 311 (%u, %u)",
			h.rct_cutoff, h.apt_cutoff);
	ent_health_init(&h, 1, 2);
	CHECK(h.rct_cutoff == 41 && h.apt_cutoff == 410, "H = 1/2: RCT 41, APT 410");
	ent_health_init(&h, 1024, 128);
	CHECK(h.rct_cutoff == 4 && h.apt_cutoff == 13, "H = 8: RCT 4, APT 13");
	ent_health_init(&h, 512, 128);
	CHECK(h.rct_cutoff == 6 && h.apt_cutoff == 62, "H = 4: RCT 6, APT 62");
	ent_health_init(&h, 100, 128);
	CHECK(h.rct_cutoff == 27 && h.apt_cutoff == 410,
			"H = 100/128: RCT 27, APT the 1/2 row's 410 (%u, %u)", h.rct_cutoff, h.apt_cutoff);
	ent_health_init(&h, 1, 8);
	CHECK(h.rct_cutoff == 161 && h.apt_cutoff == 497, "H = 1/8: RCT 161, APT 497");
	ent_health_init(&h, 1, 16);
	CHECK(h.rct_cutoff == 321 && h.apt_cutoff == ENT_HEALTH_APT_W,
			"H = 1/16, below the table: RCT 321, APT at the window");

	ent_health_init(&h, 1, 1);
	for (i = 0; i < 20; i++) {
		CHECK(ent_health_sample(&h, 7) == 0 || i >= 20, "RCT: %u repeats pass", i + 1);
	}
	CHECK(ent_health_sample(&h, 7) == -1 && strstr(h.why, "repetition") != NULL,
			"RCT: the 21st identical symbol fails");
	CHECK(ent_health_sample(&h, 8) == -1, "RCT: a failure stays");

	/* APT: a symbol in every other place of the window */
	ent_health_init(&h, 8, 1);
	for (i = 0, n = 0; i < 400 && ent_health_sample(&h, i % 2 ? 9 : 2) == 0; i++) {
		n++;
	}
	CHECK(h.failed && strstr(h.why, "adaptive") != NULL && n == 24,
			"APT at 8 bits: fails at the 13th reference symbol (%u samples)", n);

	ent_health_init(&h, 1, 1);
	for (i = 0; i < 20; i++) {
		CHECK(ent_health_stuck(&h, 1) == 0, "stuck: %u in a row pass", i + 1);
	}
	CHECK(ent_health_stuck(&h, 0) == 0 && ent_health_stuck(&h, 1) == 0,
			"stuck: a moving sample ends the run");
	for (i = 0; i < 19; i++) {
		(void)ent_health_stuck(&h, 1);
	}
	CHECK(ent_health_stuck(&h, 1) == -1 && strstr(h.why, "stuck") != NULL,
			"stuck: the 21st in a row fails");
}

static void test_trial(void)
{
	struct sim s;
	struct entropy_config cfg;
	int changes;
	unsigned int spb;

	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	spb = ent_jitter_trial(sim_ops(&s), &changes);
	CHECK(spb == 1 && changes == ENT_JIT_TRIAL - 1, "trial: every read changed: 1 a bit");
	setup(&s, &cfg, 4096, SIM_JIT_COARSE);
	spb = ent_jitter_trial(sim_ops(&s), &changes);
	CHECK(spb == (ENT_JIT_TRIAL + (unsigned int)changes) / ((unsigned int)changes + 1)
			&& spb >= 4 && spb <= 8,
			"trial: 3 in 16 reads changed: DIV_ROUND_UP(8192, %d + 1) = %u", changes, spb);
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	s.jit_fn = very_coarse;
	spb = ent_jitter_trial(sim_ops(&s), &changes);
	CHECK(spb == 0 && changes == 127, "trial: 1 in 64 changed: 64 a bit, above HZ/15 = %d: "
			"refused (%d changes)", ENT_JIT_MAX_SPB, changes);
	setup(&s, &cfg, 4096, SIM_JIT_NOCLOCK);
	spb = ent_jitter_trial(sim_ops(&s), &changes);
	CHECK(spb == 0 && changes == -1, "trial: no clock");
}

static void test_wait_jitter(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	/* 5.10 (poolsize 4096 still) has the kernel's collector, and so
	 * has 4.19.249+ (the 2022 stable update): ours waits for the
	 * kernel's, which seeds it, and credits nothing beside it */
	{
		static const char *const with_collector[] = { "5.10.0-rt\n", "4.19.249\n",
			"5.4\n" };
		size_t k;

		for (k = 0; k < sizeof(with_collector) / sizeof(with_collector[0]); k++) {
			setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
			sim_text(&s, ENT_PATH_OSRELEASE, with_collector[k]);
			cfg.policy = ENTROPY_POLICY_JITTER;
			cfg.stimulators = ENTROPY_STIM_COLLECTOR;
			s.has_jitter = 1;
			r = ent_wait(&cfg, sim_ops(&s));
			CHECK(r == 0 && s.credit_calls == 0 && sim_log_count(&s,
					"kernel jitter collector: yes, Linux") == 1,
					"poolsize 4096, Linux %.8s: the kernel's collector seeds, ours "
					"credits nothing", with_collector[k]);
		}
	}
	/* Without the kernel's collector working (a coarse counter): ours
	 * credits once a window of 1 s has seen the count not rise */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	sim_text(&s, ENT_PATH_OSRELEASE, "5.15.0\n");
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credited_bits >= 128 && s.ready_at - T0 >= 1000000
			&& s.ready_at - T0 < 2000000
			&& (unsigned long)s.credited_bits <= (unsigned long)(s.ready_at - T0) / ENT_JIT_TICK_US,
			"5.15, collector silent: ours after a silent second (%lld us)",
			(long long)(s.ready_at - T0));
	CHECK(sim_log_count(&s, "mixing without credit while the kernel's own jitter "
				"collector may be producing") == 1
			&& sim_log_count(&s, "crediting again") == 1,
			"5.15, collector silent: paused until seen idle, then credits, once each");

	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	s.limit = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && sim_log_count(&s, "the kernel's jitter collector has not seeded the "
				"CRNG in 2 s") == 1, "rewritten RNG, collector silent: said once");

	/* The same under policy=default: never started */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	cfg.stimulators_set = 1;
	s.limit = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.jit_samples == 0 && s.credit_calls == 0, "default policy: no jitter");

	/* Rewritten kernel with its own collector: ours credits nothing */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	s.has_jitter = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credit_calls == 0, "kernel collector: ours credits nothing");

	/* Issue 22, 5(c): a slow kernel collector (20 bits/s, 12.8 s to
	 * go) that makes progress: ours stays out of its way, and it is
	 * never called "not producing" */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	s.has_jitter = 1;
	s.jitter_bits_per_s = 20.0;
	s.limit = s.now + 20000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credit_calls == 0 && s.ready_at - T0 > 12000000
			&& sim_log_count(&s, "not producing") == 0,
			"slow kernel collector: ours credits nothing, never 'not producing' (ready "
			"after %lld us)", (long long)(s.ready_at - T0));

	/* Issue 22, 5(a): 6.x, the collector works at 100 bits/s, the count
	 * is unreadable (no entropy_avail, no RNDGETENTCNT): ours cannot
	 * tell, so it credits nothing; the kernel seeds at 2.56 s */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	s.has_jitter = 1;
	s.jitter_bits_per_s = 100.0;
	s.no_entropy_avail = 1;
	s.no_ioctl = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credit_calls == 0 && s.ready_at - T0 > 2500000
			&& sim_log_count(&s, "not producing") == 0,
			"6.x, count unreadable, collector at 100 bits/s: ours credits nothing (ready "
			"after %lld us)", (long long)(s.ready_at - T0));
	/* The same count unreadable and the collector dead: still nothing
	 * from ours, and not called silent either: nothing shows it */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	s.no_entropy_avail = 1;
	s.no_ioctl = 1;
	s.limit = s.now + 4000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.credit_calls == 0 && sim_log_count(&s, "not producing") == 0,
			"6.x, count unreadable, collector dead: no credit, not called silent");

	/* Issue 22, 5(b): -X stim=icmp and a gateway that never answers:
	 * nothing blocks in getrandom(), so the kernel's collector never
	 * runs and nothing shows whether it would produce: ours credits
	 * nothing where the kernel has a collector (the man page says to
	 * keep collector in -X stim=) */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_ICMP;
	s.gw_answers = 0;
	s.limit = s.now + 4000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.credit_calls == 0 && s.jit_samples > ENT_JIT_TRIAL
			&& sim_log_count(&s, "may be producing (only a blocking getrandom()") == 1,
			"stim=icmp, silent gateway, 6.x: ours samples, credits nothing, says why once");
	/* ... and on a kernel without a collector the rule alone bounds it */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	sim_text(&s, ENT_PATH_OSRELEASE, "4.14.200-bsp\n");
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_ICMP;
	s.gw_answers = 0;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready_at - T0 >= 128 * ENT_JIT_TICK_US,
			"stim=icmp, silent gateway, 4.14: ours at the tick rate (%lld us)",
			(long long)(s.ready_at - T0));

	/* A count that rises from elsewhere while the child blocks (device
	 * interrupts: 3000 a second credit about 47 bits/s on the rewritten
	 * RNG): the collector is not seen idle, and ours credits nothing
	 * beside it (the safe side: it cannot tell whose bits they are) */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	s.bg_irq_per_s = 3000.0;
	s.limit = s.now + 4000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(s.credit_calls == 0 && s.bits > 16 && sim_log_count(&s, "not producing") == 0,
			"a rising count from elsewhere: ours does not credit beside it (%lu calls, "
			"%.0f bits)", s.credit_calls, s.bits);

	/* Rewritten kernel whose collector makes no progress: ours after 1 s */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	cfg.stimulators_set = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credited_bits >= 256 && s.ready_at - T0 >= 1000000
			&& s.ready_at - T0 < 2500000, "stalled kernel collector: ours after a "
			"silent second (%lld us)", (long long)(s.ready_at - T0));

	/* A counter the trial refuses: one line, the wait goes on */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	s.jit_fn = very_coarse;
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators_set = 1;
	s.limit = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.credit_calls == 0 && sim_log_count(&s, "refused: counter too coarse "
				"(127 of 8191 reads changed: more than 16 samples a bit") == 1,
			"very coarse: refused, says so");

	/* Healthy, then stuck: the stuck test stops crediting */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	sim_text(&s, ENT_PATH_OSRELEASE, "4.14.200-bsp\n");
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators_set = 1;
	s.jit_stuck_after = ENT_JIT_TRIAL + 100;
	s.limit = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.credited_bits <= 100 && (sim_log_count(&s, "stuck test failed") == 1
				|| sim_log_count(&s, "repetition count test failed") == 1),
			"stuck: stopped, at most the 100 good samples' bits (%d bits)", s.credited_bits);
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "stuck: clean");

	/* Not root: one warning, no credit */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	sim_text(&s, ENT_PATH_OSRELEASE, "4.14.200-bsp\n");
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators_set = 1;
	s.euid = 1000;
	s.limit = s.now + 2000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.credited_bits == 0 && sim_log_count(&s, "CAP_SYS_ADMIN") == 1,
			"non-root: one warning");

	/* A clock that fails */
	setup(&s, &cfg, 4096, SIM_JIT_NOCLOCK);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators_set = 1;
	s.limit = s.now + 2000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && sim_log_count(&s, "refused: no clock") == 1, "no clock: refused");
}

void test_jitter(int *passed, int *failed)
{
	np = passed;
	nf = failed;
	test_cutoffs();
	test_trial();
	test_rate();
	test_wait_jitter();
}
