/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy status: why the kernel RNG is or is not ready, and
 * what would seed it, in the words of the man page.
 *
 * Every fact comes from the module's own functions (the probe, the credit
 * rules, the route parsers, the seed file's read-only peek), so status and
 * the server can never disagree. Gathering is read-only and quick: no
 * packet is sent, /dev/hwrng is never opened, nothing is credited or
 * mixed, no lock is taken and nothing blocks. What it cannot read (not
 * root, no /proc) it reports as unknown.
 *
 * This file is linked into the companion program only (entropy/module.mk
 * keeps it out of the server's objects).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ent_status.h"
#include "ent_block.h"
#include "ent_boot.h"
#include "ent_config.h"
#include "ent_cpurng.h"
#include "ent_credit.h"
#include "ent_file.h"
#include "ent_hwrng.h"
#include "ent_internal.h"
#include "ent_probe.h"
#include "ent_route.h"
#include "ent_seed.h"
#include "ent_sys.h"
#include "entropy.h"

#define STATUS_TEXT_MAX	65536	/* /proc/net/route, /proc/net/arp, /proc/cpuinfo */
#define PATH_SEEDED	ENT_RUN_DIR "/" ENT_BOOT_SEEDED
#define PATH_WAITING	ENT_RUN_DIR "/" ENT_BOOT_WAITING

unsigned long long ent_status_counter_hz(void)
{
#if defined(__aarch64__)
	unsigned long long hz;

	/* CNTFRQ_EL0 is readable at EL0 wherever the virtual counter is,
	 * which Linux always enables for the vDSO */
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	return hz;
#else
	/* x86's TSC rate is not published to userspace as a plain number;
	 * clock_getres() says 1 ns whatever the hardware: unknown */
	return 0;
#endif
}

/* The value of key= in a record line ("" when absent), into out */
static void record_field(const char *line, const char *key, char *out, size_t len)
{
	size_t k = strlen(key), n;
	const char *p = line;

	out[0] = '\0';
	while ((p = strstr(p, key)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[k] == '=') {
			p += k + 1;
			n = strcspn(p, " \n");
			if (n >= len) {
				n = len - 1;
			}
			memcpy(out, p, n);
			out[n] = '\0';
			return;
		}
		p += k;
	}
}

/* A process of that pid runs (reading /proc/<pid>/stat sends no signal) */
static int pid_alive(const struct ent_ops *ops, long pid)
{
	char path[40], text[512];

	if (pid <= 0) {
		return 0;
	}
	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	return ops->read_file(path, text, sizeof(text)) >= 0;
}

/* ENT_RUN_DIR is there but not root's or ours alone (ent_boot.c): its
 * records are anyone's, and a FIFO among them would block the read */
static int run_dir_untrusted(char *why, size_t len)
{
	int fd, bad;

	fd = ent_dir_open(ENT_RUN_DIR);
	if (fd < 0) {
		return errno == ELOOP || errno == ENOTDIR;
	}
	bad = ent_run_dir_check(fd, 1, why, len) < 0;
	(void)ent_close(fd);
	return bad;
}

static void kernel_facts(const struct ent_ops *ops, struct ent_status *st,
		const char *boot_id)
{
	char text[128], field[ENT_BOOT_ID_MAX + 8];
	long pid;
	double mhz;

	st->producing = "unknown";
	st->counter_hz = ent_status_counter_hz();
	mhz = (double)st->counter_hz / 1e6;
	if (st->collector == 0) {
		st->producing = "no";
		(void)snprintf(st->why, sizeof(st->why), "Linux %.40s has none: it came with 5.4 "
				"and the 2022 stable updates 4.9.320, 4.14.285, 4.19.249",
				st->release[0] != '\0' ? st->release : "?");
		return;
	}
	if (st->collector < 0 || st->ready == 1) {
		return;	/* nothing to tell, or nothing left to produce */
	}
	/* Whether it produces shows only while a getrandom() blocks: the
	 * waiting server or seed leaves a line once 2 s of it did nothing */
	if (!run_dir_untrusted(st->why, sizeof(st->why))
			&& ops->read_file(PATH_WAITING, text, sizeof(text)) >= 0) {
		record_field(text, "boot", field, sizeof(field));
		if (strcmp(field, boot_id) == 0) {
			record_field(text, "pid", field, sizeof(field));
			pid = strtol(field, NULL, 10);
			if (pid_alive(ops, pid)) {
				st->producing = "no";
				if (st->counter_hz > 0) {
					(void)snprintf(st->why, sizeof(st->why), "a blocking getrandom() "
							"of pid %ld has not seeded the CRNG in 2 s; the "
							"counter userspace reads runs at %.2f MHz, and the "
							"collector gives up where the counter is too coarse "
							"for the CPU", pid, mhz);
				} else {
					(void)snprintf(st->why, sizeof(st->why), "a blocking getrandom() "
							"of pid %ld has not seeded the CRNG in 2 s; the "
							"counter's resolution is not visible from userspace "
							"here", pid);
				}
				return;
			}
		}
	}
	(void)snprintf(st->why, sizeof(st->why), "no blocking getrandom() is under way: only "
			"one shows whether it produces (dropbear-entropy seed starts one)");
}

static void hwrng_facts(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_status *st)
{
	st->hw_quality = -1;
	st->hw_verdict = "absent";
#if ENT_WITH_HWRNG
	{
		struct ent_hwrng hw;
		struct ent_credit_facts facts;
		const char *why;

		ent_hwrng_init(&hw);
		ent_hwrng_kernel_view(&hw, ops);
		if (strcmp(hw.name, "none") == 0 || strcmp(hw.name, "?") == 0
				|| hw.name[0] == '\0') {
			return;	/* no device: its quality stays unknown (-1) */
		}
		st->hw_quality = hw.kernel_quality;
		st->hw_present = 1;
		(void)snprintf(st->hw_driver, sizeof(st->hw_driver), "%s", hw.name);
		st->hw_kernel_credits = hw.kernel_quality > 0;
		memset(&facts, 0, sizeof(facts));
		facts.kernel_credits = st->hw_kernel_credits;
		facts.checks_passed = 1;
		if (st->hw_kernel_credits) {
			st->hw_verdict = "credited by the kernel";
		} else if (cfg->policy != ENTROPY_POLICY_STRICT	/* 128 bytes: 1024 bits */
				&& ent_credit_bits(cfg, ENT_SOURCE_HWRNG, &facts, 128, &why) > 0) {
			st->hw_verdict = "credited (-X trust-hwrng)";
		} else {
			st->hw_verdict = "mixed";
		}
	}
#else
	(void)cfg;
	(void)ops;
#endif
}

static void cpurng_facts(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_status *st, char *text)
{
	st->trust_cpu = cfg->trust_cpu;
	st->cpu_verdict = "absent";
	st->cpu_why = "not in this build";
#if ENT_WITH_CPURNG
	{
		struct ent_credit_facts facts;

		st->cpu_verdict = "mixed";

		if (ops->read_file("/proc/cpuinfo", text, STATUS_TEXT_MAX) < 0) {
			st->cpu_verdict = "unknown";
			st->cpu_why = "/proc/cpuinfo unreadable";
			return;
		}
		st->cpu_lists = ent_cpurng_kernel_lists(text);
		if (!st->cpu_lists) {
			st->cpu_verdict = "absent";
			st->cpu_why = "the kernel lists no rdseed, rdrand or rng";
			return;
		}
		memset(&facts, 0, sizeof(facts));
		facts.kernel_usable = 1;
		facts.checks_passed = 1;
		if (ent_credit_bits(cfg, ENT_SOURCE_CPURNG, &facts, 64, &st->cpu_why) > 0) {
			st->cpu_verdict = "credited (-X trust-cpu)";
			st->cpu_why = "-X trust-cpu, listed by the kernel, when its output is sane";
		}
	}
#else
	(void)cfg;
	(void)ops;
	(void)text;
#endif
}

static void icmp_facts(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_status *st, char *text)
{
	struct in_addr option;
	int given, via, on = (ent_config_stimulators(cfg) & ENTROPY_STIM_ICMP) != 0;
	const char *off = on ? "" : "; -X stim= leaves ICMP out";

	st->icmp_via = "none";
	if (ops->read_file(ENT_PATH_ROUTE, text, STATUS_TEXT_MAX) < 0) {
		(void)snprintf(st->icmp_verdict, sizeof(st->icmp_verdict), "cannot read %s (%s)%s",
				ENT_PATH_ROUTE, strerror(errno), off);
		return;
	}
	given = cfg->gateway[0] != '\0';
	if (!given || inet_pton(AF_INET, cfg->gateway, &option) == 1) {
		/* The targets the wait would ping */
		st->ntargets = ent_route_targets(ops, given ? &option : NULL, text,
				STATUS_TEXT_MAX, 1, st->targets, NULL, &via);
	}
	if (given && st->ntargets == 0) {
		(void)snprintf(st->icmp_verdict, sizeof(st->icmp_verdict), "gateway %.64s "
				"refused: not on the link%s", cfg->gateway, off);
		return;
	}
	if (st->ntargets > 0) {
		st->icmp_via = given ? "gateway option" : via == ENT_VIA_ROUTE ? "route"
			: "neighbours";
	}
	if (st->ntargets == 0) {
		(void)snprintf(st->icmp_verdict, sizeof(st->icmp_verdict), "no IPv4 default route "
				"and no neighbour in the ARP table on an interface that is up%s", off);
	} else {
		(void)snprintf(st->icmp_verdict, sizeof(st->icmp_verdict), "%s%s",
				on ? "echo requests with TTL 1 while the CRNG is not ready" : "off", off);
	}
}

static void block_facts(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_status *st)
{
#if ENT_WITH_BLOCK
	int on = (ent_config_stimulators(cfg) & ENTROPY_STIM_BLOCK) != 0;

	if (cfg->block_device[0] != '\0') {
		(void)snprintf(st->block_device, sizeof(st->block_device), "%s", cfg->block_device);
	} else if (ent_block_root_device(ops, st->block_device, sizeof(st->block_device)) < 0) {
		st->block_device[0] = '\0';
		(void)snprintf(st->block_verdict, sizeof(st->block_verdict), "no block device "
				"behind / nor a usual disk (%s)%s", strerror(errno),
				on ? "" : "; -X stim= leaves block reads out");
		return;
	}
	(void)snprintf(st->block_verdict, sizeof(st->block_verdict), "%s",
			on ? "O_DIRECT reads where ICMP cannot run or yields too few interrupts"
			: "off (-X stim= leaves block reads out)");
#else
	(void)cfg;
	(void)ops;
	(void)snprintf(st->block_verdict, sizeof(st->block_verdict), "not in this build");
#endif
}

static void seed_facts(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_status *st)
{
	st->seed_dir = cfg->seed_dir[0] != '\0' ? cfg->seed_dir : ENTROPY_SEED_DIR;
	st->seed.identity_matches = -1;
#if ENT_WITH_SEED
	st->seed_built = 1;
	ent_seed_peek(cfg, ops, &st->seed);
	st->other_seed_tool = ent_credit_other_seed_tool(ops);
#else
	(void)ops;
	(void)snprintf(st->seed.why, sizeof(st->seed.why), "not in this build");
#endif
}

/* "seed:256,hwrng:12" into the credited table */
static void parse_credited(struct ent_status *st, const char *list)
{
	const char *p = list, *colon, *end;
	size_t n;

	while (*p != '\0' && st->ncredited < ENT_STATUS_CREDITED_MAX) {
		end = p + strcspn(p, ",");
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon != NULL && (size_t)(colon - p) < sizeof(st->credited_src[0])) {
			n = (size_t)(colon - p);
			memcpy(st->credited_src[st->ncredited], p, n);
			st->credited_src[st->ncredited][n] = '\0';
			st->credited_bits[st->ncredited] = strtol(colon + 1, NULL, 10);
			st->ncredited++;
		}
		p = *end == ',' ? end + 1 : end;
	}
}

/* ENT_RUN_DIR is missing (nothing of ours waited this boot): says in
 * st->record whether it could be made, without making it */
static void run_dir_missing(struct ent_status *st)
{
	struct stat sb;
	int fd;

	fd = ent_dir_open(ENT_RUN_DIR);
	if (fd >= 0) {
		(void)ent_close(fd);
		return;
	}
	if (errno != ENOENT) {
		(void)snprintf(st->record, sizeof(st->record), "unavailable: %s: %s",
				ENT_RUN_DIR, strerror(errno));
		return;
	}
	fd = ent_dir_open("/run");
	if (fd < 0) {
		(void)snprintf(st->record, sizeof(st->record), "unavailable: /run: %s",
				strerror(errno));
		return;
	}
	if (fstat(fd, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		(void)snprintf(st->record, sizeof(st->record), "unavailable: /run is no directory");
	} else if (geteuid() == 0 && access("/run", W_OK) < 0) {
		/* Read-only /run: the waiters could not leave a record. access()
		 * asks without making anything; as root only EROFS can refuse. */
		(void)snprintf(st->record, sizeof(st->record), "unavailable: /run: %s",
				strerror(errno));
	}
	(void)ent_close(fd);
}

static void boot_facts(const struct ent_ops *ops, struct ent_status *st,
		const char *boot_id)
{
	char line[ENT_LINE_MAX], field[160];

	st->seeded_by = st->ready == 1 ? "kernel" : "none";
	st->at = -1.0;
	(void)snprintf(st->record, sizeof(st->record), "%s", PATH_SEEDED);
	if (run_dir_untrusted(field, sizeof(field))) {
		(void)snprintf(st->record, sizeof(st->record), "unavailable: %s cannot be "
				"trusted", ENT_RUN_DIR);
		return;
	}
	if (ops->read_file(PATH_SEEDED, line, sizeof(line)) < 0) {
		if (errno == ENOENT) {
			run_dir_missing(st);
		} else {
			(void)snprintf(st->record, sizeof(st->record), "unavailable: %s: %s",
					PATH_SEEDED, strerror(errno));
		}
		return;
	}
	record_field(line, "boot", field, sizeof(field));
	if (strcmp(field, boot_id) != 0) {
		return;	/* a record of another boot (/run not a tmpfs) */
	}
	record_field(line, "by", field, sizeof(field));
	if (strcmp(field, "dropbear") == 0) {
		st->seeded_by = "dropbear";
	} else if (strcmp(field, "seed") == 0) {
		st->seeded_by = "seed";
	}
	record_field(line, "at", field, sizeof(field));
	if (field[0] != '\0') {
		st->at = strtod(field, NULL);
	}
	record_field(line, "credited", field, sizeof(field));
	parse_credited(st, field);
	record_field(line, "stimulated", st->stimulated, sizeof(st->stimulated));
}

int ent_status_gather(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_status *st)
{
	char boot_id[ENT_BOOT_ID_MAX];
	char *text;

	ent_boot_id(ops, boot_id, sizeof(boot_id));
	memset(st, 0, sizeof(*st));
	st->ready = ent_probe_ready(ops);
	st->gen_known = ent_probe_generation(ops, &st->gen) == 0;
	if (ent_probe_bits(ops, &st->bits) < 0) {
		st->bits = -1;
	}
	st->collector = ent_probe_kernel_collector(ops, &st->gen, st->release,
			sizeof(st->release));
	kernel_facts(ops, st, boot_id);
	hwrng_facts(cfg, ops, st);
	seed_facts(cfg, ops, st);
	block_facts(cfg, ops, st);
	boot_facts(ops, st, boot_id);
	text = malloc(STATUS_TEXT_MAX);
	if (text == NULL) {
		st->cpu_verdict = "unknown";
		st->cpu_why = "out of memory";
		st->icmp_via = "none";
		(void)snprintf(st->icmp_verdict, sizeof(st->icmp_verdict), "out of memory");
		return st->ready;
	}
	cpurng_facts(cfg, ops, st, text);
	icmp_facts(cfg, ops, st, text);
	free(text);
	return st->ready;
}

/* ---- output ---- */

static const char *generation(const struct ent_status *st)
{
	if (st->gen.poolsize == 256) {
		return "rewritten";
	}
	if (st->gen.poolsize == 4096) {
		return "legacy";
	}
	return "unknown";
}

static const char *yes_none_unknown(int v)
{
	return v > 0 ? "yes" : v == 0 ? "none" : "unknown";
}

static const char *seed_verdict(const struct ent_status *st)
{
	if (st->seed.creditable) {
		return "creditable: a seed file that passed every check";
	}
	return st->seed.why;
}

/* A JSON string: quotes, backslashes and control characters escaped */
static void json_string(FILE *out, const char *s)
{
	const unsigned char *p;

	(void)fputc('"', out);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			(void)fprintf(out, "\\%c", *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			(void)fprintf(out, "\\u%04x", *p);
		} else {
			(void)fputc(*p, out);
		}
	}
	(void)fputc('"', out);
}

static const char *json_bool(int v)
{
	return v ? "true" : "false";
}

void ent_status_json(const struct ent_status *st, FILE *out)
{
	char addr[INET_ADDRSTRLEN];
	int i;

	(void)fprintf(out, "{\n  \"version\": 1,\n");
	(void)fprintf(out, "  \"crng\": {\"ready\": %s, \"generation\": \"%s\", \"bits\": %d, "
			"\"bits_needed\": %d, \"poolsize\": %d},\n", json_bool(st->ready == 1),
			generation(st), st->bits, st->gen.bits_needed, st->gen.poolsize);
	(void)fprintf(out, "  \"kernel\": {\"release\": ");
	json_string(out, st->release);
	(void)fprintf(out, ", \"jitter_collector\": \"%s\", \"collector_producing\": \"%s\", "
			"\"why\": ", yes_none_unknown(st->collector), st->producing);
	json_string(out, st->why);
	(void)fprintf(out, ", \"counter_hz\": %llu},\n", st->counter_hz);
	(void)fprintf(out, "  \"sources\": {\n    \"hwrng\":  {\"present\": %s, \"driver\": ",
			json_bool(st->hw_present));
	json_string(out, st->hw_driver);
	(void)fprintf(out, ", \"kernel_quality\": %d, \"kernel_credits\": %s, \"verdict\": ",
			st->hw_quality, json_bool(st->hw_kernel_credits));
	json_string(out, st->hw_verdict);
	(void)fprintf(out, "},\n    \"cpurng\": {\"kernel_lists\": %s, \"trust_cpu\": %s, "
			"\"verdict\": ", json_bool(st->cpu_lists),
			json_bool(st->trust_cpu));
	json_string(out, st->cpu_verdict);
	(void)fprintf(out, "},\n    \"seed\":   {\"dir\": ");
	json_string(out, st->seed_dir);
	(void)fprintf(out, ", \"present\": %s, \"creditable\": %s, \"identity\": ",
			json_bool(st->seed.present), json_bool(st->seed.creditable));
	json_string(out, st->seed.identity);
	(void)fprintf(out, ", \"identity_class\": ");
	json_string(out, st->seed.identity_class != NULL ? st->seed.identity_class : "");
	(void)fprintf(out, ", \"identity_matches\": %s, \"other_seed_tool\": ",
			st->seed.identity_matches < 0 ? "null" : json_bool(st->seed.identity_matches));
	json_string(out, st->other_seed_tool != NULL ? st->other_seed_tool : "");
	(void)fprintf(out, ", \"verdict\": ");
	json_string(out, seed_verdict(st));
	(void)fprintf(out, "},\n    \"icmp\":   {\"via\": \"%s\", \"targets\": [", st->icmp_via);
	for (i = 0; i < st->ntargets; i++) {
		if (inet_ntop(AF_INET, &st->targets[i], addr, sizeof(addr)) == NULL) {
			strcpy(addr, "?");
		}
		(void)fprintf(out, "%s\"%s\"", i > 0 ? ", " : "", addr);
	}
	(void)fprintf(out, "], \"verdict\": ");
	json_string(out, st->icmp_verdict);
	(void)fprintf(out, "},\n    \"block\":  {\"device\": ");
	json_string(out, st->block_device);
	(void)fprintf(out, ", \"verdict\": ");
	json_string(out, st->block_verdict);
	(void)fprintf(out, "}\n  },\n  \"this_boot\": {\"seeded_by\": \"%s\", \"at\": ", st->seeded_by);
	if (st->at >= 0.0) {
		(void)fprintf(out, "%.2f", st->at);
	} else {
		(void)fprintf(out, "-1");
	}
	(void)fprintf(out, ", \"credited\": {");
	for (i = 0; i < st->ncredited; i++) {
		(void)fprintf(out, "%s", i > 0 ? ", " : "");
		json_string(out, st->credited_src[i]);
		(void)fprintf(out, ": %ld", st->credited_bits[i]);
	}
	(void)fprintf(out, "}, \"record\": ");
	json_string(out, st->record);
	(void)fprintf(out, "}\n}\n");
}

void ent_status_text(const struct ent_status *st, FILE *out)
{
	char addr[INET_ADDRSTRLEN];
	int i;

	(void)fprintf(out, "CRNG:         %s; %s", st->ready == 1 ? "ready"
			: st->ready == 0 ? "NOT READY, getrandom() would block"
			: "unknown (getrandom() failed)", st->gen.name);
	if (st->bits >= 0) {
		(void)fprintf(out, "; %d bit%s credited\n", st->bits, st->bits == 1 ? "" : "s");
	} else {
		(void)fprintf(out, "; bits credited unknown\n");
	}
	(void)fprintf(out, "kernel:       Linux %s; jitter collector: %s", st->release[0] != '\0'
			? st->release : "(unknown)", yes_none_unknown(st->collector));
	if (st->collector > 0) {
		(void)fprintf(out, ", producing: %s", st->producing);
	}
	if (st->counter_hz > 0) {
		(void)fprintf(out, "; counter %.2f MHz", (double)st->counter_hz / 1e6);
	}
	(void)fprintf(out, "\n");
	if (st->why[0] != '\0') {
		(void)fprintf(out, "              (%s)\n", st->why);
	}
	if (st->hw_present) {
		(void)fprintf(out, "/dev/hwrng:   %s, kernel quality %d: %s\n", st->hw_driver,
				st->hw_quality, st->hw_verdict);
	} else {
		(void)fprintf(out, "/dev/hwrng:   absent\n");
	}
	if (strcmp(st->cpu_verdict, "mixed") == 0) {
		/* cpu_why already says "mixed only, ..." */
		(void)fprintf(out, "CPU RNG:      %s%s\n", st->cpu_lists ? "listed by the kernel; " : "",
				st->cpu_why);
	} else {
		(void)fprintf(out, "CPU RNG:      %s (%s)\n", st->cpu_verdict, st->cpu_why);
	}
	(void)fprintf(out, "seed file:    %s: %s%s", st->seed_dir,
			st->seed.present ? "present, " : "", seed_verdict(st));
	if (st->seed.identity[0] != '\0') {
		/* its class says what a match proves */
		(void)fprintf(out, "; device identity: %s (%s%s)", st->seed.identity,
				st->seed.identity_matches == 1 ? "matches; "
				: st->seed.identity_matches == 0 ? "does NOT match; " : "",
				st->seed.identity_class_text);
	}
	if (st->other_seed_tool != NULL) {
		(void)fprintf(out, "; %s restores a seed at boot: ours is mixed only",
				st->other_seed_tool);
	}
	(void)fprintf(out, "\nICMP:         ");
	for (i = 0; i < st->ntargets; i++) {
		if (inet_ntop(AF_INET, &st->targets[i], addr, sizeof(addr)) == NULL) {
			strcpy(addr, "?");
		}
		(void)fprintf(out, "%s%s", i > 0 ? ", " : "", addr);
	}
	if (st->ntargets > 0) {
		(void)fprintf(out, " (%s): ", strcmp(st->icmp_via, "route") == 0 ? "default route"
				: st->icmp_via);
	}
	(void)fprintf(out, "%s\n", st->icmp_verdict);
	(void)fprintf(out, "block reads:  %s%s%s\n", st->block_device,
			st->block_device[0] != '\0' ? ": " : "", st->block_verdict);
	(void)fprintf(out, "this boot:    ");
	if (strcmp(st->seeded_by, "dropbear") == 0 || strcmp(st->seeded_by, "seed") == 0) {
		(void)fprintf(out, "seeded while %s waited, ready at %.2f s after boot",
				st->seeded_by[0] == 'd' ? "the server" : "dropbear-entropy seed", st->at);
		for (i = 0; i < st->ncredited; i++) {
			(void)fprintf(out, "%s%s %ld bits", i > 0 ? ", " : "; credited: ",
					st->credited_src[i], st->credited_bits[i]);
		}
		if (st->stimulated[0] != '\0') {
			(void)fprintf(out, "; stimulated %s", st->stimulated);
		}
	} else if (strcmp(st->seeded_by, "kernel") == 0) {
		(void)fprintf(out, "the kernel was ready without us (no record of a wait)");
	} else {
		(void)fprintf(out, "not seeded yet");
	}
	(void)fprintf(out, "\nrecord:       %s\n", st->record);
}
