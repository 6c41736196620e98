/*
 * dropbear-entropy: our own CPU jitter collector, only under -X
 * policy=jitter.
 *
 * A sample is the time, in nanoseconds of the finest clock we have, that a
 * memory-touching loop took (ent_sys.c). The start-up and continuous
 * health tests are ent_health.c's: the start-up samples are assessed by
 * the SP 800-90B non-IID estimators (ent_estimate.c), and the repetition
 * count and adaptive proportion cutoffs follow from that assessed value.
 * One failure stops crediting for the rest of the wait, and what was
 * pooled since the last credit is mixed, never credited.
 *
 * Credit: the raw samples are hashed (SHA-256) in batches of 256; each
 * 32-byte digest is credited with half the assessed min-entropy (the
 * smallest of the estimates) for its samples, at most 256 bits.
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

/* n samples, each the nanoseconds a memory-touching loop over mem took;
 * returns n, or -1 when the clock fails */
static ssize_t jitter_sample(const struct ent_ops *ops, void *mem, uint64_t *d, size_t n)
{
	volatile unsigned char *m = mem;
	uint64_t before, after;
	size_t i, k, idx = 0;

	if (ops->clock_ns(&before) < 0) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* A data-dependent walk that the prefetcher cannot follow:
		 * cache and TLB misses make its duration vary */
		for (k = 0; k < 64; k++) {
			idx = (idx * 1103515245u + 12345u + m[idx % ENT_JIT_MEM]) % ENT_JIT_MEM;
			m[idx]++;
		}
		if (ops->clock_ns(&after) < 0) {
			return -1;
		}
		d[i] = after - before;
		before = after;
	}
	return (ssize_t)n;
}

int ent_jitter_start(struct ent_jitter *j, const struct ent_ops *ops,
		struct ent_log *log)
{
	uint64_t *d;
	const char *why = NULL;
	ssize_t n;

	memset(j, 0, sizeof(*j));
	d = malloc(ENT_JIT_STARTUP * sizeof(*d));
	j->mem = malloc(ENT_JIT_MEM);
	if (d == NULL || j->mem == NULL) {
		free(d);
		free(j->mem);
		j->mem = NULL;
		ent_log(log, LOG_WARNING, "jitter collector: out of memory");
		return -1;
	}
	memset(j->mem, 0, ENT_JIT_MEM);
	n = jitter_sample(ops, j->mem, d, ENT_JIT_STARTUP);
	if (n != ENT_JIT_STARTUP) {
		why = "no clock";
	} else if (ent_health_startup(d, (size_t)n, &j->h, &why) == 0) {
		ent_health_init(&j->health, j->h);
	}
	free(d);
	if (why != NULL) {
		ent_log(log, LOG_WARNING, "jitter collector refused: %s "
				"(estimate %.2f bits/sample)", why, j->h);
		free(j->mem);
		j->mem = NULL;
		return -1;
	}
	j->active = 1;
	sha256_init(&j->pool);
	ent_log(log, LOG_INFO, "jitter collector started: %.2f bits/sample "
			"assessed (SP 800-90B), %.2f credited; cutoffs RCT %u, APT %u/%u",
			j->h, j->h / 2, j->health.rct_cutoff, j->health.apt_cutoff, ENT_JIT_APT_W);
	return 0;
}

static void jitter_free(struct ent_jitter *j)
{
	free(j->mem);
	j->mem = NULL;
	j->active = 0;
	explicit_bzero(&j->pool, sizeof(j->pool));
}

/* One batch of samples: bits credited now, 0, or -1 once stopped */
static int jitter_batch(struct ent_jitter *j, const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log)
{
	uint64_t d[64];
	unsigned char out[ENT_SHA256_LEN];
	struct ent_credit_facts facts;
	const char *why;
	ssize_t n, i;
	int bits;

	if (!j->active) {
		return -1;
	}
	n = jitter_sample(ops, j->mem, d, 64);
	if (n <= 0) {
		j->health.why = "clock failed";
		j->health.failed = 1;
	}
	for (i = 0; i < n && !j->health.failed; i++) {
		if (ent_health_sample(&j->health, (unsigned int)(d[i] & 0xff)) == 0) {
			sha256_process(&j->pool, (const unsigned char *)&d[i], sizeof(d[i]));
			j->pooled++;
		}
	}
	if (j->health.failed) {
		/* What is pooled was partly tested: mix it, credit nothing */
		ent_sha256_done(&j->pool, out);
		(void)ops->rnd_add(out, sizeof(out), 0);
		ent_log(log, LOG_WARNING, "jitter collector stopped: %s failed after "
				"%lu bits credited", j->health.why, j->credited);
		jitter_free(j);
		return -1;
	}
	if (j->pooled < ENT_JIT_BATCH) {
		return 0;
	}
	ent_sha256_done(&j->pool, out);
	sha256_init(&j->pool);
	/* The wait starts us only where the kernel's own collector is
	 * absent or not producing: ent_credit_bits() has the rule */
	memset(&facts, 0, sizeof(facts));
	facts.checks_passed = 1;
	facts.h_per_unit = j->h;
	bits = (int)ent_credit_bits(cfg, ENT_SOURCE_JITTER, &facts, j->pooled, &why);
	j->pooled = 0;
	if (bits == 0 || ops->rnd_add(out, sizeof(out), (unsigned int)bits) < 0) {
		(void)ops->rnd_add(out, sizeof(out), 0);
		explicit_bzero(out, sizeof(out));
		ent_log(log, LOG_WARNING, "jitter collector stopped: %s", bits == 0 ? why
				: errno == EPERM ? "crediting needs CAP_SYS_ADMIN" : "RNDADDENTROPY failed");
		jitter_free(j);
		return -1;
	}
	j->credited += (unsigned long)bits;
	explicit_bzero(out, sizeof(out));
	return bits;
}

/* ---- its runner in the wait (ent_wait.c) ---- */
/* At once where the kernel has no jitter collector (by version: before
 * 5.4 and not one of the 2022 stable updates), else only once the count
 * has not risen for a grace period: ours never runs beside a collector
 * that works, which would credit the same CPU's timing noise a second
 * time */
static void jitter_start(struct ent_wait_state *w, int64_t now, int begin)
{
	if (!begin && w->cfg->policy == ENTROPY_POLICY_JITTER && !w->jit_tried
			&& (w->kernel_collector == 0 || (now - w->t0 >= ENT_JIT_GRACE_US
					&& now - w->t_gain >= ENT_JIT_GRACE_US))) {
		w->jit_tried = 1;
		(void)ent_jitter_start(&w->jit, w->ops, &w->log);
	}
}

static int64_t jitter_deadline(const struct ent_wait_state *w)
{
	/* back-to-back work, the poll only collects replies */
	return w->jit.active ? 0 : -1;
}

static int jitter_step(struct ent_wait_state *w, int64_t now, int readable)
{
	(void)now;
	return !readable && jitter_batch(&w->jit, w->cfg, w->ops, &w->log) > 0;
}

static void jitter_stop(struct ent_wait_state *w)
{
	jitter_free(&w->jit);
}

static void jitter_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	if (!detail && w->cfg->policy == ENTROPY_POLICY_JITTER && !w->jit_tried) {
		ent_text_part(t, "CPU jitter (policy=jitter, %s)", w->kernel_collector == 0
				? "at once" : "if the kernel's own stalls 1 s");
	} else if (w->jit.active || w->jit.credited > 0) {
		ent_text_part(t, "CPU jitter (%lu bits credited)", w->jit.credited);
	}
}

const struct ent_runner ent_jitter_runner = {
	1, jitter_start, NULL, jitter_deadline, jitter_step, jitter_stop, jitter_describe
};

#endif /* ENT_WITH_JITTER */
