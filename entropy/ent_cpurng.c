/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: CPU random number instructions (RDSEED/RDRAND on x86,
 * RNDRRS/RNDR on ARMv8.5). Their output is always mixed in. Whether it is
 * credited is ent_credit_bits()'s call: only under -X trust-cpu (the same
 * choice the kernel leaves to random.trust_cpu: nobody outside the vendor
 * can check these generators), only where the kernel itself lists the
 * instruction in /proc/cpuinfo (it drops rdrand when its own self-test
 * fails; arm64 lists "rng" only when every CPU has it), and only when the
 * words read are not stuck: no word all zeros or all ones, no two alike.
 * A generator that passes that can still be broken or backdoored; the
 * check only catches the failures seen in the field (AMD parts whose
 * RDRAND returned all ones after resume).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent_cpurng.h"
#include "ent_credit.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"

#if ENT_WITH_CPURNG

#define CPURNG_BYTES	64
#define CPURNG_WORDS	(CPURNG_BYTES / 8)
#define CPUINFO_MAX	16384	/* the first CPU's lines are enough */

/* 1 when the output is not visibly stuck */
int ent_cpurng_sane(const unsigned char *buf, size_t len)
{
	uint64_t w[CPURNG_WORDS];
	size_t i, j, n = len / 8;

	if (n < 2 || n > CPURNG_WORDS) {
		return 0;
	}
	memcpy(w, buf, n * 8);
	for (i = 0; i < n; i++) {
		if (w[i] == 0 || w[i] == ~(uint64_t)0) {
			break;
		}
		for (j = 0; j < i && w[j] != w[i]; j++) {
		}
		if (j < i) {
			break;
		}
	}
	explicit_bzero(w, sizeof(w));
	return i == n;
}

/* 1 when /proc/cpuinfo lists the instruction family as usable: x86's
 * "flags" line names rdseed or rdrand, arm64's "Features" line names rng */
int ent_cpurng_kernel_lists(const char *cpuinfo)
{
	static const char *const words[] = { " rdseed", " rdrand", " rng" };
	const char *line, *end, *p;
	size_t i, k;

	for (line = cpuinfo; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL) {
			end = line + strlen(line);
		}
		if (strncmp(line, "flags", 5) != 0 && strncmp(line, "Features", 8) != 0) {
			continue;
		}
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			k = strlen(words[i]);
			for (p = line; p + k <= end; p++) {
				if (memcmp(p, words[i], k) == 0 && (p + k == end
						|| p[k] == ' ' || p[k] == '\t')) {
					return 1;
				}
			}
		}
		return 0;	/* the first CPU's line decides */
	}
	return 0;
}

/* len bytes of the instruction's output; -1 when there is none or it
 * kept failing */
static int cpu_read(const struct ent_ops *ops, unsigned char *buf, size_t len,
		const char **name)
{
	unsigned long v;
	size_t got, take;
	int tries, r = 0;

	for (got = 0; got < len; got += take) {
		/* Seed-grade reads may run dry for a moment: retry a little */
		for (tries = 0; tries < 100 && (r = ops->cpu_rng(&v, name)) == 0; tries++) {
		}
		if (r != 1) {
			explicit_bzero(buf, len);
			return -1;
		}
		take = len - got < sizeof(v) ? len - got : sizeof(v);
		memcpy(buf + got, &v, take);
	}
	explicit_bzero(&v, sizeof(v));
	return 0;
}

int ent_cpurng_feed(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log)
{
	unsigned char buf[CPURNG_BYTES];
	struct ent_credit_facts facts;
	const char *name = NULL, *why;
	char *cpuinfo;
	unsigned int bits;
	int r = 0;

	if (cpu_read(ops, buf, sizeof(buf), &name) < 0) {
		return 0;	/* no such instruction, or it kept failing */
	}
	memset(&facts, 0, sizeof(facts));
	facts.checks_passed = ent_cpurng_sane(buf, sizeof(buf));
	if (cfg->trust_cpu) {
		cpuinfo = malloc(CPUINFO_MAX);
		if (cpuinfo != NULL && ops->read_file("/proc/cpuinfo", cpuinfo,
					CPUINFO_MAX) >= 0) {
			facts.kernel_usable = ent_cpurng_kernel_lists(cpuinfo);
		}
		free(cpuinfo);
	}
	bits = ent_credit_bits(cfg, ENT_SOURCE_CPURNG, &facts, sizeof(buf), &why);
	if (bits > 0 && ops->rnd_add(buf, sizeof(buf), bits) == 0) {
		ent_log(log, LOG_NOTICE, "CPU RNG (%s) credited %u bits (%s)",
				name, bits, why);
		r = (int)bits;
	} else if (ops->rnd_add(buf, sizeof(buf), 0) == 0) {
		ent_log(log, LOG_INFO, "CPU RNG (%s) mixed in without credit (%s)", name,
				bits > 0 ? (errno == EPERM ? "crediting needs CAP_SYS_ADMIN"
					: "RNDADDENTROPY failed") : why);
	}
	explicit_bzero(buf, sizeof(buf));
	return r;
}

/* ---- its runner in the wait (ent_wait.c): one read as stimulation
 * begins ---- */
static void cpurng_start(struct ent_wait_state *w, int64_t now, int begin)
{
	(void)now;
	if (begin) {
		w->cpu_bits = ent_cpurng_feed(w->cfg, w->ops, &w->log);
	}
}

static void cpurng_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	(void)detail;
	if (w->cpu_bits > 0) {
		ent_text_part(t, "CPU RNG (%d bits)", w->cpu_bits);
	}
}

const struct ent_runner ent_cpurng_runner = {
	0, cpurng_start, NULL, NULL, NULL, NULL, cpurng_describe
};

#endif /* ENT_WITH_CPURNG */
