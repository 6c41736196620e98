/*
 * dropbear-entropy: SP 800-90B health tests, for every source we credit
 * from a noise stream of our own: the CPU jitter collector (ent_jitter.c)
 * and /dev/hwrng (ent_hwrng.c). A symbol is the low 8 bits of a sample.
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
 * One failure stops crediting for the rest of the wait.
 */
#include <string.h>

#include "ent_internal.h"

#if ENT_WITH_JITTER || ENT_WITH_HWRNG

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

#endif /* ENT_WITH_JITTER || ENT_WITH_HWRNG */
