/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: our own CPU jitter collector, only under -X
 * policy=jitter, crediting by the kernel's own rule.
 *
 * The rule is that of the kernel's try_to_generate_entropy()
 * (drivers/char/random.c, Linux 5.18 and later): a trial of 8192 counter
 * reads counts the reads that differ from the one before; samples_per_bit
 * = DIV_ROUND_UP(8192, changes + 1), and a counter with samples_per_bit
 * above HZ/15 is refused as too coarse. Then a timer fires once a tick,
 * each firing is a sample, and one bit is credited per samples_per_bit
 * samples: never more than HZ bits a second, and 256 bits take at least
 * 256 * samples_per_bit ticks.
 *
 * Ours, in userspace: the trial reads the clock the samples come from
 * (ops->clock_ns). A sample is taken at most once a tick (ENT_JIT_TICK_US,
 * HZ = ENT_JIT_HZ = 250 assumed: CONFIG_HZ is not visible from userspace
 * without the kernel's configuration): the wait's poll() sleeps until the
 * tick is due, a short memory-touching walk follows, and the clock is
 * read; the difference to the last reading is the sample, hashed into a
 * SHA-256 pool. ent_credit_bits() decides each credit from the samples
 * counted, the ticks elapsed and samples_per_bit; no statistic does.
 * The health tests (ent_health.c) run on the low byte of each difference
 * with cut-offs for the claimed 1/samples_per_bit bits a sample, and a
 * stuck test: a zero first or second difference is mixed, not counted.
 * One failure stops crediting for the rest of the wait, and what was
 * pooled since the last credit is mixed, never credited.
 *
 * Where the kernel has a collector of its own, ours credits only while
 * that one is seen idle (ent_collector.c judges it, re-checked every
 * second); otherwise its samples are mixed and its accounting starts
 * afresh, so a pause never earns credit later.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent_jitter.h"
#include "ent_credit.h"
#include "ent_health.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"

#if ENT_WITH_JITTER

unsigned int ent_jitter_trial(const struct ent_ops *ops, int *changes)
{
	uint64_t last, now;
	unsigned int i, changed = 0, spb;

	*changes = -1;
	if (ops->clock_ns(&last) < 0) {
		return 0;
	}
	for (i = 0; i < ENT_JIT_TRIAL - 1; i++) {
		if (ops->clock_ns(&now) < 0) {
			return 0;
		}
		changed += now != last;
		last = now;
	}
	*changes = (int)changed;
	spb = (ENT_JIT_TRIAL + changed) / (changed + 1);	/* DIV_ROUND_UP */
	return spb > ENT_JIT_MAX_SPB ? 0 : spb;
}

int ent_jitter_start(struct ent_jitter *j, const struct ent_ops *ops,
		struct ent_log *log, int64_t now)
{
	int changes;

	memset(j, 0, sizeof(*j));
	j->samples_per_bit = ent_jitter_trial(ops, &changes);
	if (j->samples_per_bit == 0) {
		if (changes < 0) {
			ent_log(log, LOG_WARNING, "jitter collector refused: no clock");
		} else {
			ent_log(log, LOG_WARNING, "jitter collector refused: counter too coarse "
					"(%d of %d reads changed: more than %d samples a bit, "
					"the kernel's limit HZ/15)", changes, ENT_JIT_TRIAL - 1,
					ENT_JIT_MAX_SPB);
		}
		return -1;
	}
	j->mem = malloc(ENT_JIT_MEM);
	if (j->mem == NULL) {
		ent_log(log, LOG_WARNING, "jitter collector: out of memory");
		return -1;
	}
	memset(j->mem, 0, ENT_JIT_MEM);
	/* H = 1 / samples_per_bit bits a sample, the rule's own claim */
	ent_health_init(&j->health, 1, j->samples_per_bit);
	sha256_init(&j->pool);
	j->active = 1;
	j->next = now;
	ent_log(log, LOG_INFO, "jitter collector started: %d of %d reads changed, "
			"%u samples a bit (the kernel's rule), at most one sample a tick "
			"(HZ %d): at most %u bits/s; cut-offs RCT %u, APT %u/%u",
			changes, ENT_JIT_TRIAL - 1, j->samples_per_bit, ENT_JIT_HZ,
			ENT_JIT_HZ / j->samples_per_bit, j->health.rct_cutoff,
			j->health.apt_cutoff, ENT_HEALTH_APT_W);
	return 0;
}

static void jitter_free(struct ent_jitter *j)
{
	free(j->mem);
	j->mem = NULL;
	j->active = 0;
	explicit_bzero(&j->pool, sizeof(j->pool));
	j->last = j->last_d = 0;
}

/* The pool to the kernel, uncredited; a new one begins */
static void mix_pool(struct ent_jitter *j, const struct ent_ops *ops)
{
	unsigned char out[ENT_SHA256_LEN];

	ent_sha256_done(&j->pool, out);
	(void)ops->rnd_add(out, sizeof(out), 0);
	explicit_bzero(out, sizeof(out));
	sha256_init(&j->pool);
	j->pooled = 0;
}

/* One sample, when its tick is due: 0, or -1 once stopped (logged) */
static int jitter_sample(struct ent_jitter *j, const struct ent_ops *ops,
		struct ent_log *log, int64_t now)
{
	volatile unsigned char *m = j->mem;
	uint64_t t, d;
	size_t k, idx = (size_t)j->last;
	int stuck;

	j->next = now + ENT_JIT_TICK_US;
	/* A data-dependent walk the prefetcher cannot follow: cache and TLB
	 * misses add to the wake-up's own timing noise */
	for (k = 0; k < 64; k++) {
		idx = (idx * 1103515245u + 12345u + m[idx % ENT_JIT_MEM]) % ENT_JIT_MEM;
		m[idx]++;
	}
	if (ops->clock_ns(&t) < 0) {
		j->health.failed = 1;
		j->health.why = "clock";
	} else {
		d = t - j->last;
		sha256_process(&j->pool, (const unsigned char *)&t, sizeof(t));
		if (j->nread == 0) {
			j->nread = 1;	/* the first reading has no difference yet */
		} else {
			stuck = d == 0 || (j->nread > 1 && d == j->last_d);
			j->nread = 2;
			if (ent_health_stuck(&j->health, stuck) == 0
					&& ent_health_sample(&j->health, (unsigned int)(d & 0xff)) == 0
					&& !stuck) {
				j->counted++;
				j->pooled++;
			}
			j->last_d = d;
		}
		j->last = t;
	}
	if (j->health.failed) {
		/* What is pooled was partly tested: mix it, credit nothing */
		mix_pool(j, ops);
		ent_log(log, LOG_WARNING, "jitter collector stopped: %s failed after "
				"%lu bits credited", j->health.why, j->credited);
		jitter_free(j);
		return -1;
	}
	return 0;
}

/* A full batch to the kernel: bits credited now, 0, or -1 once stopped */
static int jitter_credit(struct ent_jitter *j, struct ent_wait_state *w, int64_t now)
{
	unsigned char out[ENT_SHA256_LEN];
	struct ent_credit_facts facts;
	const char *why;
	int bits;

	memset(&facts, 0, sizeof(facts));
	facts.checks_passed = 1;
	facts.kernel_collector = w->kernel_collector == 0 ? 0 : w->col.producing;
	facts.samples_per_bit = j->samples_per_bit;
	facts.ticks = (unsigned long)((now - j->t_start) / ENT_JIT_TICK_US);
	facts.credited = j->epoch_credited;
	bits = (int)ent_credit_bits(w->cfg, ENT_SOURCE_JITTER, &facts, j->counted, &why);
	if (bits == 0 && facts.kernel_collector != 0 && w->cfg->policy == ENTROPY_POLICY_JITTER) {
		/* Paused, not stopped: mixed, and the accounting starts anew
		 * so that what was mixed is never credited later */
		mix_pool(j, w->ops);
		j->counted = 0;
		j->epoch_credited = 0;
		j->t_start = now;
		if (!j->paused) {
			j->paused = 1;
			ent_log(&w->log, LOG_INFO, "jitter collector: "
					"mixing without credit while %s", why);
		}
		return 0;
	}
	if (bits == 0) {
		/* A rate bound with nothing due yet: keep pooling */
		if (facts.kernel_collector == 0 && j->pooled < 4 * ENT_JIT_BITS_PER_CREDIT
				* j->samples_per_bit) {
			return 0;
		}
		mix_pool(j, w->ops);
		ent_log(&w->log, LOG_WARNING, "jitter collector stopped: %s",
				why);
		jitter_free(j);
		return -1;
	}
	ent_sha256_done(&j->pool, out);
	sha256_init(&j->pool);
	j->pooled = 0;
	if (w->ops->rnd_add(out, sizeof(out), (unsigned int)bits) < 0) {
		(void)w->ops->rnd_add(out, sizeof(out), 0);
		explicit_bzero(out, sizeof(out));
		ent_log(&w->log, LOG_WARNING, "jitter collector stopped: %s",
				errno == EPERM ? "crediting needs CAP_SYS_ADMIN" : "RNDADDENTROPY failed");
		jitter_free(j);
		return -1;
	}
	explicit_bzero(out, sizeof(out));
	if (j->paused) {
		j->paused = 0;
		ent_log(&w->log, LOG_INFO, "jitter collector: crediting "
				"again (%s)", why);
	}
	j->credited += (unsigned long)bits;
	j->epoch_credited += (unsigned long)bits;
	return bits;
}

/* ---- its runner in the wait (ent_wait.c) ---- */
/* At once: where the kernel has a collector of its own, ent_credit_bits()
 * keeps ours from crediting while that one may produce */
static void jitter_start(struct ent_wait_state *w, int64_t now, int begin)
{
	(void)begin;
	if (w->cfg->policy == ENTROPY_POLICY_JITTER && !w->jit_tried) {
		w->jit_tried = 1;
		if (ent_jitter_start(&w->jit, w->ops, &w->log, now) == 0) {
			w->jit.t_start = w->ops->now_us();
			w->jit.next = w->jit.t_start;
		}
	}
}

static int64_t jitter_deadline(const struct ent_wait_state *w)
{
	return w->jit.active ? w->jit.next : -1;
}

static int jitter_step(struct ent_wait_state *w, int64_t now, int readable)
{
	struct ent_jitter *j = &w->jit;

	if (readable || !j->active || now < j->next) {
		return 0;
	}
	if (jitter_sample(j, w->ops, &w->log, now) < 0) {
		return 0;
	}
	if (j->pooled < ENT_JIT_BITS_PER_CREDIT * j->samples_per_bit) {
		return 0;
	}
	return jitter_credit(j, w, now) > 0;
}

static void jitter_stop(struct ent_wait_state *w)
{
	if (w->jit.active && w->jit.pooled > 0) {
		mix_pool(&w->jit, w->ops);
	}
	jitter_free(&w->jit);
}

static void jitter_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	if (!detail && w->jit.active) {
		ent_text_part(t, "CPU jitter (policy=jitter: 1 bit per %u ticks%s)",
				w->jit.samples_per_bit, w->kernel_collector == 0 ? ""
				: ", while the kernel's own collector is seen idle");
	} else if (w->jit.active || w->jit.credited > 0) {
		ent_text_part(t, "CPU jitter (%lu bits credited)", w->jit.credited);
	}
}

const struct ent_runner ent_jitter_runner = {
	1, jitter_start, NULL, jitter_deadline, jitter_step, jitter_stop, jitter_describe
};

#endif /* ENT_WITH_JITTER */
