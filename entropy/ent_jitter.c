/*
 * dropbear-entropy: our own CPU jitter collector, only under -X
 * policy=jitter.
 *
 * A sample is the time, in nanoseconds of the finest clock we have, that a
 * memory-touching loop took (ent_sys.c). Its symbol is the low 8 bits.
 *
 * Start-up test (SP 800-90B 4.3, with two of its 6.3 estimators): 1024
 * samples; min-entropy per sample H = the smaller of the Most Common Value
 * estimate (6.3.1, upper 99% bound on the top symbol's probability) and a
 * lag predictor (after 6.3.8: the best of "same symbol as lag k ago",
 * k = 1..8, again with its upper 99% bound), which catches periodic
 * streams that MCV alone scores high. We refuse when more than half the
 * raw deltas are zero or fewer than 8 distinct values occur (a counter
 * too coarse to see jitter), or when H < 1 bit.
 *
 * Continuous tests (SP 800-90B 4.4), false-alarm rate alpha = 2^-20:
 *   Repetition Count Test: cutoff C = 1 + ceil(20 / H) identical symbols
 *     in a row (4.4.1: C = 1 + ceil(-log2(alpha) / H));
 *   Adaptive Proportion Test: window W = 512 symbols; cutoff = the
 *     smallest c with P[Binomial(W, 2^-H) >= c] <= alpha, computed at
 *     start-up by summing the binomial distribution (4.4.2's CRITBINOM).
 * One failure stops crediting for the rest of the wait; what was pooled
 * since the last credit is mixed, never credited.
 *
 * Credit: the raw samples are hashed (SHA-256) in batches of 256; each
 * 32-byte digest is credited with half the estimate for its samples,
 * at most 256 bits: "at most half the health-tested min-entropy".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent_internal.h"

#define ALPHA_LOG2	ALPHA_BITS
#define CONF_Z		2.576	/* 99% upper bound, as 6.3.1 */

/* No libm in the static target: small enough to carry */
static double sqrt_d(double x)
{
	double r = x > 1.0 ? x : 1.0;
	int i;

	if (x <= 0.0) {
		return 0.0;
	}
	for (i = 0; i < 60; i++) {
		r = 0.5 * (r + x / r);
	}
	return r;
}

double ent_log2(double x)
{
	double y, y2, term, s = 0.0;
	int e = 0, k;

	if (x <= 0.0) {
		return -1e9;
	}
	while (x < 1.0) {
		x *= 2.0;
		e--;
	}
	while (x >= 2.0) {
		x *= 0.5;
		e++;
	}
	/* ln x = 2 atanh((x-1)/(x+1)), |y| <= 1/3 converges fast */
	y = (x - 1.0) / (x + 1.0);
	y2 = y * y;
	term = y;
	for (k = 1; k < 60; k += 2) {
		s += term / k;
		term *= y2;
	}
	return (double)e + 2.0 * s / 0.69314718055994530942;
}

/* -log2 of the 99% upper bound of a proportion of hits in n trials */
static double bound_entropy(unsigned long hits, unsigned long n)
{
	double p = (double)hits / (double)n;
	double pu = p + CONF_Z * sqrt_d(p * (1.0 - p) / (double)(n - 1));

	if (pu > 1.0) {
		pu = 1.0;
	}
	if (pu < 1.0 / 256) {
		pu = 1.0 / 256;
	}
	return -ent_log2(pu);
}

int ent_jitter_assess(const uint64_t *d, size_t n, double *h, const char **why)
{
	unsigned long count[256], lag[9], zeros = 0, best = 0;
	unsigned int distinct = 0;
	double hm, hl;
	size_t i, k;

	*h = 0.0;
	if (n < 64) {
		*why = "too few samples";
		return -1;
	}
	memset(count, 0, sizeof(count));
	memset(lag, 0, sizeof(lag));
	for (i = 0; i < n; i++) {
		if (d[i] == 0) {
			zeros++;
		}
		if (count[d[i] & 0xff]++ == 0) {
			distinct++;
		}
		for (k = 1; k <= 8 && k <= i; k++) {
			if ((d[i] & 0xff) == (d[i - k] & 0xff)) {
				lag[k]++;
			}
		}
	}
	if (zeros * 2 > n || distinct < 8) {
		*why = "counter too coarse to measure jitter";
		return -1;
	}
	for (i = 0; i < 256; i++) {
		if (count[i] > best) {
			best = count[i];
		}
	}
	hm = bound_entropy(best, n);
	best = 0;
	for (k = 1; k <= 8; k++) {
		if (lag[k] > best) {
			best = lag[k];
		}
	}
	hl = bound_entropy(best, n - 8);
	*h = hm < hl ? hm : hl;
	if (*h < 1.0) {
		*why = "min-entropy estimate below 1 bit per sample";
		return -1;
	}
	*why = NULL;
	return 0;
}

unsigned int ent_jitter_apt_cutoff(double h)
{
	double p = 1.0, q, pmf, cdf, alpha = 1.0;
	unsigned int k;

	for (k = 0; k < ALPHA_LOG2; k++) {
		alpha *= 0.5;
	}
	/* p = 2^-h without libm: bisection on -log2(p) = h */
	{
		double lo = 0.0, hi = 1.0, mid;

		for (k = 0; k < 80; k++) {
			mid = 0.5 * (lo + hi);
			if (-ent_log2(mid) > h) {
				lo = mid;
			} else {
				hi = mid;
			}
		}
		p = hi;
	}
	q = 1.0 - p;
	pmf = 1.0;
	for (k = 0; k < ENT_JIT_APT_W; k++) {
		pmf *= q;	/* P[X = 0] */
	}
	cdf = pmf;
	for (k = 0; k < ENT_JIT_APT_W; k++) {
		if (1.0 - cdf <= alpha) {
			/* P[X > k] <= alpha: a count of k + 1 is the alarm */
			return k + 1;
		}
		pmf *= (double)(ENT_JIT_APT_W - k) / (double)(k + 1) * p / q;
		cdf += pmf;
	}
	return ENT_JIT_APT_W;
}

/* 0 healthy, -1 on the first failure (then stays failed) */
int ent_jitter_health(struct ent_jitter *j, unsigned int sym)
{
	if (j->failed) {
		return -1;
	}
	if (j->rct_count > 0 && sym == j->rct_last) {
		if (++j->rct_count >= j->rct_cutoff) {
			j->failed = 1;
			j->why = "repetition count test";
			return -1;
		}
	} else {
		j->rct_last = sym;
		j->rct_count = 1;
	}
	if (j->apt_n == 0) {
		j->apt_ref = sym;
		j->apt_count = 1;
	} else if (sym == j->apt_ref && ++j->apt_count >= j->apt_cutoff) {
		j->failed = 1;
		j->why = "adaptive proportion test";
		return -1;
	}
	if (++j->apt_n >= ENT_JIT_APT_W) {
		j->apt_n = 0;
	}
	return 0;
}

int ent_jitter_start(struct ent_jitter *j, const struct ent_ops *ops,
		struct ent_progress *log)
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
		ent_log(log, LOG_WARNING, "entropy: jitter collector: out of memory");
		return -1;
	}
	memset(j->mem, 0, ENT_JIT_MEM);
	n = ops->jitter_sample(ops->ctx, j->mem, ENT_JIT_MEM, d, ENT_JIT_STARTUP);
	if (n != ENT_JIT_STARTUP) {
		why = "no clock";
	} else if (ent_jitter_assess(d, (size_t)n, &j->h, &why) == 0) {
		j->rct_cutoff = 1 + (unsigned int)((ALPHA_LOG2 + j->h - 1e-9) / j->h);
		j->apt_cutoff = ent_jitter_apt_cutoff(j->h);
	}
	free(d);
	if (why != NULL) {
		ent_log(log, LOG_WARNING, "entropy: jitter collector refused: %s "
				"(estimate %.2f bits/sample)", why, j->h);
		free(j->mem);
		j->mem = NULL;
		return -1;
	}
	j->active = 1;
	ent_sha256_init(&j->pool);
	ent_log(log, LOG_INFO, "entropy: jitter collector started: %.2f bits/sample "
			"estimated, %.2f credited; cutoffs RCT %u, APT %u/%u",
			j->h, j->h / 2, j->rct_cutoff, j->apt_cutoff, ENT_JIT_APT_W);
	return 0;
}

void ent_jitter_stop(struct ent_jitter *j)
{
	free(j->mem);
	j->mem = NULL;
	j->active = 0;
	memset(&j->pool, 0, sizeof(j->pool));
}

int ent_jitter_step(struct ent_jitter *j, const struct ent_ops *ops,
		struct ent_progress *log)
{
	uint64_t d[64];
	unsigned char out[ENT_SHA256_LEN];
	ssize_t n, i;
	int bits;

	if (!j->active) {
		return -1;
	}
	n = ops->jitter_sample(ops->ctx, j->mem, ENT_JIT_MEM, d, 64);
	if (n <= 0) {
		j->why = "clock failed";
		j->failed = 1;
	}
	for (i = 0; i < n && !j->failed; i++) {
		if (ent_jitter_health(j, (unsigned int)(d[i] & 0xff)) == 0) {
			ent_sha256_update(&j->pool, &d[i], sizeof(d[i]));
			j->pooled++;
		}
	}
	if (j->failed) {
		/* What is pooled was partly tested: mix it, credit nothing */
		ent_sha256_final(&j->pool, out);
		(void)ops->rnd_mix(ops->ctx, out, sizeof(out));
		ent_log(log, LOG_WARNING, "entropy: jitter collector stopped: %s failed after "
				"%lu bits credited", j->why, j->credited);
		ent_jitter_stop(j);
		return -1;
	}
	if (j->pooled < ENT_JIT_BATCH) {
		return 0;
	}
	ent_sha256_final(&j->pool, out);
	ent_sha256_init(&j->pool);
	bits = (int)((double)j->pooled * j->h / 2);
	if (bits > ENT_SHA256_LEN * 8) {
		bits = ENT_SHA256_LEN * 8;
	}
	j->pooled = 0;
	if (ops->rnd_credit(ops->ctx, out, sizeof(out), bits) < 0) {
		(void)ops->rnd_mix(ops->ctx, out, sizeof(out));
		ent_log(log, LOG_WARNING, "entropy: jitter collector stopped: %s",
				errno == EPERM ? "crediting needs CAP_SYS_ADMIN" : "RNDADDENTROPY failed");
		ent_jitter_stop(j);
		return -1;
	}
	j->credited += (unsigned long)bits;
	memset(out, 0, sizeof(out));
	return bits;
}
