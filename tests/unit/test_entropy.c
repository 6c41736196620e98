/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of the entropy module: the real module sources, compiled with
 * this file, run against the simulated kernel of sim.c (and, for the
 * seeded fast path, against this machine's real kernel).
 *
 * Output: one line per check, then "N passed, N failed". Exit status 1 on
 * any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/wait.h>

#include "ent_block.h"
#include "ent_config.h"
#include "ent_icmp.h"
#include "ent_internal.h"
#include "ent_interrupts.h"
#include "ent_probe.h"
#include "ent_progress.h"
#include "ent_route.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"
#include "sim.h"

static int passed, failed;

void test_seed(int *passed, int *failed);	/* test_seed.c */
void test_jitter(int *passed, int *failed);	/* test_jitter.c */
void test_hwrng(int *passed, int *failed);	/* test_hwrng.c */
void test_icmp(int *passed, int *failed);	/* test_icmp.c */
void test_config_lines(int *passed, int *failed);	/* test_config_lines.c */
void test_credit(int *passed, int *failed);	/* test_credit.c */
void test_status(int *passed, int *failed);	/* test_status.c */
void test_onlink(int *passed, int *failed);	/* test_route.c */

#define CHECK(cond, ...) CHECK_COUNT(passed, failed, cond, __VA_ARGS__)

static volatile int stop;

static void cfg_init(struct entropy_config *cfg, struct sim *s)
{
	sim_config(s, cfg, &stop);
}

/* A fresh simulated kernel of the given generation and a default
 * configuration; stim != 0 selects the stimulators as -X stim= does */
static void setup(struct sim *s, struct entropy_config *cfg, int poolsize, unsigned int stim)
{
	sim_init(s, poolsize);
	cfg_init(cfg, s);
	if (stim != 0) {
		cfg->stimulators = stim;
		cfg->stimulators_set = 1;
	}
}

/* ------------------------------------------------------------------ */
static void test_probe(void)
{
	struct sim s;
	const struct ent_ops *ops;
	struct ent_gen g;
	int bits;

	sim_init(&s, 256);
	ops = sim_ops(&s);
	CHECK(ent_probe_ready(ops) == 0, "probe: unseeded is 0");
	s.ready = 1;
	CHECK(ent_probe_ready(ops) == 1, "probe: seeded is 1");
	s.enosys = 1;
	CHECK(ent_probe_ready(ops) == -1 && errno == ENOSYS, "probe: ENOSYS is -1");

	sim_init(&s, 256);
	CHECK(ent_probe_generation(ops, &g) == 0 && g.bits_needed == 256 && g.poolsize == 256,
			"generation: poolsize 256 needs 256 bits");
	sim_init(&s, 4096);
	CHECK(ent_probe_generation(ops, &g) == 0 && g.bits_needed == 128,
			"generation: poolsize 4096 needs 128 bits");
	CHECK(strstr(g.name, "4096") != NULL, "generation: name says 4096");
	sim_init(&s, 0);
	CHECK(ent_probe_generation(ops, &g) == -1 && g.bits_needed == 256,
			"generation: missing poolsize guesses 256");
	sim_init(&s, 512);
	CHECK(ent_probe_generation(ops, &g) == -1 && g.bits_needed == 256,
			"generation: odd poolsize guesses 256");

	sim_init(&s, 256);
	s.bits = 42;
	CHECK(ent_probe_bits(ops, &bits) == 0 && bits == 42, "bits from /proc");
	s.no_entropy_avail = 1;
	s.bits = 43;
	CHECK(ent_probe_bits(ops, &bits) == 0 && bits == 43, "bits from RNDGETENTCNT");
	s.no_ioctl = 1;
	CHECK(ent_probe_bits(ops, &bits) == -1, "bits: neither source is -1");
}

/* ------------------------------------------------------------------ */
static void test_progress(void)
{
	char buf[128], expect[128];
	struct sim s;
	struct entropy_config cfg;
	struct ent_progress p;
	struct ent_log l;

	ent_progress_format(buf, sizeof(buf), 112, 256, 57.0);
	CHECK(strcmp(buf, "112/256 bits, 57.0 bits/s, ETA 3 s") == 0, "format: %s", buf);
	ent_progress_format(buf, sizeof(buf), 0, 128, 64.0);
	CHECK(strcmp(buf, "0/128 bits, 64.0 bits/s, ETA 2 s") == 0, "format exact: %s", buf);
	ent_progress_format(buf, sizeof(buf), 10, 256, -1.0);
	CHECK(strstr(buf, "not yet measured") != NULL, "format unknown rate: %s", buf);
	ent_progress_format(buf, sizeof(buf), 10, 256, 0.0);
	CHECK(strstr(buf, "ETA unknown") != NULL, "format zero rate: %s", buf);
	ent_progress_format(buf, sizeof(buf), 256, 256, 3.0);
	CHECK(strstr(buf, "ETA now") != NULL, "format done: %s", buf);
	ent_progress_format(buf, sizeof(buf), 0, 256, 0.001 + 0.05);
	CHECK(strcmp(buf, "0/256 bits, 0.1 bits/s, ETA 5020 s") == 0, "format slow: %s", buf);
	ent_progress_format(buf, sizeof(buf), 0, 256, 0.06);
	CHECK(strstr(buf, "ETA 4267 s") != NULL, "format slow ETA: %s", buf);

	setup(&s, &cfg, 256, 0);
	ent_log_init(&l, &cfg, sim_ops(&s));
	ent_progress_init(&p, &l, 256, 0);
	CHECK(ent_progress_tick(&p, 0, 0, "x") == 0, "tick: none at start");
	CHECK(ent_progress_tick(&p, 500000, 10, "x") == 0, "tick: none after 0.5 s");
	CHECK(ent_progress_tick(&p, 1000000, 64, "icmp") == 1, "tick: one after 1 s");
	CHECK(s.nlog == 1 && strstr(s.log[0].text, "64/256 bits, 64.0 bits/s, ETA 3 s; running: icmp") != NULL,
			"tick text: %s", s.nlog ? s.log[0].text : "");
	CHECK(ent_progress_tick(&p, 1999999, 100, "x") == 0, "tick: at most one a second");
	CHECK(ent_progress_tick(&p, 2000000, 128, "x") == 1, "tick: next second");
	CHECK(s.nlog == 2 && strstr(s.log[1].text, "64.0 bits/s") != NULL, "tick rate: %s",
			s.nlog > 1 ? s.log[1].text : "");

	/* kmsg copy */
	setup(&s, &cfg, 256, 0);
	cfg.log_kmsg = 1;
	ent_log_init(&l, &cfg, sim_ops(&s));
	ent_log(&l, LOG_WARNING, "hello %d", 7);
	snprintf(expect, sizeof(expect), "<4>dropbear[%ld]: entropy: hello 7\n", (long)getpid());
	CHECK(s.nkmsg == 1 && strcmp(s.kmsg_last, expect) == 0,
			"kmsg line: %s", s.kmsg_last);
	setup(&s, &cfg, 256, 0);
	cfg.log_kmsg = 1;
	s.kmsg_fails = 1;
	ent_log_init(&l, &cfg, sim_ops(&s));
	ent_log(&l, LOG_WARNING, "one");
	ent_log(&l, LOG_WARNING, "two");
	CHECK(sim_log_count(&s, "/dev/kmsg") == 1 && sim_log_count(&s, "two") == 1 && !l.kmsg,
			"kmsg failure warned once, logging goes on");
}

/* ------------------------------------------------------------------ */
static void bad(const char *arg, const char *name)
{
	struct entropy_config cfg;
	char err[256];
	int r;

	memset(&cfg, 0, sizeof(cfg));
	err[0] = '\0';
	r = entropy_config_set(&cfg, arg, err, sizeof(err));
	CHECK(r == -1, "config: \"%s\" rejected", arg);
	CHECK(strstr(err, name) != NULL && strstr(err, "expected") != NULL
			&& strchr(err, '\n') == NULL,
			"config: \"%s\" message names %s and the form: %s", arg, name, err);
}

static void test_config(void)
{
	struct entropy_config cfg;
	char err[256];
	const char *u;

	memset(&cfg, 0, sizeof(cfg));
	CHECK(ent_config_stimulators(&cfg) == ENTROPY_STIM_ALL, "defaults: all stimulators");
	CHECK(ent_config_max_packets(&cfg) == ENT_DEFAULT_MAX_PACKETS, "defaults: packets");
	CHECK(ent_config_max_seconds(&cfg) == ENT_DEFAULT_MAX_SECONDS, "defaults: seconds");

	CHECK(entropy_config_set(&cfg, "off", err, sizeof(err)) == 0 && cfg.disabled, "off");
	CHECK(entropy_config_set(&cfg, "kmsg", err, sizeof(err)) == 0 && cfg.log_kmsg, "kmsg");
	CHECK(entropy_config_set(&cfg, "stim=icmp,block", err, sizeof(err)) == 0
			&& ent_config_stimulators(&cfg) == (ENTROPY_STIM_ICMP | ENTROPY_STIM_BLOCK),
			"stim=icmp,block");
	CHECK(entropy_config_set(&cfg, "stim=collector", err, sizeof(err)) == 0
			&& ent_config_stimulators(&cfg) == ENTROPY_STIM_COLLECTOR, "stim=collector");
	CHECK(entropy_config_set(&cfg, "stim=none", err, sizeof(err)) == 0
			&& ent_config_stimulators(&cfg) == 0 && cfg.stimulators_set, "stim=none");
	CHECK(entropy_config_set(&cfg, "gateway=10.0.2.2", err, sizeof(err)) == 0
			&& strcmp(cfg.gateway, "10.0.2.2") == 0, "gateway");
	CHECK(entropy_config_set(&cfg, "blockdev=/dev/vda", err, sizeof(err)) == 0
			&& strcmp(cfg.block_device, "/dev/vda") == 0, "blockdev");
	CHECK(entropy_config_set(&cfg, "max-packets=20000", err, sizeof(err)) == 0
			&& ent_config_max_packets(&cfg) == 20000, "max-packets");
	CHECK(entropy_config_set(&cfg, "max-seconds=5", err, sizeof(err)) == 0
			&& ent_config_max_seconds(&cfg) == 5, "max-seconds");

	bad("", "-X needs");	/* tests/host/run looks for "needs" */
	bad("foo", "-X");
	bad("offx", "-X");
	bad("off=1", "-X off");
	bad("kmsg=yes", "-X kmsg");
	bad("stim", "-X stim");
	bad("stim=", "-X stim");
	bad("stim=loopback", "-X stim");
	bad("stim=icmp,", "-X stim");
	bad("stim=icmp,,block", "-X stim");
	bad("stim=none,icmp", "-X stim");
	bad("stim=ICMP", "-X stim");
	bad("gateway", "-X gateway");
	bad("gateway=", "-X gateway");
	bad("gateway=10.0.2", "-X gateway");
	bad("gateway=10.0.2.256", "-X gateway");
	bad("gateway=10.0.2.2.1", "-X gateway");
	bad("gateway=010.0.2.2", "-X gateway");
	bad("gateway=0.0.0.0", "-X gateway");
	bad("gateway=255.255.255.255", "-X gateway");
	bad("gateway=224.0.0.1", "-X gateway");
	bad("gateway=127.0.0.1", "-X gateway");
	bad("gateway=host.example", "-X gateway");
	bad("gateway= 10.0.2.2", "-X gateway");
	bad("blockdev", "-X blockdev");
	bad("blockdev=", "-X blockdev");
	bad("blockdev=vda", "-X blockdev");
	bad("blockdev=/", "-X blockdev");
	bad("blockdev=/dev/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			"-X blockdev");
	bad("max-packets", "-X max-packets");
	bad("max-packets=", "-X max-packets");
	bad("max-packets=0", "-X max-packets");
	bad("max-packets=-1", "-X max-packets");
	bad("max-packets=+5", "-X max-packets");
	bad("max-packets=12x", "-X max-packets");
	bad("max-packets=10000001", "-X max-packets");
	bad("max-packets=99999999999999999999999", "-X max-packets");
	bad("max-seconds=0", "-X max-seconds");
	bad("max-seconds=86401", "-X max-seconds");
	bad("max-seconds= 5", "-X max-seconds");
	bad("max-seconds", "-X max-seconds");

	u = entropy_config_usage();
	CHECK(u != NULL && strncmp(u, "-X ", 3) == 0 && u[strlen(u) - 1] == '\n',
			"usage starts with -X and ends in a newline");
	CHECK(strstr(u, "stim=") && strstr(u, "gateway=") && strstr(u, "blockdev=")
			&& strstr(u, "kmsg") && strstr(u, "max-packets=") && strstr(u, "max-seconds=")
			&& strstr(u, "off"), "usage names every option");
}

/* ------------------------------------------------------------------ */
static void test_route(void)
{
	struct in_addr gw[ENT_GW_MAX];
	struct in_addr want;
	const char *hdr = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
	char text[2048];
	int n;

	snprintf(text, sizeof(text), "%s"
			"eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			"eth0\t00000000\t0202000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n", hdr);
	n = ent_route_gateways(text, gw, ENT_GW_MAX);
	inet_pton(AF_INET, "10.0.2.2", &want);
	CHECK(n == 1 && gw[0].s_addr == want.s_addr, "route: default via 10.0.2.2 (n=%d)", n);

	snprintf(text, sizeof(text), "%s"
			"eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n", hdr);
	CHECK(ent_route_gateways(text, gw, ENT_GW_MAX) == 0, "route: none without default");

	snprintf(text, sizeof(text), "%s"
			"eth0\t00000000\t0202000A\t0001\t0\t0\t0\t00000000\t0\t0\t0\n", hdr);
	CHECK(ent_route_gateways(text, gw, ENT_GW_MAX) == 0, "route: no RTF_GATEWAY flag");

	snprintf(text, sizeof(text), "%s"
			"eth0\t00000000\t0202000A\t0002\t0\t0\t0\t00000000\t0\t0\t0\n", hdr);
	CHECK(ent_route_gateways(text, gw, ENT_GW_MAX) == 0, "route: not RTF_UP");

	/* loopback, 0.x and multicast gateways raise no device interrupt */
	snprintf(text, sizeof(text), "%s"
			"lo\t00000000\t0100007F\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
			"eth0\t00000000\t01000000\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
			"eth1\t00000000\t010000E0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n", hdr);
	CHECK(ent_route_gateways(text, gw, ENT_GW_MAX) == 0, "route: loopback, 0.x, multicast gateways ignored");

	snprintf(text, sizeof(text), "%s"
			"eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
			"wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
			"eth1\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n", hdr);
	n = ent_route_gateways(text, gw, ENT_GW_MAX);
	inet_pton(AF_INET, "192.168.1.1", &want);
	CHECK(n == 2 && gw[1].s_addr == want.s_addr, "route: two gateways, duplicate dropped (n=%d)", n);
	CHECK(ent_route_gateways(text, gw, 1) == 1, "route: max respected");

	snprintf(text, sizeof(text), "%s"
			"eth0\tzzzz\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
			"eth0\t00000000\n"
			"\n"
			"eth0\t00000000\t0202000A\t0003\n", hdr);
	CHECK(ent_route_gateways(text, gw, ENT_GW_MAX) == 0, "route: malformed lines ignored");
	CHECK(ent_route_gateways(hdr, gw, ENT_GW_MAX) == 0, "route: header only");
	CHECK(ent_route_gateways("", gw, ENT_GW_MAX) == 0, "route: empty");
	/* A default route to a host mask is not default */
	snprintf(text, sizeof(text), "%s"
			"eth0\t00000000\t0202000A\t0003\t0\t0\t0\tFFFFFFFF\t0\t0\t0\n", hdr);
	CHECK(ent_route_gateways(text, gw, ENT_GW_MAX) == 0, "route: mask must be 0");
}

/* ------------------------------------------------------------------ */
static void test_interrupts(void)
{
	struct ent_irq_count c;
	const char *arm =
		"           CPU0       CPU1       \n"
		" 11:      52000      51000     GICv3  27 Level     arch_timer\n"
		" 12:          3          0     GICv3  23 Level     arm-pmu\n"
		" 36:        100          5     GICv3  79 Edge      virtio0\n"
		" 37:         20          0     GICv3  80 Edge      virtio1\n"
		" 40:          7          0     GICv3  33 Level     uart-pl011\n"
		"IPI0:       900        800       Rescheduling interrupts\n"
		"IPI1:        10         20       Function call interrupts\n"
		"Err:          0\n";
	const char *x86 =
		"            CPU0       CPU1       \n"
		"   0:         33          0   IO-APIC   2-edge      timer\n"
		"  11:       1000        234   IO-APIC  11-fasteoi   virtio0\n"
		" NMI:          0          0   Non-maskable interrupts\n"
		" LOC:     123456     654321   Local timer interrupts\n"
		" RES:         50         60   Rescheduling interrupts\n"
		" ERR:          0\n"
		" MIS:          0\n";
	const char *riscv =
		"           CPU0       \n"
		"  5:       9999  RISC-V INTC   5 Edge      riscv-timer\n"
		" 10:         42  SiFive PLIC   8 Edge      virtio0\n";

	CHECK(ent_irq_parse(arm, &c) == 0 && c.device == 132 && c.rows == 3,
			"arm64: device %llu rows %d", (unsigned long long)c.device, c.rows);
	CHECK(c.percpu == 52000 + 51000 + 3 + 1700 + 30, "arm64: per-CPU %llu",
			(unsigned long long)c.percpu);
	CHECK(ent_irq_parse(x86, &c) == 0 && c.device == 33 + 1234 && c.rows == 2,
			"x86: device %llu", (unsigned long long)c.device);
	CHECK(ent_irq_parse(riscv, &c) == 0 && c.device == 42, "riscv: device %llu",
			(unsigned long long)c.device);
	CHECK(ent_irq_parse("no header\n 1: 2 3\n", &c) == -1, "no CPU header is -1");
	CHECK(ent_irq_parse("", &c) == -1, "empty is -1");
	CHECK(ent_irq_parse("           CPU0\n 36:  5\n 37:\n", &c) == 0 && c.device == 5,
			"short rows: %llu", (unsigned long long)c.device);
}

/* ------------------------------------------------------------------ */
/* One pacing window of 200 ms: irq device interrupts, replies replies */
static int pace(struct ent_pace *pc, int64_t *t, uint64_t *irqs, uint64_t irq,
		unsigned long replies)
{
	*t += 200000;
	*irqs += irq;
	return ent_pace_update(pc, *t, *irqs, replies);
}

static void pace_start(struct ent_pace *pc, int64_t t, uint64_t irqs)
{
	struct ent_irq_count c;

	memset(&c, 0, sizeof(c));
	c.device = irqs;
	ent_pace_init(pc, t, &c);
}

static void test_pacing(void)
{
	struct ent_pace pc;
	struct ent_irq_count irq;
	uint64_t irqs = 0;
	int64_t t = 0;
	int i, lv, outside;

	memset(&irq, 0, sizeof(irq));
	ent_pace_init(&pc, 0, NULL);
	CHECK(ent_pace_update(&pc, 200000, 1000, 1000) == 0 && pc.window == 1,
			"blind pacing keeps one in flight, no gap");

	/* The legacy guest: every reply interrupts at one in flight, 5000
	 * replies a second; two in flight give 13 % more interrupts, four
	 * 40 % more again, eight fewer */
	ent_pace_init(&pc, 0, &irq);
	lv = pace(&pc, &t, &irqs, 1000, 1000);
	CHECK(lv == 1 && pc.window == 2 && pc.gap_us == 0, "fast replies raise the window (level %d)", lv);
	lv = pace(&pc, &t, &irqs, 1130, 2100);
	CHECK(lv == 2 && pc.window == 4, "more interrupts a second: on to 4 (window %u)", pc.window);
	lv = pace(&pc, &t, &irqs, 1580, 2900);
	CHECK(lv == 3 && pc.window == 8, "and on to 8 (window %u)", pc.window);
	lv = pace(&pc, &t, &irqs, 1500, 3000);
	CHECK(lv == 2 && pc.window == 4, "fewer at 8: back to 4 (window %u)", pc.window);
	for (i = 0, outside = 0; i < 10; i++) {
		lv = pace(&pc, &t, &irqs, 1560 + (uint64_t)(i % 3) * 20, 2900);
		outside += lv != 2;
	}
	CHECK(outside == 0, "settled at the peak while it holds (%d windows elsewhere)", outside);
	/* It falls where it stands: looks the other way first (it came down) */
	lv = pace(&pc, &t, &irqs, 1200, 2900);
	CHECK(lv == 1, "interrupts fall: a step down is tried (level %d)", lv);
	lv = pace(&pc, &t, &irqs, 1100, 2000);
	CHECK(lv == 2, "no better: back (level %d)", lv);
	/* Never beyond the maximum, however much each step buys */
	pace_start(&pc, t, irqs);
	for (i = 0, outside = 0; i < 20; i++) {
		lv = pace(&pc, &t, &irqs, 2000 + (uint64_t)i * 500, 4000 + (unsigned long)i * 1000);
		outside += pc.window > ENT_ICMP_WINDOW_MAX;
	}
	CHECK(outside == 0 && pc.window == ENT_ICMP_WINDOW_MAX, "at most %d in flight (window %u)",
			ENT_ICMP_WINDOW_MAX, pc.window);

	/* A peer that delays replies (2 ms a round trip: 100 a window) or
	 * drops them never gets a second request in flight, however the
	 * interrupts go */
	pace_start(&pc, t, irqs);
	for (i = 0, outside = 0; i < 20; i++) {
		lv = pace(&pc, &t, &irqs, 100 + (uint64_t)i * 50, i % 2 ? 100 : 3);
		outside += pc.window != 1;
	}
	CHECK(outside == 0, "slow or lost replies keep one in flight (%d windows more)", outside);

	/* Coalescing: 0.125 interrupt per reply is too few to raise the
	 * window; a gap after each reply brings them back */
	pace_start(&pc, t, irqs);
	lv = pace(&pc, &t, &irqs, 500, 4000);
	CHECK(lv == -1 && pc.gap_us == 50 && pc.window == 1, "low yield opens a gap (%u us)",
			pc.gap_us);
	lv = pace(&pc, &t, &irqs, 1800, 1800);
	CHECK(lv == -2 && pc.gap_us == 100, "it helped: longer (%u us)", pc.gap_us);
	lv = pace(&pc, &t, &irqs, 1200, 1200);
	CHECK(lv == -1 && pc.gap_us == 50, "worse: back (%u us)", pc.gap_us);
	/* Never beyond the bounds */
	pace_start(&pc, t, irqs);
	for (i = 0, outside = 0; i < 60; i++) {
		lv = pace(&pc, &t, &irqs, (uint64_t)((i * 7919) % 1000) + 10, (unsigned long)(i % 3) * 2000);
		outside += lv < ENT_PACE_LEVEL_MIN || lv > ENT_PACE_LEVEL_MAX
				|| pc.window > ENT_ICMP_WINDOW_MAX || pc.gap_us > 1600;
	}
	CHECK(outside == 0, "level within bounds over 60 windows (%d outside)", outside);
	/* No events: no decision */
	ent_pace_init(&pc, 0, &irq);
	CHECK(ent_pace_update(&pc, 200000, 0, 0) == 0, "no events, no change");
}

static void test_icmp_bits(void)
{
	/* RFC 1071 example words: 0001 f203 f4f5 f6f7 -> sum ddf2 -> ~ 220d */
	const unsigned char v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	unsigned char pkt[9] = { 8, 0, 0, 0, 1, 2, 3, 4, 5 };
	uint16_t c;

	CHECK(ntohs(ent_icmp_checksum(v, sizeof(v))) == 0x220d, "checksum RFC 1071: %04x",
			ntohs(ent_icmp_checksum(v, sizeof(v))));
	c = ent_icmp_checksum(pkt, sizeof(pkt));
	memcpy(pkt + 2, &c, 2);
	CHECK(ent_icmp_checksum(pkt, sizeof(pkt)) == 0, "checksum verifies to 0 (odd length)");
}

static void test_block_offsets(void)
{
	uint64_t off, seen[64];
	unsigned long i, j;
	int spread_ok = 1, dup = 0, lo = 0, hi = 0;
	uint64_t n = (1ULL << 30) / 512;

	for (i = 0; i < 64; i++) {
		off = ent_block_offset(i, n, 512);
		if (off % 512 != 0 || off + 512 > (1ULL << 30)) {
			spread_ok = 0;
		}
		if (off < (1ULL << 29)) {
			lo++;
		} else {
			hi++;
		}
		for (j = 0; j < i; j++) {
			if (seen[j] == off) {
				dup++;
			}
		}
		seen[i] = off;
	}
	CHECK(spread_ok, "offsets aligned and inside the device");
	CHECK(dup == 0, "64 offsets distinct (%d dups)", dup);
	CHECK(lo > 16 && hi > 16, "offsets spread over both halves (%d/%d)", lo, hi);
	CHECK(ent_block_offset(5, 1, 4096) == 0, "one-sector device reads sector 0");
	CHECK(ent_block_offset(5, 0, 4096) == 0, "empty device gives 0");
}

/* Which disk the block reads go to: the one behind "/", else a usual name */
static void test_root_device(void)
{
	struct sim s;
	char path[ENTROPY_PATH_MAX];

	sim_init(&s, 256);
	CHECK(ent_block_root_device(sim_ops(&s), path, sizeof(path)) == 0
			&& strcmp(path, "/dev/vda") == 0, "root device: vda from sysfs (%s)", path);
	CHECK(ent_block_root_device(sim_ops(&s), path, 8) == -1 && errno == ENAMETOOLONG,
			"root device: a short buffer is refused");
	sim_sysfs_set(&s, "/sys/dev/block/254:0/uevent", "MAJOR=254\nMINOR=0\n");
	CHECK(ent_block_root_device(sim_ops(&s), path, sizeof(path)) == -1 && errno == ENOENT,
			"root device: a uevent without DEVNAME names none");
	sim_init(&s, 256);
	s.root_has_block = 0;
	s.usual_disk = "/dev/mmcblk0";
	CHECK(ent_block_root_device(sim_ops(&s), path, sizeof(path)) == 0
			&& strcmp(path, "/dev/mmcblk0") == 0, "root on tmpfs: the first usual disk (%s)",
			path);
	s.usual_disk = NULL;
	CHECK(ent_block_root_device(sim_ops(&s), path, sizeof(path)) == -1 && errno == ENODEV,
			"root on tmpfs, no usual disk: none");
}

/* ------------------------------------------------------------------ */
/* Checks every wait must pass, whatever the scenario */
static void common_after(const char *name, struct sim *s, int r)
{
	CHECK(sim_fds_open(s) == 0, "%s: every descriptor closed (%d open)", name, sim_fds_open(s));
	CHECK(!s->collector_running, "%s: no collector left", name);
	CHECK(s->violations == 0, "%s: no protocol violations (%lu)", name, s->violations);
	CHECK(s->stray_dest == 0, "%s: every packet went to the gateway", name);
	CHECK(s->max_in_flight <= ENT_ICMP_WINDOW_MAX, "%s: at most %d requests in flight (%lu)",
			name, ENT_ICMP_WINDOW_MAX, s->max_in_flight);
	CHECK(s->block_misaligned == 0, "%s: O_DIRECT reads aligned", name);
	if (r == 0) {
		CHECK(s->ready, "%s: returned 0 only when seeded", name);
		CHECK(s->sent_after_ready == 0 || s->last_send_at - s->ready_at <= 100000,
				"%s: ICMP stopped within 100 ms of readiness (%lu after)", name,
				s->sent_after_ready);
		CHECK(sim_log_count(s, "seeded after") == 1, "%s: final line logged", name);
	}
}

/* Progress lines: at most one per second of virtual time */
static void check_line_rate(const char *name, const struct sim *s)
{
	int i;
	int64_t last = -1000000000LL;
	int ok = 1;

	for (i = 0; i < s->nlog; i++) {
		if (strstr(s->log[i].text, "; running: ") == NULL) {
			continue;
		}
		if (s->log[i].at - last < 1000000 && last >= 0) {
			ok = 0;
		}
		last = s->log[i].at;
	}
	CHECK(ok, "%s: at most one progress line a second", name);
}

static void test_wait_seeded(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 256, 0);
	s.ready = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "seeded: returns 0");
	CHECK(s.getrandom_calls == 1, "seeded: exactly one getrandom (%lu)", s.getrandom_calls);
	CHECK(s.sockets == 0 && s.sent == 0 && !s.collector_spawned && s.nlog == 0 && s.polls == 0,
			"seeded: no socket, packet, child, poll or log line");

	setup(&s, &cfg, 256, 0);
	s.enosys = 1;
	CHECK(ent_wait(&cfg, sim_ops(&s)) == -1 && s.nlog == 0, "ENOSYS: -1 at once");
}

static void test_wait_icmp_new(void)
{
	struct sim s;
	struct entropy_config cfg;
	unsigned long sent, replies;
	int r;

	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "icmp/new: seeded");
	common_after("icmp/new", &s, r);
	CHECK(s.sent <= ENT_DEFAULT_MAX_PACKETS, "icmp/new: within packet bound");
	CHECK(s.icmp_raw == 1, "icmp/new: raw socket as root");
	CHECK(sim_log_count(&s, "poolsize 256") >= 1 && sim_log_count(&s, "plan: ICMP echo to 10.0.2.2") == 1,
			"icmp/new: start line has generation and plan");
	CHECK(sim_log_count(&s, "kernel CRNG not initialised") == 1, "icmp/new: cause logged once");
	check_line_rate("icmp/new", &s);
	CHECK(sim_seeded_counts(&s, &sent, &replies) == 0 && sent == s.sent && replies == s.replies,
			"icmp/new: the final line counts what the kernel saw");
	{
		/* The tail that tests/vm/rig.py parses */
		char tail[128];

		snprintf(tail, sizeof(tail), "; %lu ICMP packets, %lu replies, 0 block reads",
				s.sent, s.replies);
		CHECK(sim_log_count(&s, tail) == 1, "icmp/new: final line ends in \"%s\"", tail);
	}
	CHECK(s.ready_at - 5000000 < 3000000, "icmp/new: seeded in %.2f s virtual",
			(double)(s.ready_at - 5000000) / 1e6);
}

static void test_wait_icmp_old(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 4096, ENTROPY_STIM_ICMP);
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "icmp/old: seeded");
	common_after("icmp/old", &s, r);
	/* 256 fast-load interrupts, then 128 bits at 64 interrupts each */
	CHECK(sim_log_count(&s, "0/128 bits") >= 1, "icmp/old: 128 bits needed shown");
}

static void test_wait_collector(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 256, 0);
	s.has_jitter = 1;
	cfg.stimulators = ENTROPY_STIM_COLLECTOR;
	cfg.stimulators_set = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "collector: seeded");
	common_after("collector", &s, r);
	CHECK(s.sent == 0 && s.sockets == 0, "collector: no packets");
	CHECK(s.ready_at - 5000000 <= 1100000, "collector: ~1 s (%.2f)",
			(double)(s.ready_at - 5000000) / 1e6);
	CHECK(s.polls < 20, "collector: woke by the child, few polls (%lu)", s.polls);
	CHECK(!s.collector_killed, "collector: child finished by itself, not killed");
	CHECK(sim_log_count(&s, "seeded after 1.0 s, while running: collector child (returned)") == 1,
			"collector: final line says the child returned");
}

static void test_wait_all_defaults(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	/* Default config on a 4.19-like kernel without jitter */
	setup(&s, &cfg, 4096, 0);
	s.has_block = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "all/old: seeded");
	common_after("all/old", &s, r);
	CHECK(s.block_reads == 0 && s.replies > 0, "all/old: ICMP alone while it yields (%lu, %lu)",
			s.replies, s.block_reads);
	CHECK(sim_log_count(&s, "O_DIRECT reads if ICMP falls short") == 1,
			"all/old: plan names block reads as the second choice");
	CHECK(!s.collector_killed, "all/old: child returned by itself at readiness");
	CHECK(sim_log_count(&s, "collector child") >= 1, "all/old: plan names the collector");

	/* Replies raise no interrupt: block reads join the ICMP */
	setup(&s, &cfg, 4096, 0);
	s.has_block = 1;
	s.no_reply_irq = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.block_reads > 0 && s.replies > 0,
			"poor yield: block reads joined ICMP (%lu, %lu)", s.replies, s.block_reads);
	common_after("poor yield", &s, r);

	/* No route at all: block reads start at once */
	setup(&s, &cfg, 4096, 0);
	s.has_block = 1;
	s.no_route_file = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.block_reads > 0 && s.replies == 0,
			"no route: block reads seeded (%lu)", s.block_reads);
	CHECK(sim_log_count(&s, "O_DIRECT reads of /dev/vda (at most") == 1,
			"no route: plan starts with block reads");
	common_after("no route, block", &s, r);
}

static void test_wait_nothing_helps(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	/* No route, no block device, no jitter: stop flag after 5 minutes */
	setup(&s, &cfg, 256, 0);
	s.route_text = "Iface\tDestination\tGateway\n";
	s.root_has_block = 0;
	s.stop_at = s.now + 300LL * 1000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1, "nothing: returns -1 on the stop flag only");
	common_after("nothing", &s, r);
	CHECK(!s.ready, "nothing: really never seeded");
	CHECK(sim_log_count(&s, "virtio-rng") == 1 && sim_log_count(&s, "rng-seed") == 1
			&& sim_log_count(&s, "seed file") == 1 && sim_log_count(&s, "hwrng") == 1,
			"nothing: actionable hint logged exactly once");
	CHECK(sim_log_count(&s, "no IPv4 default route") == 1, "nothing: no-route warning");
	CHECK(sim_log_count(&s, "no block device behind /") == 1, "nothing: no-block warning");
	CHECK(s.polls <= 300 * 2, "nothing: no spin, %lu polls in 300 s", s.polls);
	CHECK(s.zero_polls <= 2, "nothing: no busy polls (%lu)", s.zero_polls);
	CHECK(s.getrandom_calls <= 300 * 3, "nothing: %lu getrandom calls in 300 s",
			s.getrandom_calls);
	CHECK(s.nlog < 30, "nothing: log not flooded (%d lines)", s.nlog);
	CHECK(sim_log_count(&s, "wait stopped") == 1, "nothing: stop logged");

	/* Same without the collector (stim=none): polls every 100 ms at most */
	setup(&s, &cfg, 256, 0);
	cfg.stimulators_set = 1;
	s.stop_at = s.now + 60LL * 1000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sockets == 0 && !s.collector_spawned && s.block_reads == 0,
			"stim=none: nothing started");
	common_after("stim=none", &s, r);
	CHECK(s.polls <= 60 * 11, "stim=none: %lu polls in 60 s", s.polls);
	CHECK(sim_log_count(&s, "virtio-rng") == 1, "stim=none: hint once");

	/* stim=none but the kernel gets seeded by itself: noticed in 100 ms */
	setup(&s, &cfg, 256, 0);
	cfg.stimulators_set = 1;
	s.bg_irq_per_s = 4000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "stim=none, busy device: seeded");
	common_after("stim=none busy", &s, r);
	CHECK(s.now - s.ready_at <= 100000, "stim=none: noticed %lld us after readiness",
			(long long)(s.now - s.ready_at));
}

static void test_wait_stop(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;
	unsigned long sent;

	setup(&s, &cfg, 256, 0);
	s.no_reply_irq = 1;	/* replies credit nothing */
	s.has_block = 1;
	s.block_latency_us = 20000;
	s.stop_at = s.now + 2000000;
	r = ent_wait(&cfg, sim_ops(&s));
	sent = s.sent;
	CHECK(r == -1, "stop: -1 when the flag is raised");
	common_after("stop", &s, r);
	CHECK(s.now - s.stop_at <= 100000, "stop: returned %lld us after the flag",
			(long long)(s.now - s.stop_at));
	CHECK(sent > 0 && s.collector_killed, "stop: had been stimulating, child killed");

	/* A disk that hangs in its first read (issue 12 item 8): the reads
	 * run in the reader child, so the loop goes on, the stop flag ends
	 * the wait within 100 ms, and the child is killed without waiting
	 * for it; readiness that comes meanwhile is seen too */
	setup(&s, &cfg, 256, ENTROPY_STIM_BLOCK);
	s.has_block = 1;
	s.block_hangs = 1;
	s.stop_at = s.now + 2000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.now - s.stop_at <= 100000 && s.block_reads == 0
			&& s.children_stopped == 1 && sim_fds_open(&s) == 0,
			"hung disk: stop within %lld us, reader child stopped, nothing left open",
			(long long)(s.now - s.stop_at));
	setup(&s, &cfg, 256, ENTROPY_STIM_BLOCK);
	s.has_block = 1;
	s.block_hangs = 1;
	s.bg_irq_per_s = 20000.0;	/* the kernel gets seeded another way */
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.now - s.ready_at <= 100000 && s.children_stopped == 1,
			"hung disk: readiness seen %lld us after it came",
			(long long)(s.now - s.ready_at));
	/* A disk that hangs in open() or its size ioctl (issue 22 item 7):
	 * the child opens it, so the server never blocks; the simulator
	 * counts any open in the server as a violation */
	setup(&s, &cfg, 256, ENTROPY_STIM_BLOCK);
	s.has_block = 1;
	s.block_open_hangs = 1;
	s.stop_at = s.now + 2000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.now - s.stop_at <= 100000 && s.block_reads == 0 && s.parent_opens == 0
			&& s.children_stopped == 1 && sim_fds_open(&s) == 0,
			"hung open: stop within %lld us, the server opened nothing, child stopped",
			(long long)(s.now - s.stop_at));
	common_after("hung open", &s, r);
	/* The path swapped for a character device by the child's open():
	 * refused there, one line, the wait goes on */
	setup(&s, &cfg, 256, ENTROPY_STIM_BLOCK | ENTROPY_STIM_COLLECTOR);
	s.has_block = 1;
	s.has_jitter = 1;
	s.block_chardev = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.block_reads == 0 && s.parent_opens == 0
			&& sim_log_count(&s, "cannot open /dev/vda with O_DIRECT (Block device "
			"required): block reads off") == 1,
			"character device by the child's open: refused in the child, one line");
	common_after("swapped to a character device", &s, r);
	/* 4096-byte sectors: the child says so, and the bound follows */
	setup(&s, &cfg, 256, ENTROPY_STIM_BLOCK);
	s.has_block = 1;
	s.no_route_file = 1;
	s.block_sector = 4096;
	s.block_bytes = 64ULL << 20;
	s.stop_at = s.now + 600000000LL;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(s.block_reads == 4096 && sim_log_count(&s, "block read bound of 4096 reads") == 1,
			"4096-byte sectors: 16 MiB in 4096 reads (%lu)", s.block_reads);
	common_after("4k sectors", &s, r);
	/* An empty device (a card reader without a card) */
	setup(&s, &cfg, 256, ENTROPY_STIM_BLOCK | ENTROPY_STIM_COLLECTOR);
	s.has_block = 1;
	s.has_jitter = 1;
	s.block_bytes = 0;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && sim_log_count(&s, "/dev/vda is no usable block device (empty)") == 1,
			"empty device: one line");
	common_after("empty device", &s, r);

	/* Flag already up: nothing at all happens */
	setup(&s, &cfg, 256, 0);
	stop = 1;
	CHECK(ent_wait(&cfg, sim_ops(&s)) == -1 && s.sockets == 0 && s.nlog == 0,
			"stop: raised before the wait, nothing done");
}

static void test_wait_bounds(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	/* Packet bound: a NIC that coalesces everything credits nothing */
	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	cfg.max_packets = 1000;
	s.no_reply_irq = 1;
	s.stop_at = s.now + 30LL * 1000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sent == 1000, "bound: exactly max-packets sent (%lu)", s.sent);
	common_after("packet bound", &s, r);
	CHECK(sim_log_count(&s, "bound of 1000 packets") == 1, "bound: logged once");
	CHECK(s.polls < 2 * 1000 + 30 * 12, "bound: no spin afterwards (%lu polls)", s.polls);

	/* Time bound */
	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP | ENTROPY_STIM_BLOCK);
	cfg.max_seconds = 2;
	s.has_block = 1;
	s.no_reply_irq = 1;
	s.block_latency_us = 1000;
	s.bits = 0;
	s.stop_at = s.now + 10LL * 1000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.last_send_at - 5000000 <= 2000000 + 100000,
			"time bound: no packet after 2 s (last at %.3f s)",
			(double)(s.last_send_at - 5000000) / 1e6);
	CHECK(sim_log_count(&s, "bound of 2 s") == 1, "time bound: logged once");
	common_after("time bound", &s, r);
}

static void test_wait_gateway_drops(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	s.gw_answers = 0;
	s.stop_at = s.now + 20LL * 1000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1, "drops: waits on");
	common_after("drops", &s, r);
	CHECK(s.sent == ENT_ICMP_DEAD_FIRST, "drops: gave up after %d requests (%lu)",
			ENT_ICMP_DEAD_FIRST, s.sent);
	CHECK(sim_log_count(&s, "does not answer echo requests") == 1, "drops: warned once");
	CHECK(s.polls < 20 * 12, "drops: no spin (%lu polls)", s.polls);
}

static void test_wait_fallbacks(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	/* Not root: raw EPERM, datagram socket works */
	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	s.raw_eperm = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.icmp_raw == 0, "dgram fallback: seeded over the datagram socket");
	common_after("dgram", &s, r);

	/* Neither socket: warning, block reads carry on */
	setup(&s, &cfg, 256, 0);
	s.raw_eperm = s.dgram_eperm = 1;
	s.has_block = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.sent == 0 && s.block_reads > 16000, "no sockets: seeded by block reads (%lu)",
			s.block_reads);
	CHECK(sim_log_count(&s, "ping_group_range") == 1, "no sockets: warning names ping_group_range");
	common_after("no sockets", &s, r);

	/* No /proc at all: route, interrupts, entropy_avail, poolsize missing */
	setup(&s, &cfg, 0, 0);
	s.no_route_file = s.no_interrupts = s.no_entropy_avail = 1;
	s.has_block = 1;
	cfg.block_device[0] = '\0';
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "no /proc: seeded");
	CHECK(sim_log_count(&s, "cannot read /proc/net/route") == 1, "no /proc: route warning");
	CHECK(sim_log_count(&s, "unknown RNG") >= 1, "no /proc: generation unknown said");
	common_after("no /proc", &s, r);

	/* -X gateway= overrides the route table (on the link only) */
	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	s.route_text = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
		"eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\n";
	strcpy(cfg.gateway, "10.0.2.2");
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.replies > 0, "gateway option: seeded without a default route");
	common_after("gateway option", &s, r);

	/* -X blockdev= that does not exist, block read errors */
	setup(&s, &cfg, 256, ENTROPY_STIM_BLOCK | ENTROPY_STIM_ICMP);
	strcpy(cfg.block_device, "/dev/nonesuch");
	/* block reads are tried only without ICMP; the kernel's collector
	 * seeds in the end */
	s.no_route_file = 1;
	s.has_jitter = 1;
	cfg.stimulators |= ENTROPY_STIM_COLLECTOR;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && sim_log_count(&s, "cannot open /dev/nonesuch") == 1,
			"missing blockdev: warned, collector seeded");
	common_after("missing blockdev", &s, r);
	setup(&s, &cfg, 256, 0);
	s.has_block = 1;
	s.block_fails = 1;
	s.no_route_file = 1;
	s.has_jitter = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && sim_log_count(&s, "block reads off") == 1, "read errors: warned once");
	common_after("block errors", &s, r);

	/* fork fails, child errors out */
	setup(&s, &cfg, 256, 0);
	s.spawn_fails = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && sim_log_count(&s, "cannot start the collector") == 1, "fork failure: warned");
	common_after("fork failure", &s, r);
	setup(&s, &cfg, 256, 0);
	s.collector_error = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.replies > 16000, "child error: the wait carries on and seeds");
	common_after("child error", &s, r);
}

static void test_wait_route_appears(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	/* The network comes up 3 s after the server started */
	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	s.route_at = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "late route: seeded");
	CHECK(sim_log_count(&s, "no IPv4 default route") == 1, "late route: warned once at start");
	CHECK(sim_log_count(&s, "default route via 10.0.2.2 appeared") == 1, "late route: start logged");
	CHECK(s.ready_at >= s.route_at && s.ready_at - s.route_at < 3000000,
			"late route: seeded %.2f s after the route appeared",
			(double)(s.ready_at - s.route_at) / 1e6);
	CHECK(sim_log_count(&s, "virtio-rng") == 0, "late route: no nothing-helps hint");
	CHECK(s.polls < 200 + s.sent * 2, "late route: no spin while waiting (%lu polls)", s.polls);
	common_after("late route", &s, r);

	/* Never a route: looked for once a second, no spin, bounded by max-seconds */
	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	cfg.max_seconds = 5;
	s.route_at = s.now + 3600LL * 1000000;
	s.stop_at = s.now + 20LL * 1000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sockets == 0, "no route ever: nothing opened");
	/* (and every 100 ms within the 5 s bound) */
	CHECK(s.polls <= 20 * 11 + 5 * 10, "no route ever: %lu polls in 20 s", s.polls);
	CHECK(sim_log_count(&s, "virtio-rng") == 1, "no route ever: hint once");
	common_after("no route ever", &s, r);
}

/* No route at first: block reads start, and stop when ICMP finds its
 * gateway; where ICMP then falls short they join in again once, the new
 * child going on after the first one's reads (one bound per wait) */
static void test_wait_block_yields(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP | ENTROPY_STIM_BLOCK);
	s.has_block = 1;
	s.block_latency_us = 1000;
	s.route_at = s.now + 500000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.sent > 0 && s.block_reads > 0
			&& sim_log_count(&s, "block reads stop after") == 1,
			"route later: block reads stop once when ICMP runs (%lu reads, %lu sent)",
			s.block_reads, s.sent);
	common_after("block yields", &s, r);

	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP | ENTROPY_STIM_BLOCK);
	s.has_block = 1;
	s.block_latency_us = 1000;
	s.no_reply_irq = 1;	/* ICMP then raises no interrupt: it falls short */
	s.block_sector = 4096;	/* a bound (4096 reads) reached before readiness */
	s.route_at = s.now + 500000;
	s.stop_at = s.now + 120LL * 1000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(sim_log_count(&s, "block reads stop after") == 1
			&& s.block_reads == ent_block_max_reads(s.block_sector),
			"ICMP short after the stop: reads again, to %lu in all, one bound (%lu)",
			s.block_reads, ent_block_max_reads(s.block_sector));
	common_after("block yields, ICMP short", &s, r);
}

static void test_wait_two_gateways(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	/* Two default routes; the second gateway never answers */
	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	s.route_text =
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
		"eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
		"wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n";
	s.silent_gw = "192.168.1.1";
	s.rtt_us = 1500;	/* one in flight: seeding outlasts the silent one's timeouts */
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "two gateways: seeded through the one that answers");
	CHECK(s.sent_silent == ENT_ICMP_DEAD_FIRST, "two gateways: silent one given up after %d (%lu)",
			ENT_ICMP_DEAD_FIRST, s.sent_silent);
	CHECK(sim_log_count(&s, "gateway 192.168.1.1 does not answer") == 1,
			"two gateways: warning names the silent one");
	CHECK(sim_log_count(&s, "ICMP echo to 10.0.2.2 192.168.1.1") == 1, "two gateways: plan names both");
	common_after("two gateways", &s, r);
}

static void test_wait_validation(void)
{
	struct sim s;
	struct entropy_config cfg;
	unsigned long sent, replies;
	int r, raw;

	for (raw = 1; raw >= 0; raw--) {
		sim_init(&s, 256);
		cfg_init(&cfg, &s);
		cfg.stimulators = ENTROPY_STIM_ICMP;
		cfg.stimulators_set = 1;
		s.bad_before_each = 1;
		s.raw_eperm = !raw;
		r = ent_wait(&cfg, sim_ops(&s));
		CHECK(r == 0, "validation(%s): seeded", raw ? "raw" : "dgram");
		CHECK(sim_seeded_counts(&s, &sent, &replies) == 0 && replies == s.replies,
				"validation(%s): only real replies counted (%lu of %lu)",
				raw ? "raw" : "dgram", replies, s.replies);
		common_after(raw ? "validation raw" : "validation dgram", &s, r);
	}
}

static void test_wait_coalescing(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r, i, paced = 0;

	/* A NIC whose moderation swallows 7 of 8 replies closer than 100 us:
	 * a gap of about 40 us brings back one interrupt per reply */
	setup(&s, &cfg, 256, ENTROPY_STIM_ICMP);
	s.coalesce_us = 100;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0, "coalescing: seeded");
	common_after("coalescing", &s, r);
	for (i = 0; i < s.nlog; i++) {
		const char *g = strstr(s.log[i].text, "gap ");

		if (g != NULL && atoi(g + 4) > 0) {
			paced = 1;
		}
	}
	CHECK(paced, "coalescing: pacing opened a gap between reply and request");
	CHECK(s.sent < 16500 * 2, "coalescing: far fewer packets than the 8 per interrupt "
			"of gap 0 (%lu)", s.sent);
}

static void test_wait_kmsg(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 256, 0);
	cfg.log_kmsg = 1;
	s.has_jitter = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	/* The seed file's lines come after it: look for the line itself */
	CHECK(r == 0 && s.nkmsg >= 2 && strncmp(s.kmsg_seeded, "<5>", 3) == 0,
			"kmsg: final line copied: %s", s.kmsg_seeded);
	common_after("kmsg", &s, r);
}



int main(void)
{
	test_probe();
	test_progress();
	test_config();
	test_route();
	test_interrupts();
	test_pacing();
	test_icmp_bits();
	test_block_offsets();
	test_root_device();
	test_wait_seeded();
	test_wait_icmp_new();
	test_wait_icmp_old();
	test_wait_collector();
	test_wait_all_defaults();
	test_wait_nothing_helps();
	test_wait_stop();
	test_wait_bounds();
	test_wait_gateway_drops();
	test_wait_fallbacks();
	test_wait_route_appears();
	test_wait_block_yields();
	test_wait_two_gateways();
	test_wait_validation();
	test_wait_coalescing();
	test_wait_kmsg();
	test_seed(&passed, &failed);
	test_jitter(&passed, &failed);
	test_hwrng(&passed, &failed);
	test_icmp(&passed, &failed);
	test_config_lines(&passed, &failed);
	test_credit(&passed, &failed);
	test_status(&passed, &failed);
	test_onlink(&passed, &failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
