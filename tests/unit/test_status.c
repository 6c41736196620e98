/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of dropbear-entropy status (ent_status.c) against the
 * simulated kernel: every fact of the JSON object, that gathering them
 * sends, opens, credits and mixes nothing, the boot record's fields, and
 * the seed file rule for seedrng and systemd-random-seed (ent_credit.c,
 * ent_seed.c). Called from test_entropy.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include "ent_boot.h"
#include "ent_credit.h"
#include "ent_probe.h"
#include "ent_progress.h"
#include "ent_seed.h"
#include "ent_status.h"
#include "entropy.h"
#include "sim.h"

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

#define BOOT_ID	"6f1c2a52-3d4e-4f60-8a1b-2c3d4e5f6a7b"
#define OTHER_BOOT	"0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b"
#define RECORD		"/run/dropbear-entropy/seeded"

static volatile int stop;

static void setup(struct sim *s, struct entropy_config *cfg, int poolsize)
{
	sim_init(s, poolsize);
	sim_config(s, cfg, &stop);
	snprintf(cfg->seed_dir, sizeof(cfg->seed_dir), "%s", SIM_SEED_DIR);
	sim_text(s, "/proc/sys/kernel/random/boot_id", BOOT_ID "\n");
}

/* The JSON object of st, in a buffer the caller frees */
static char *json_of(const struct ent_status *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		return NULL;
	}
	ent_status_json(st, f);
	fclose(f);
	return buf;
}

/* The text screen of st, in a buffer the caller frees */
static char *text_of(const struct ent_status *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		return NULL;
	}
	ent_status_text(st, f);
	fclose(f);
	return buf;
}

/* Braces and brackets balance outside strings, no ",}" or ",]" */
static int json_shape_ok(const char *j)
{
	int depth = 0, in_str = 0;
	char last = 0;
	const char *p;

	for (p = j; *p != '\0'; p++) {
		if (in_str) {
			if (*p == '\\') {
				p++;
			} else if (*p == '"') {
				in_str = 0;
			}
			continue;
		}
		if (*p == '"') {
			in_str = 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (last == ',' || --depth < 0) {
				return 0;
			}
		}
		if (*p != ' ' && *p != '\n') {
			last = *p;
		}
	}
	return depth == 0 && !in_str && last == '}';
}

/* Nothing sent, opened, credited or mixed; no blocking getrandom() */
static void check_quiet(const struct sim *s, const char *what)
{
	CHECK(s->sent == 0 && s->sockets == 0, "%s: no packet, no socket", what);
	CHECK(s->credit_calls == 0 && s->mix_calls == 0, "%s: nothing credited or mixed", what);
	CHECK(s->hwrng_open == 0 && s->hwrng_reads == 0, "%s: /dev/hwrng never opened", what);
	CHECK(s->block_open == 0 && s->collector_spawned == 0, "%s: no block read, no child", what);
	CHECK(s->violations == 0 && sim_fds_open(s) == 0, "%s: no violation, no fd left (%lu)",
			what, s->violations);
	CHECK(s->durable_unlinks == 0, "%s: nothing unlinked", what);
}

static void test_unseeded_rewritten(void)
{
	static const char *const keys[] = {
		"\"version\": 1", "\"crng\"", "\"ready\": false", "\"generation\": \"rewritten\"",
		"\"bits\": ", "\"bits_needed\": 256", "\"poolsize\": 256", "\"kernel\"",
		"\"release\": \"6.1.0\"", "\"jitter_collector\": \"yes\"",
		"\"collector_producing\": \"unknown\"", "\"why\": ", "\"counter_hz\": ",
		"\"sources\"", "\"hwrng\"", "\"present\": false", "\"driver\": \"\"",
		"\"kernel_quality\": -1", "\"kernel_credits\": false", "\"verdict\": \"absent\"",
		"\"cpurng\"", "\"kernel_lists\": false", "\"trust_cpu\": false", "\"seed\"",
		"\"dir\": \"/sim/seed\"", "\"creditable\": false", "\"identity\": ",
		"\"identity_matches\": null", "\"identity_class\": \"\"",
		"\"other_seed_tool\": \"\"", "\"icmp\"",
		"\"via\": \"route\"", "\"targets\": [\"10.0.2.2\"]", "\"block\"",
		"\"device\": \"/dev/vda\"", "\"this_boot\"", "\"seeded_by\": \"none\"",
		"\"at\": -1", "\"credited\": {}", "\"record\": \"unavailable: /run: "
	};
	struct sim s;
	struct entropy_config cfg;
	struct ent_status st;
	char *j;
	size_t i;

	setup(&s, &cfg, 256);
	sim_text(&s, ENT_PATH_OSRELEASE, "6.1.0\n");
	CHECK(ent_status_gather(&cfg, sim_ops(&s), &st) == 0, "unseeded: gather says not ready");
	check_quiet(&s, "unseeded");
	j = json_of(&st);
	CHECK(j != NULL && json_shape_ok(j), "unseeded: JSON shape");
	for (i = 0; j != NULL && i < sizeof(keys) / sizeof(keys[0]); i++) {
		CHECK(strstr(j, keys[i]) != NULL, "unseeded: JSON has %s", keys[i]);
	}
	CHECK(strstr(st.why, "no blocking getrandom()") != NULL, "unseeded: why: %s", st.why);
	free(j);
}

static void test_legacy_and_waiting(void)
{
	struct sim s;
	struct entropy_config cfg;
	struct ent_status st;
	char *j;

	/* 4.14 before the stable update that carried the collector back */
	setup(&s, &cfg, 4096);
	sim_text(&s, ENT_PATH_OSRELEASE, "4.14.200\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	j = json_of(&st);
	CHECK(j != NULL && strstr(j, "\"generation\": \"legacy\"") != NULL
			&& strstr(j, "\"bits_needed\": 128") != NULL
			&& strstr(j, "\"jitter_collector\": \"none\"") != NULL
			&& strstr(j, "\"collector_producing\": \"no\"") != NULL,
			"legacy 4.14.200: no collector, not producing");
	CHECK(strstr(st.why, "4.14.285") != NULL, "legacy: why names the backport: %s", st.why);
	free(j);
	setup(&s, &cfg, 4096);
	sim_text(&s, ENT_PATH_OSRELEASE, "4.14.285\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(st.collector == 1, "legacy 4.14.285: the 2022 backport has the collector");

	/* A waiter whose blocking getrandom() did nothing for 2 s */
	setup(&s, &cfg, 256);
	sim_text(&s, "/run/dropbear-entropy/waiting", "boot=" BOOT_ID " pid=4242 collector=silent\n");
	sim_text(&s, "/proc/4242/stat", "4242 (dropbear) S 1\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.producing, "no") == 0 && strstr(st.why, "pid 4242") != NULL,
			"waiting: producing no, why names the waiter: %s", st.why);
	check_quiet(&s, "waiting");
	/* ... and the same note once the waiter is gone, or of another boot */
	setup(&s, &cfg, 256);
	sim_text(&s, "/run/dropbear-entropy/waiting", "boot=" BOOT_ID " pid=4242 collector=silent\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.producing, "unknown") == 0, "waiter gone: producing unknown");
	setup(&s, &cfg, 256);
	sim_text(&s, "/run/dropbear-entropy/waiting", "boot=" OTHER_BOOT " pid=4242 collector=silent\n");
	sim_text(&s, "/proc/4242/stat", "4242 (dropbear) S 1\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.producing, "unknown") == 0, "another boot's note: producing unknown");
}

static void test_boot_record(void)
{
	struct sim s;
	struct entropy_config cfg;
	struct ent_status st;
	char *j;

	setup(&s, &cfg, 256);
	s.ready = 1;
	sim_text(&s, RECORD, "boot=" BOOT_ID " by=seed pid=12 at=12.34 credited=seed:256,hwrng:12 "
			"stimulated=icmp:0,block:0\n");
	CHECK(ent_status_gather(&cfg, sim_ops(&s), &st) == 1, "record: ready");
	j = json_of(&st);
	CHECK(j != NULL && strstr(j, "\"seeded_by\": \"seed\", \"at\": 12.34, \"credited\": "
				"{\"seed\": 256, \"hwrng\": 12}, \"record\": \"" RECORD "\"") != NULL,
			"record: this_boot from the record: %s", j != NULL ? strstr(j, "this_boot") : "");
	CHECK(j != NULL && json_shape_ok(j), "record: JSON shape");
	CHECK(strcmp(st.stimulated, "icmp:0,block:0") == 0, "record: what was stimulated: %s",
			st.stimulated);
	free(j);
	/* A record of another boot (a /run that is not a tmpfs) */
	setup(&s, &cfg, 256);
	s.ready = 1;
	sim_text(&s, RECORD, "boot=" OTHER_BOOT " by=dropbear pid=12 at=3.00 credited= "
			"stimulated=icmp:9,block:0\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.seeded_by, "kernel") == 0 && st.at < 0 && st.ncredited == 0,
			"stale record: seeded by the kernel");
	/* A record with nothing credited by us */
	setup(&s, &cfg, 256);
	s.ready = 1;
	sim_text(&s, RECORD, "boot=" BOOT_ID " by=dropbear pid=12 at=41.50 credited= "
			"stimulated=icmp:16500,block:0\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.seeded_by, "dropbear") == 0 && st.at > 41.4 && st.ncredited == 0,
			"record by dropbear, nothing credited by us");
	/* The writer: quiet and harmless where ENT_RUN_DIR cannot be made */
	setup(&s, &cfg, 256);
	ent_boot_seeded(sim_ops(&s), "seed", 256, 0, 0, 0, 10, 2);
	ent_boot_note_collector_silent(sim_ops(&s));
	CHECK(s.violations == 0 && sim_fds_open(&s) == 0, "record writer: no /run, no harm");
}

static void test_sources(void)
{
	struct sim s;
	struct entropy_config cfg;
	struct ent_status st;

	setup(&s, &cfg, 256);
	sim_text(&s, "/sys/class/misc/hw_random/rng_current", "virtio_rng.0\n");
	sim_text(&s, "/sys/class/misc/hw_random/rng_quality", "1000\n");
	sim_text(&s, "/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu sse2 rdrand\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(st.hw_present && strcmp(st.hw_driver, "virtio_rng.0") == 0 && st.hw_quality == 1000
			&& st.hw_kernel_credits && strcmp(st.hw_verdict, "credited by the kernel") == 0,
			"hwrng quality 1000: credited by the kernel (%s)", st.hw_verdict);
	CHECK(st.cpu_lists && strcmp(st.cpu_verdict, "mixed") == 0, "cpu listed: mixed (%s)",
			st.cpu_verdict);
	check_quiet(&s, "sources");

	setup(&s, &cfg, 256);
	cfg.trust_hwrng = 1;
	cfg.trust_cpu = 1;
	sim_text(&s, "/sys/class/misc/hw_random/rng_current", "virtio_rng.0\n");
	sim_text(&s, "/sys/class/misc/hw_random/rng_quality", "0\n");
	sim_text(&s, "/proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd rng\n");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.hw_verdict, "credited (-X trust-hwrng)") == 0,
			"hwrng quality 0 + trust-hwrng: %s", st.hw_verdict);
	CHECK(strcmp(st.cpu_verdict, "credited (-X trust-cpu)") == 0 && st.trust_cpu,
			"arm64 rng + trust-cpu: %s", st.cpu_verdict);
	cfg.policy = ENTROPY_POLICY_STRICT;
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.hw_verdict, "mixed") == 0 && strcmp(st.cpu_verdict, "mixed") == 0,
			"policy=strict: both mixed");
	check_quiet(&s, "trusted sources");

	/* ICMP: no default route, no neighbour; then -X gateway= on the link */
	setup(&s, &cfg, 256);
	s.route_text = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
		"eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\n";
	s.root_has_block = 0;
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.icmp_via, "none") == 0 && st.ntargets == 0
			&& strstr(st.icmp_verdict, "no IPv4 default route") != NULL,
			"no route: via none (%s)", st.icmp_verdict);
	CHECK(st.block_device[0] == '\0' && strstr(st.block_verdict, "no block device") != NULL,
			"no root block device: %s", st.block_verdict);
	snprintf(cfg.gateway, sizeof(cfg.gateway), "10.0.2.7");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.icmp_via, "gateway option") == 0 && st.ntargets == 1,
			"-X gateway= on the link: via gateway option");
	snprintf(cfg.gateway, sizeof(cfg.gateway), "192.168.9.9");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.icmp_via, "none") == 0 && strstr(st.icmp_verdict, "not on the link") != NULL,
			"-X gateway= off the link: refused (%s)", st.icmp_verdict);
	check_quiet(&s, "icmp");
}

static void test_seed_peek_and_rule(void)
{
	struct sim s;
	struct entropy_config cfg;
	struct ent_status st;
	struct ent_log log;
	struct ent_seed none, loaded;
	char *j;

	/* A good seed: written while ready, on this device */
	setup(&s, &cfg, 256);
	s.ready = 1;
	s.dir_exists = 1;
	s.euid = 0;
	memset(&none, 0, sizeof(none));
	ent_log_init(&log, &cfg, sim_ops(&s));
	CHECK(ent_seed_save(&cfg, sim_ops(&s), &log, &none) == 0, "peek: a seed saved");
	s.ready = 0;
	s.mix_calls = s.credit_calls = 0;
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(st.seed.present && st.seed.creditable && st.seed.identity_matches == 1
			&& st.seed.identity[0] != '\0' && st.other_seed_tool == NULL,
			"peek: present, creditable, bound to this device (%s; %s)", st.seed.identity,
			st.seed.why);
	CHECK(strcmp(st.seed.identity_class, "software") == 0 && strcmp(st.seed.identity_class_text,
			"set by software: a copy of the medium may carry it") == 0,
			"peek: the virtio disk serial is set by software (%s)", st.seed.identity_class);
	j = text_of(&st);
	CHECK(j != NULL && strstr(j, "; device identity: medium-serial (matches; set by software: "
			"a copy of the medium may carry it)\n") != NULL,
			"peek: the text names the identity, the match and its class: %s",
			j != NULL ? j : "");
	free(j);
	CHECK(sim_file(&s, ENT_SEED_NAME) != NULL, "peek: the seed file is still there");
	check_quiet(&s, "peek");
	/* The same disk in another board */
	sim_sysfs_set(&s, "/sys/block/vda/serial", "dbe-rig-0002");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(st.seed.present && !st.seed.creditable && st.seed.identity_matches == 0
			&& strstr(st.seed.why, "another device") != NULL,
			"peek: another board: identity does not match (%s)", st.seed.why);
	sim_sysfs_set(&s, "/sys/block/vda/serial", "dbe-rig-0001");

	/* seedrng restores a seed at boot too: ours is mixed, not credited */
	sim_sysfs_set(&s, "/var/lib/seedrng/seed.credit", "x");
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	j = json_of(&st);
	CHECK(st.seed.present && !st.seed.creditable && st.seed.identity_matches == 1
			&& j != NULL && strstr(j, "\"other_seed_tool\": \"seedrng\"") != NULL
			&& strstr(st.seed.why, "seedrng") != NULL,
			"seedrng: other_seed_tool, not creditable (%s)", st.seed.why);
	free(j);
	CHECK(ent_seed_load(&cfg, sim_ops(&s), &log, &loaded) == 0 && s.credit_calls == 0
			&& s.mix_calls == 1 && sim_log_count(&s, "seedrng restores a seed") == 1,
			"seedrng: the load mixes without credit and says why");
	sim_sysfs_set(&s, "/var/lib/seedrng/seed.credit", NULL);

	/* systemd-random-seed: only where systemd is this boot's init */
	setup(&s, &cfg, 256);
	sim_sysfs_set(&s, "/var/lib/systemd/random-seed", "x");
	CHECK(ent_credit_other_seed_tool(sim_ops(&s)) == NULL,
			"systemd's seed file without systemd as init: not detected");
	sim_sysfs_set(&s, "/run/systemd/system/.keep", "");
	CHECK(ent_credit_other_seed_tool(sim_ops(&s)) != NULL
			&& strcmp(ent_credit_other_seed_tool(sim_ops(&s)), "systemd-random-seed") == 0,
			"systemd as init and its seed file: systemd-random-seed");
	/* No seed directory at all */
	setup(&s, &cfg, 256);
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(!st.seed.present && !st.seed.creditable && strstr(st.seed.why, "No such") != NULL,
			"no seed directory: %s", st.seed.why);
	check_quiet(&s, "no seed dir");
}

/* dropbear_entropy_main() on argv, its one error line captured */
static int run_cli(char **argv, char *err, size_t errlen)
{
	int argc = 0, saved, fd, r;
	ssize_t n;
	char path[] = "/tmp/dbe-test-cli-XXXXXX";

	while (argv[argc] != NULL) {
		argc++;
	}
	err[0] = '\0';
	fd = mkstemp(path);
	if (fd < 0) {
		return -1;
	}
	(void)unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	r = dropbear_entropy_main(argc, argv);
	fflush(stderr);
	(void)dup2(saved, STDERR_FILENO);
	(void)close(saved);
	n = pread(fd, err, errlen - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	(void)close(fd);
	return r;
}

/* Bad input never reaches a command: one line, exit status 2 */
static void test_cli_bad_input(void)
{
	static char p[] = "dropbear-entropy", status[] = "status", seed[] = "seed",
		save[] = "save", bogus[] = "--bogus", frob[] = "frobnicate",
		timeout[] = "--timeout", abc[] = "abc", big[] = "86401", neg[] = "-1",
		x[] = "-X", badx[] = "stim=bogus", json[] = "--json", eq[] = "--timeout=",
		bg[] = "--background";
	static char *const cases[][6] = {
		{ p, NULL }, { p, frob, NULL }, { p, status, bogus, NULL },
		{ p, status, timeout, abc, NULL }, { p, seed, timeout, abc, NULL },
		{ p, seed, timeout, big, NULL }, { p, seed, timeout, neg, NULL },
		{ p, seed, timeout, NULL }, { p, seed, eq, NULL }, { p, seed, json, NULL },
		{ p, save, bg, NULL }, { p, status, x, badx, NULL }, { p, save, x, NULL },
	};
	char err[512], *argv[6];
	size_t i, k;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (k = 0; k < 6; k++) {
			argv[k] = cases[i][k];
		}
		r = run_cli(argv, err, sizeof(err));
		CHECK(r == 2 && strncmp(err, "dropbear-entropy: ", 18) == 0
				&& strchr(err, '\n') == err + strlen(err) - 1,
				"cli case %zu: exit 2 (%d) and one line: %s", i, r, err);
	}
}

void test_status(int *passed, int *failed)
{
	np = passed;
	nf = failed;
	test_unseeded_rewritten();
	test_legacy_and_waiting();
	test_boot_record();
	test_sources();
	test_seed_peek_and_rule();
	test_cli_bad_input();
}
