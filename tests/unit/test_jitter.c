/*
 * Unit tests of the CPU jitter collector (ent_jitter.c): synthetic timing
 * streams from sim.c, the SP 800-90B cutoffs, and the wait under
 * -X policy=jitter. Called from test_entropy.c.
 */
#include <stdio.h>
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

static void setup(struct sim *s, struct entropy_config *cfg, int poolsize, int stream)
{
	sim_init(s, poolsize);
	sim_config(s, cfg, &stop);
	s->jit_stream = stream;
	snprintf(cfg->seed_dir, sizeof(cfg->seed_dir), "%s", SIM_SEED_DIR);
}

static int assess(int stream, double *h, const char **why)
{
	struct sim s;
	struct entropy_config cfg;
	const struct ent_ops *ops;
	uint64_t d[ENT_JIT_STARTUP], before, after;
	size_t i;

	setup(&s, &cfg, 4096, stream);
	ops = sim_ops(&s);
	if (ops->clock_ns(&before) < 0) {
		return -2;
	}
	/* The durations the collector measures: differences of readings */
	for (i = 0; i < ENT_JIT_STARTUP; i++) {
		if (ops->clock_ns(&after) < 0) {
			return -2;
		}
		d[i] = after - before;
		before = after;
	}
	return ent_health_startup(d, ENT_JIT_STARTUP, h, why);
}

static void test_streams(void)
{
	const char *why;
	double h;

	/* SP 800-90B's estimators on 1024 samples hold even full-entropy
	 * bytes to about 4.5 bits (the bitstring Compression bound) */
	CHECK(assess(SIM_JIT_HEALTHY, &h, &why) == 0 && h > 3.0 && h <= 8.0,
			"healthy stream accepted (%.2f bits/sample)", h);
	CHECK(assess(SIM_JIT_CONSTANT, &h, &why) == -1, "constant stream refused");
	CHECK(assess(SIM_JIT_PERIODIC, &h, &why) == -1 && why != NULL
			&& strstr(why, "below 1 bit") != NULL,
			"periodic stream refused by the estimators (%.2f)", h);
	CHECK(assess(SIM_JIT_COARSE, &h, &why) == -1 && why != NULL
			&& strstr(why, "too coarse") != NULL, "coarse counter refused");
	CHECK(ent_health_startup((const uint64_t *)"", 0, &h, &why) == -1, "no samples refused");
}

static void test_cutoffs(void)
{
	struct ent_health j;
	unsigned int c05, c1, c2, c4, c8, i, n;
	double l;

	l = ent_log2(8.0);
	CHECK(l > 2.999999 && l < 3.000001, "log2(8) = %f", l);
	l = ent_log2(0.3);
	CHECK(l > -1.736966 && l < -1.736965, "log2(0.3) = %f", l);
	/* SP 800-90B's table of APT cutoffs for W = 512, alpha = 2^-20 */
	c05 = ent_health_apt_cutoff(0.5);
	c1 = ent_health_apt_cutoff(1.0);
	c2 = ent_health_apt_cutoff(2.0);
	c4 = ent_health_apt_cutoff(4.0);
	c8 = ent_health_apt_cutoff(8.0);
	CHECK(c05 == 410 && c1 == 311 && c2 == 177 && c4 == 62 && c8 == 13,
			"APT cutoffs 410 311 177 62 13: %u %u %u %u %u", c05, c1, c2, c4, c8);

	memset(&j, 0, sizeof(j));
	j.rct_cutoff = 21;
	j.apt_cutoff = 410;
	for (i = 0; i < 20; i++) {
		CHECK(ent_health_sample(&j, 7) == 0 || i >= 20, "RCT: %u repeats pass", i + 1);
	}
	CHECK(ent_health_sample(&j, 7) == -1 && strstr(j.why, "repetition") != NULL,
			"RCT: the 21st repeat fails");
	CHECK(ent_health_sample(&j, 8) == -1, "RCT: a failure stays");

	memset(&j, 0, sizeof(j));
	j.rct_cutoff = 21;
	j.apt_cutoff = 100;
	/* The first symbol of a window, then every other one: 2 never repeats
	 * twenty times in a row, yet fills the window */
	for (i = 0, n = 0; i < 400 && ent_health_sample(&j, i % 2 ? 9 : 2) == 0; i++) {
		n++;
	}
	CHECK(n == 198 && j.failed && strstr(j.why, "adaptive") != NULL,
			"APT: fails at the 100th reference symbol (%u samples)", n);
}

static void test_wait_jitter(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	/* Legacy kernel (4.14 before the 2022 stable update) without a
	 * collector of its own: seeded by ours */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	sim_text(&s, ENT_PATH_OSRELEASE, "4.14.200-bsp\n");
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators_set = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credited_bits >= 128,
			"legacy: seeded by jitter (%d bits)", s.credited_bits);
	CHECK(s.ready_at - 5000000 < 100000, "legacy: within 0.1 s (%lld us)",
			(long long)(s.ready_at - 5000000));
	CHECK(sim_log_count(&s, "jitter collector started") == 1
			&& sim_log_count(&s, "CPU jitter (256 bits credited)") == 1
			&& sim_log_count(&s, "plan: CPU jitter (policy=jitter, at once)") == 1, "legacy: logged");
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "legacy: clean");

	/* 5.10 (poolsize 4096 still) has the kernel's collector, and so
	 * has 4.19.249+ (the 2022 stable update): ours waits for the
	 * kernel's, which seeds it, and never runs beside it */
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
			CHECK(r == 0 && s.jit_samples == 0 && sim_log_count(&s,
					"kernel jitter collector: yes, Linux") == 1,
					"poolsize 4096, Linux %.8s: the kernel's collector, ours not started",
					with_collector[k]);
		}
	}
	/* The same version check without the kernel's collector working
	 * (a coarse counter): ours starts after the 1 s grace period, and
	 * the wait says the kernel's collector does not deliver */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	sim_text(&s, ENT_PATH_OSRELEASE, "5.15.0\n");
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credited_bits >= 128 && s.ready_at - 5000000 >= 1000000,
			"5.15, collector silent: ours after the grace period (%lld us)",
			(long long)(s.ready_at - 5000000));
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

	/* Rewritten kernel with its own collector: ours waits and is not needed */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	s.has_jitter = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.jit_samples == 0, "kernel collector: ours not started");

	/* A slow kernel collector (100 bits/s, 2.6 s to go) that makes
	 * progress: ours stays out of its way past the 1 s grace period */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	s.has_jitter = 1;
	s.jitter_bits_per_s = 100.0;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.jit_samples == 0 && s.ready_at - 5000000 > 2000000,
			"slow kernel collector: ours not started (ready after %lld us)",
			(long long)(s.ready_at - 5000000));

	/* Rewritten kernel whose collector makes no progress: ours after 1 s */
	setup(&s, &cfg, 256, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	cfg.stimulators_set = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.jit_samples > 0 && s.ready_at - 5000000 >= 1000000
			&& s.ready_at - 5000000 < 1200000, "stalled kernel collector: ours after 1 s");

	/* Coarse counter: refused with one line, the wait goes on */
	setup(&s, &cfg, 4096, SIM_JIT_COARSE);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators_set = 1;
	s.limit = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.credit_calls == 0 && sim_log_count(&s, "refused: counter too coarse") == 1,
			"coarse: refused, says so");

	/* Healthy, then stuck: the repetition count test stops crediting */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
	cfg.policy = ENTROPY_POLICY_JITTER;
	cfg.stimulators_set = 1;
	s.jit_stuck_after = ENT_JIT_STARTUP + 100;
	s.limit = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.credited_bits == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "repetition count test failed") == 1,
			"stuck: stopped before the first batch, the pool mixed (%d bits)",
			s.credited_bits);
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "stuck: clean");

	/* Not root: one warning, no credit */
	setup(&s, &cfg, 4096, SIM_JIT_HEALTHY);
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
	test_streams();
	test_cutoffs();
	test_wait_jitter();
}
