/*
 * dropbear-entropy: SP 800-90B health tests, for every source we credit
 * from a noise stream of our own: the CPU jitter collector (ent_jitter.c)
 * and /dev/hwrng (ent_hwrng.c). A symbol is the low 8 bits of a sample.
 *
 * Start-up test (SP 800-90B 4.3): 1024 samples. We refuse a counter too
 * coarse to see jitter (more than half the raw deltas zero, or fewer than
 * 8 distinct values); otherwise the min-entropy per sample is the assessed
 * value of the ten non-IID estimators of 6.3 (ent_estimate.c: the
 * smallest of them, on the symbols and on their bits), and we refuse
 * below 1 bit per sample.
 *
 * Continuous tests (SP 800-90B 4.4), false-alarm rate alpha = 2^-20,
 * cutoffs from the assessed min-entropy H:
 *   Repetition Count Test: cutoff C = 1 + ceil(20 / H) identical symbols
 *     in a row (4.4.1: C = 1 + ceil(-log2(alpha) / H));
 *   Adaptive Proportion Test: window W = 512 symbols; cutoff = the
 *     smallest c with P[Binomial(W, 2^-H) >= c] <= alpha, computed at
 *     start-up by summing the binomial distribution (4.4.2's CRITBINOM).
 * One failure stops crediting for the rest of the wait.
 */
#include <stdlib.h>
#include <string.h>

#include "ent_health.h"
#include "ent_estimate.h"
#include "ent_internal.h"

#if ENT_WITH_JITTER || ENT_WITH_HWRNG

#define ENT_HEALTH_ALPHA_LOG2	20	/* false alarms of the continuous tests: alpha = 2^-20 */
#define STARTUP_MIN_H	1.0	/* bits per sample, else refused */

/* No libm in the static target: small enough to carry */
double ent_sqrt(double x)
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

int ent_health_startup(const uint64_t *d, size_t n, double *h, const char **why)
{
	unsigned char seen[256];
	unsigned int distinct = 0;
	uint8_t *sym;
	size_t i, zeros = 0;

	*h = 0.0;
	*why = NULL;
	if (n < 64) {
		*why = "too few samples";
		return -1;
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		zeros += d[i] == 0;
		if (!seen[d[i] & 0xff]) {
			seen[d[i] & 0xff] = 1;
			distinct++;
		}
	}
	if (zeros * 2 > n || distinct < 8) {
		*why = "counter too coarse to measure jitter";
		return -1;
	}
	sym = malloc(n);
	if (sym == NULL) {
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < n; i++) {
		sym[i] = (uint8_t)d[i];
	}
	*h = ent_estimate_min_entropy(sym, n, 8, NULL);
	free(sym);
	if (*h < 0.0) {
		*h = 0.0;
		*why = "out of memory";
		return -1;
	}
	if (*h < STARTUP_MIN_H) {
		*why = "min-entropy estimate below 1 bit per sample";
		return -1;
	}
	return 0;
}

unsigned int ent_health_rct_cutoff(double h)
{
	double x;
	unsigned int c;

	if (h < 1.0 / 1024) {
		h = 1.0 / 1024;	/* a cutoff that still fits */
	}
	x = ENT_HEALTH_ALPHA_LOG2 / h;
	c = (unsigned int)x;
	if ((double)c < x) {
		c++;
	}
	return 1 + c;
}

unsigned int ent_health_apt_cutoff(double h)
{
	double p = 1.0, q, pmf, cdf, alpha = 1.0;
	unsigned int k;

	for (k = 0; k < ENT_HEALTH_ALPHA_LOG2; k++) {
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

void ent_health_init(struct ent_health *ht, double h)
{
	memset(ht, 0, sizeof(*ht));
	ht->rct_cutoff = ent_health_rct_cutoff(h);
	ht->apt_cutoff = ent_health_apt_cutoff(h);
}

/* 0 healthy, -1 on the first failure (then stays failed) */
int ent_health_sample(struct ent_health *ht, unsigned int sym)
{
	if (ht->failed) {
		return -1;
	}
	if (ht->rct_count > 0 && sym == ht->rct_last) {
		if (++ht->rct_count >= ht->rct_cutoff) {
			ht->failed = 1;
			ht->why = "repetition count test";
			return -1;
		}
	} else {
		ht->rct_last = sym;
		ht->rct_count = 1;
	}
	if (ht->apt_n == 0) {
		ht->apt_ref = sym;
		ht->apt_count = 1;
	} else if (sym == ht->apt_ref && ++ht->apt_count >= ht->apt_cutoff) {
		ht->failed = 1;
		ht->why = "adaptive proportion test";
		return -1;
	}
	if (++ht->apt_n >= ENT_JIT_APT_W) {
		ht->apt_n = 0;
	}
	return 0;
}

#endif /* ENT_WITH_JITTER || ENT_WITH_HWRNG */
