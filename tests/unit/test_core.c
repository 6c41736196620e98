/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of the smallest build of the entropy module: every optional
 * source left out (ENTROPY_SOURCES=none, -DENT_WITH_*=0), so only the
 * probe, progress, collector child and ICMP remain. The module sources
 * are compiled with those flags and run against the same simulated
 * kernel (sim.c) as the full build's tests.
 *
 * Output: one line per failed check, then "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "ent_config.h"
#include "ent_internal.h"
#include "ent_wait.h"
#include "entropy.h"
#include "sim.h"

#if ENT_WITH_BLOCK || ENT_WITH_SEED || ENT_WITH_JITTER || ENT_WITH_HWRNG || ENT_WITH_CPURNG
#error "test_core.c is built with every optional source left out"
#endif

static int passed, failed;
static volatile int stop;

#define CHECK(cond, ...) CHECK_COUNT(passed, failed, cond, __VA_ARGS__)

static void setup(struct sim *s, struct entropy_config *cfg, int poolsize)
{
	sim_init(s, poolsize);
	sim_config(s, cfg, &stop);
}

/* Options of sources this build lacks are refused in one line that says
 * so; the core's options still work. */
static void test_options(void)
{
	static const char *const refused[][2] = {
		{ "seed-dir=/data/seed", "-X seed-dir: not in this build" },
		{ "blockdev=/dev/vda", "-X blockdev: not in this build" },
		{ "stim=icmp,block", "-X stim=block: not in this build" },
		{ "policy=jitter", "-X policy=jitter: not in this build" },
		{ "trust-cpu", "-X trust-cpu: not in this build" },
	};
	struct entropy_config cfg;
	char err[256];
	const char *u;
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		err[0] = '\0';
		CHECK(entropy_config_set(&cfg, refused[i][0], err, sizeof(err)) == -1
				&& strncmp(err, refused[i][1], strlen(refused[i][1])) == 0
				&& strstr(err, "--with-entropy-sources") != NULL
				&& strchr(err, '\n') == NULL,
				"core: -X %s refused in one line (\"%s\")", refused[i][0], err);
	}
	memset(&cfg, 0, sizeof(cfg));
	CHECK(ent_config_stimulators(&cfg) == (ENTROPY_STIM_COLLECTOR | ENTROPY_STIM_ICMP),
			"core: default stimulators are the collector and ICMP");
	CHECK(entropy_config_set(&cfg, "stim=collector,icmp", err, sizeof(err)) == 0
			&& entropy_config_set(&cfg, "policy=strict", err, sizeof(err)) == 0
			&& entropy_config_set(&cfg, "gateway=10.0.2.2", err, sizeof(err)) == 0
			&& entropy_config_set(&cfg, "max-packets=100", err, sizeof(err)) == 0,
			"core: the core's options are accepted");
	u = entropy_config_usage();
	CHECK(strstr(u, "seed-dir") == NULL && strstr(u, "blockdev") == NULL
			&& strstr(u, "trust-cpu") == NULL && strstr(u, "jitter") == NULL
			&& strstr(u, "stim=collector,icmp|none") != NULL,
			"core: -h lists only what this build can do");
}

/* The old RNG (no in-kernel jitter): ICMP alone seeds it, and nothing of
 * the left-out sources is touched. */
static void test_seeds_by_icmp(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 4096);
	s.has_block = 1;
	s.root_has_block = 1;
	s.hwrng = SIM_HWRNG_GOOD;
	s.cpu_rng = 1;
	s.dir_exists = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready, "core/old: seeded");
	CHECK(s.replies >= 8400 && s.replies <= 8600, "core/old: by ~8.4k ICMP replies (%lu)",
			s.replies);
	CHECK(s.block_reads == 0 && s.hwrng_reads == 0 && s.cpu_words == 0 && s.jit_samples == 0,
			"core/old: no block read, hwrng read, CPU RNG read or jitter sample");
	CHECK(s.credit_calls == 0 && s.mix_calls == 0 && s.dir_open == 0,
			"core/old: nothing credited or mixed by us, no seed directory opened");
	CHECK(sim_log_count(&s, "plan: collector child") == 1
			&& sim_log_count(&s, "O_DIRECT") == 0 && sim_log_count(&s, "hwrng") == 0,
			"core/old: the plan names only the core's sources");
	CHECK(sim_log_count(&s, "seeded after") == 1 && sim_fds_open(&s) == 0
			&& !s.collector_running && s.violations == 0 && s.stray_dest == 0,
			"core/old: final line, every descriptor closed, no child left");
}

/* The rewritten RNG: the collector child wakes the kernel's own jitter
 * collector, as in the full build. */
static void test_collector(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.gw_answers = 0;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready && sim_log_count(&s, "while running: collector child (returned)") == 1,
			"core/new: seeded while the collector child was in getrandom()");

	setup(&s, &cfg, 256);
	s.ready = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.getrandom_calls == 1 && s.nlog == 0 && s.sockets == 0,
			"core/seeded: one getrandom, no socket, no log line");
}

int main(void)
{
	test_options();
	test_seeds_by_icmp();
	test_collector();
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
