/*
 * dropbear-entropy: the SP 800-90B section 6.3 non-IID min-entropy
 * estimators, applied as NIST's reference tool (ea_non_iid) applies them:
 *
 *   - on the literal symbols (mapped, order kept, onto 0..k-1 for the k
 *     distinct values seen): Most Common Value, t-Tuple, LRS, MultiMCW,
 *     Lag, MultiMMC, LZ78Y; and, when k = 2, Collision, Markov and
 *     Compression too (those three are defined for bits only);
 *   - when k > 2, all ten on the bitstring (each sample's `width` bits,
 *     most significant first).
 *
 * H_original is the smallest literal estimate, H_bitstring the smallest
 * bitstring one, and the assessed min-entropy per sample is
 * min(width, H_original, width * H_bitstring). Each estimate is the
 * spec's: an upper 99% confidence bound on a probability (of the top
 * symbol, tuple or prediction), turned into -log2. The constants (window
 * sizes, dictionary limits, tie rules) are the spec's and the reference
 * tool's, so that the unit test can hold every figure against NIST's own
 * results for NIST's sample files and find ours never higher.
 *
 * No libm (the static target links none): log2 is ent_log2(), the square
 * root ent_sqrt() (ent_health.c), exp2 and powers are below, and every
 * equation is solved by bisection as the spec does. All memory is
 * malloc'd for the call, bounded by a small multiple of the input
 * (about 1 MB for the 1024 start-up samples), and freed before return;
 * an allocation failure makes the whole estimate fail (-1), never pass.
 *
 * The t-Tuple and LRS estimates count repeated substrings from a suffix
 * array and its LCP array (prefix doubling, then Kasai), so NIST's files
 * of 10^6 samples (8 * 10^6 bits) take seconds, not hours.
 */
#include <stdlib.h>
#include <string.h>

#include "ent_estimate.h"
#include "ent_health.h"
#include "ent_internal.h"

#if ENT_WITH_JITTER || ENT_WITH_HWRNG

#define ZALPHA		2.5758293035489008	/* 99.5% normal quantile, as 6.3 */
#define LN2		0.69314718055994530942
#define LN_099		(-0.01005033585350144118)	/* ln(0.99) */
#define TUPLE_MIN	35	/* 6.3.5: a t-tuple counts once seen 35 times */
#define MMC_DEPTH	16	/* 6.3.9 D */
#define MMC_MAX		100000	/* 6.3.9: entries per depth */
#define LZ_DEPTH	16	/* 6.3.10 B */
#define LZ_MAX		65536	/* 6.3.10: dictionary size */
#define BISECT		200	/* enough halvings to reach adjacent doubles */

/* ---- arithmetic without libm ---- */

/* 2^x, from 2^floor(x) and a series for e^(f ln 2), 0 <= f < 1 */
static double exp2_d(double x)
{
	double r = 1.0, term = 1.0, f;
	long k;
	int i;

	if (x < -1080.0) {
		return 0.0;
	}
	k = (long)x;
	if ((double)k > x) {
		k--;
	}
	f = (x - (double)k) * LN2;
	for (i = 1; i < 30; i++) {
		term *= f / i;
		r += term;
	}
	for (; k > 0; k--) {
		r *= 2.0;
	}
	for (; k < 0; k++) {
		r *= 0.5;
	}
	return r;
}

/* x^(1/i) for 0 < x <= 1 */
static double root_d(double x, double i)
{
	return x > 0.0 ? exp2_d(ent_log2(x) / i) : 0.0;
}

static double ipow(double x, unsigned long r)
{
	double y = 1.0;

	for (; r > 0; r >>= 1) {
		if (r & 1) {
			y *= x;
		}
		x *= x;
	}
	return y;
}

/* -log2 of the upper 99% bound of a proportion p over n trials */
static double bound_h(double p, double n)
{
	double pu = p + ZALPHA * ent_sqrt(p * (1.0 - p) / (n - 1.0));

	return pu >= 1.0 ? 0.0 : -ent_log2(pu);
}

/* ---- 6.3.1 Most Common Value ---- */

static double est_mcv(const uint8_t *s, size_t n)
{
	size_t count[256], i, mode = 0;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		if (++count[s[i]] > mode) {
			mode = count[s[i]];
		}
	}
	return bound_h((double)mode / (double)n, (double)n);
}

/* ---- 6.3.2 Collision (bits) ---- */

static double est_collision(const uint8_t *b, size_t n)
{
	size_t i = 0, v = 0, t;
	double sq = 0.0, x, sd;

	while (i + 1 < n) {
		if (b[i] == b[i + 1]) {
			t = 2;
		} else if (i + 2 < n) {
			t = 3;
		} else {
			break;
		}
		v++;
		sq += (double)(t * t);
		i += t;
	}
	if (v < 2) {
		return -1.0;
	}
	x = (double)i / (double)v;
	sd = ent_sqrt((sq - (double)i * x) / (double)(v - 1));
	x -= ZALPHA * sd / ent_sqrt((double)v);
	if (x < 2.0) {
		x = 2.0;
	}
	/* for bits the mean collision time is 2 + 2p(1 - p): solved for p */
	return x < 2.5 ? -ent_log2(0.5 + ent_sqrt(1.25 - 0.5 * x)) : 1.0;
}

/* ---- 6.3.3 Markov (bits) ---- */

/* -log2 P of a 128-bit path: its first bit, then na transitions of
 * probability a and nb of probability b; 128 when a step is impossible */
static double path_h(double first, double a, double na, double b, double nb)
{
	if (a <= 0.0 || b <= 0.0) {
		return 128.0;
	}
	return -ent_log2(first) - na * ent_log2(a) - nb * ent_log2(b);
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

static double est_markov(const uint8_t *b, size_t n)
{
	size_t i, c0 = 0, c00 = 0, c10 = 0, c1;
	double p0, p1, p00, p01, p10, p11, h;

	for (i = 0; i + 1 < n; i++) {
		if (b[i] == 0) {
			c0++;
			c00 += b[i + 1] == 0;
		} else {
			c10 += b[i + 1] == 0;
		}
	}
	c1 = n - 1 - c0;
	p00 = c0 > 0 ? (double)c00 / (double)c0 : 0.0;
	p01 = c0 > 0 ? 1.0 - p00 : 0.0;
	p10 = c1 > 0 ? (double)c10 / (double)c1 : 0.0;
	p11 = c1 > 0 ? 1.0 - p10 : 0.0;
	c0 += b[n - 1] == 0;
	p0 = (double)c0 / (double)n;
	p1 = 1.0 - p0;
	/* the most likely 128-bit sequences are among these six */
	h = min_d(path_h(p0, p00, 127, p00, 0), path_h(p0, p01, 64, p10, 63));
	h = min_d(h, min_d(path_h(p0, p01, 1, p11, 126), path_h(p1, p10, 1, p00, 126)));
	h = min_d(h, min_d(path_h(p1, p10, 64, p01, 63), path_h(p1, p11, 127, p11, 0)));
	return min_d(h / 128.0, 1.0);
}

/* ---- 6.3.4 Compression (bits): Maurer's statistic on 6-bit blocks ---- */

#define CMP_B		6
#define CMP_D		1000

/* G(z) of 6.3.4 step 7, the sum cut where its terms underflow */
static double cmp_g(double z, long nb)
{
	double ai = 0.0, first = 0.0, ad1, bi = 1.0 - z, a;
	long i, v = nb - CMP_D;
	int cut = 0;

	for (i = 2; i <= CMP_D; i++) {
		ai += ent_log2((double)i) * bi;
		bi *= 1.0 - z;
	}
	ad1 = ai;
	for (i = CMP_D + 1; i <= nb - 1; i++) {
		a = ent_log2((double)i) * bi;
		ai += a;
		/* the reference stops where a term underflows; below 1e-300
		 * the rest adds nothing a double can hold (and a subnormal
		 * bi may never reach 0) */
		if ((double)(nb - i) * a < 1e-300) {
			cut = 1;
			break;
		}
		first += (double)(nb - i) * a;
		bi *= 1.0 - z;
	}
	first += (double)(nb - CMP_D) * ad1;
	if (!cut) {
		ai += ent_log2((double)nb) * bi;
	}
	return z * (z * first + (ai - ad1)) / (double)v;
}

static double cmp_expect(double p, long nb)
{
	return cmp_g(p, nb) + 63.0 * cmp_g((1.0 - p) / 63.0, nb);
}

static double est_compression(const uint8_t *b, size_t n)
{
	size_t last[1 << CMP_B];
	long nb = (long)(n / CMP_B), i, v;
	double x = 0.0, sq = 0.0, l, lo, hi, mid;
	unsigned int blk, j;
	int it;

	if (nb <= CMP_D) {
		return -1.0;
	}
	memset(last, 0, sizeof(last));
	for (i = 0; i < nb; i++) {
		for (blk = 0, j = 0; j < CMP_B; j++) {
			blk = blk << 1 | (b[i * CMP_B + j] & 1);
		}
		if (i >= CMP_D) {
			l = ent_log2((double)((size_t)i + 1 - last[blk]));
			x += l;
			sq += l * l;
		}
		last[blk] = (size_t)i + 1;
	}
	v = nb - CMP_D;
	x /= (double)v;
	x -= ZALPHA * 0.5907 * ent_sqrt(sq / ((double)v - 1.0) - x * x)
		/ ent_sqrt((double)v);
	lo = 1.0 / 64;
	if (cmp_expect(lo, nb) <= x) {
		return 1.0;
	}
	/* the expectation falls as p rises: bisect to the p that meets x */
	hi = 1.0;
	for (it = 0; it < BISECT; it++) {
		mid = 0.5 * (lo + hi);
		if (mid <= lo || mid >= hi) {
			break;
		}
		if (cmp_expect(mid, nb) > x) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return -ent_log2(hi) / CMP_B;
}

/* ---- 6.3.5 t-Tuple and 6.3.6 LRS, from a suffix array ---- */

/*
 * sa = suffix array of s[0..n) (symbols < k), by prefix doubling with
 * counting sorts; lcp[j] = longest common prefix of suffixes sa[j-1] and
 * sa[j]. rank and cnt are work space of n + 2 entries each.
 */
static void suffix_lcp(const uint8_t *s, uint32_t n, unsigned int k, uint32_t *sa,
		uint32_t *lcp, uint32_t *rank, uint32_t *cnt)
{
	uint32_t i, j, g, h, p, maxr, buckets = 1;

	/* first key: g symbols in base k + 1 (0 past the end), at most n + 1 buckets */
	for (g = 0; g < 20 && (uint64_t)buckets * (k + 1) <= (uint64_t)n + 1; g++) {
		buckets *= k + 1;
	}
	if (g == 0) {
		g = 1;
		buckets = k + 1;
	}
	for (i = 0; i < n; i++) {
		for (p = 0, j = 0; j < g; j++) {
			p = p * (k + 1) + (i + j < n ? s[i + j] + 1U : 0U);
		}
		lcp[i] = p;	/* key, for now */
	}
	memset(cnt, 0, (buckets + 1) * sizeof(*cnt));
	for (i = 0; i < n; i++) {
		cnt[lcp[i] + 1]++;
	}
	for (i = 0; i < buckets; i++) {
		cnt[i + 1] += cnt[i];
	}
	for (i = 0; i < n; i++) {
		sa[cnt[lcp[i]]++] = i;
	}
	/* ranks 1..maxr; 0 stands for "past the end" */
	for (maxr = 0, j = 0; j < n; j++) {
		if (j == 0 || lcp[sa[j]] != lcp[sa[j - 1]]) {
			maxr++;
		}
		rank[sa[j]] = maxr;
	}
	for (h = g; maxr < n; h *= 2) {
		/* by second key (rank h later), then stably by first */
		for (p = 0, i = n - (h < n ? h : n); i < n; i++) {
			lcp[p++] = i;
		}
		for (j = 0; j < n; j++) {
			if (sa[j] >= h) {
				lcp[p++] = sa[j] - h;
			}
		}
		memset(cnt, 0, (maxr + 2) * sizeof(*cnt));
		for (i = 0; i < n; i++) {
			cnt[rank[i]]++;
		}
		for (i = 1; i <= maxr + 1; i++) {
			cnt[i] += cnt[i - 1];
		}
		for (j = n; j-- > 0;) {
			sa[--cnt[rank[lcp[j]]]] = lcp[j];
		}
		/* new ranks into lcp (as scratch), then back */
		for (maxr = 0, j = 0; j < n; j++) {
			uint32_t a = sa[j], b = j > 0 ? sa[j - 1] : 0;

			if (j == 0 || rank[a] != rank[b]
					|| (a + h < n ? rank[a + h] : 0) != (b + h < n ? rank[b + h] : 0)) {
				maxr++;
			}
			lcp[a] = maxr;
		}
		memcpy(rank, lcp, n * sizeof(*rank));
	}
	/* Kasai: rank becomes the inverse of sa */
	for (j = 0; j < n; j++) {
		rank[sa[j]] = j;
	}
	lcp[0] = 0;
	for (h = 0, i = 0; i < n; i++) {
		if (rank[i] == 0) {
			h = 0;
			continue;
		}
		p = sa[rank[i] - 1];
		while (i + h < n && p + h < n && s[i + h] == s[p + h]) {
			h++;
		}
		lcp[rank[i]] = h;
		if (h > 0) {
			h--;
		}
	}
}

/* 0, or -1 when out of memory; *tt and *lrs < 0 where not defined */
static int est_tuple_lrs(const uint8_t *s, size_t len, unsigned int k, double *tt, double *lrs)
{
	uint32_t n = (uint32_t)len, *mem, *sa, *lcp, *stk, i, v = 0, top, lo, u;
	uint64_t *pairs, *most;	/* per length: pairs sharing it, largest group */
	double pmax, p;

	*tt = -1.0;
	*lrs = -1.0;
	mem = malloc(4 * ((size_t)n + 2) * sizeof(*mem));
	if (mem == NULL) {
		return -1;
	}
	sa = mem;
	lcp = sa + n + 2;
	stk = lcp + n + 2;
	suffix_lcp(s, n, k, sa, lcp, stk, stk + n + 2);
	for (i = 1; i < n; i++) {
		if (lcp[i] > v) {
			v = lcp[i];
		}
	}
	if (v == 0) {
		free(mem);
		return 0;
	}
	pairs = calloc(2 * ((size_t)v + 2), sizeof(*pairs));
	if (pairs == NULL) {
		free(mem);
		return -1;
	}
	most = pairs + v + 2;
	/*
	 * Each boundary i (between sa[i-1] and sa[i]) is the leftmost-lowest
	 * point of exactly one maximal run of suffixes that share lcp[i]
	 * symbols: from the nearest lower boundary on its left (strictly) to
	 * the nearest lower-or-equal one on its right. That run holds
	 * (i - lo) * (hi - i) pairs whose common prefix is exactly lcp[i]
	 * long, and (hi - lo) occurrences of every tuple of length <= lcp[i]
	 * it starts with. A stack of rising boundaries finds lo and hi.
	 */
	for (top = 0, i = 1; i <= n; i++) {
		uint32_t cur = i < n ? lcp[i] : 0, b;

		while (top > 0 && lcp[stk[top - 1]] >= cur) {
			b = stk[--top];
			lo = top > 0 ? stk[top - 1] : 0;
			pairs[lcp[b]] += (uint64_t)(b - lo) * (i - b);
			if (i - lo > most[lcp[b]]) {
				most[lcp[b]] = i - lo;
			}
		}
		if (i < n) {
			stk[top++] = i;
		}
	}
	free(mem);
	for (i = v; i > 0; i--) {
		pairs[i - 1] += pairs[i];
		if (most[i] > most[i - 1]) {
			most[i - 1] = most[i];
		}
	}
	/* t-Tuple: t = the largest length whose commonest tuple occurs 35 times */
	for (u = 1; u <= v && most[u] >= TUPLE_MIN; u++) {
	}
	pmax = -1.0;
	for (i = 1; i < u; i++) {
		p = root_d((double)most[i] / (double)(n - i + 1), i);
		if (p > pmax) {
			pmax = p;
		}
	}
	if (pmax > 0.0) {
		*tt = bound_h(pmax, (double)n);
	}
	/* LRS: lengths u..v, collision probability of W-tuples, W-th root */
	if (v >= u) {
		pmax = 0.0;
		for (i = u; i <= v; i++) {
			p = (double)(n - i) * (double)(n - i + 1) / 2.0;
			p = root_d((double)pairs[i] / p, i);
			if (p > pmax) {
				pmax = p;
			}
		}
		*lrs = bound_h(pmax, (double)n);
	}
	free(pairs);
	return 0;
}

/* ---- predictors, 6.3.7 - 6.3.10 ---- */

/* ln P(longest run of successes < r), N predictions, success prob p (6.3.7 step 11) */
static double run_prob(double p, unsigned long r, double nn)
{
	double q = 1.0 - p, x = 1.0, xl = 0.0;
	int i;

	for (i = 0; i <= 65 && x - xl > 2.220446049250313e-16 * x; i++) {
		xl = x;
		x = 1.0 + q * ipow(p * x, r) * x;
	}
	return (ent_log2((1.0 - p * x) / (((double)r + 1.0 - (double)r * x) * q))
		- (nn + 1.0) * ent_log2(x)) * LN2;
}

/* min-entropy from C correct of N predictions, longest run, k symbols */
static double predict_h(unsigned long c, unsigned long nn, unsigned long run, unsigned int k)
{
	double n = (double)nn, pg = (double)c / n, cur = 1.0 / k, lo, hi, mid;
	int it;

	if (nn < 2) {
		return -1.0;	/* too short to predict anything */
	}
	if (c > 0) {
		pg += ZALPHA * ent_sqrt(pg * (1.0 - pg) / (n - 1.0));
		if (pg > 1.0) {
			pg = 1.0;
		}
	} else {
		pg = 1.0 - exp2_d(ent_log2(0.01) / n);
	}
	if (pg > cur) {
		cur = pg;
	}
	/* local: the p at which a run this long has probability 1% */
	if (cur < 1.0 && run_prob(cur, run + 1, n) > LN_099) {
		lo = cur;
		hi = 1.0;
		for (it = 0; it < BISECT; it++) {
			mid = 0.5 * (lo + hi);
			if (mid <= lo || mid >= hi) {
				break;
			}
			if (run_prob(mid, run + 1, n) > LN_099) {
				lo = mid;
			} else {
				hi = mid;
			}
		}
		cur = hi;
	}
	return cur >= 1.0 ? 0.0 : -ent_log2(cur);
}

struct tally {
	unsigned long c, run, longest;
};

static void tally(struct tally *t, int hit)
{
	if (hit) {
		t->c++;
		if (++t->run > t->longest) {
			t->longest = t->run;
		}
	} else {
		t->run = 0;
	}
}

/* 6.3.7 MultiMCW: most common in windows of 63, 255, 1023, 4095 */
static double est_mcw(const uint8_t *s, size_t n, unsigned int k)
{
	static const size_t w[4] = { 63, 255, 1023, 4095 };
	uint32_t cnt[4][256], pos[4][256], maxc[4] = { 0, 0, 0, 0 };
	unsigned long score[4] = { 0, 0, 0, 0 };
	uint8_t freq[4] = { 0, 0, 0, 0 };
	struct tally t = { 0, 0, 0 };
	unsigned int win = 0, j, x;
	size_t i, mpos;

	if (n < w[3] + 1) {
		return -1.0;
	}
	memset(cnt, 0, sizeof(cnt));
	memset(pos, 0, sizeof(pos));
	for (i = 0; i < w[3]; i++) {
		for (j = 0; j < 4; j++) {
			if (i < w[j]) {
				if (maxc[j] <= ++cnt[j][s[i]]) {
					maxc[j] = cnt[j][s[i]];
					freq[j] = s[i];
				}
				pos[j][s[i]] = (uint32_t)i;
			}
		}
	}
	for (i = w[0]; i < n; i++) {
		tally(&t, freq[win] == s[i]);
		for (j = 0; j < 4; j++) {
			if (i >= w[j] && freq[j] == s[i] && ++score[j] >= score[win]) {
				win = j;
			}
		}
		for (j = 0; j < 4; j++) {
			if (i < w[j]) {
				continue;
			}
			x = s[i - w[j]];
			cnt[j][x]--;
			cnt[j][s[i]]++;
			pos[j][s[i]] = (uint32_t)i;
			if (x != freq[j] && maxc[j] <= cnt[j][s[i]]) {
				maxc[j] = cnt[j][s[i]];
				freq[j] = s[i];
			} else if (x == freq[j]) {
				/* the leader lost one: the commonest, ties to the latest */
				maxc[j]--;
				mpos = i - w[j];
				for (x = 0; x < k; x++) {
					if (maxc[j] < cnt[j][x] || (maxc[j] == cnt[j][x]
							&& mpos <= pos[j][x])) {
						maxc[j] = cnt[j][x];
						freq[j] = (uint8_t)x;
						mpos = pos[j][x];
					}
				}
			}
		}
	}
	return predict_h(t.c, n - w[0], t.longest, k);
}

/* 6.3.8 Lag: the best of "as d samples ago", d = 1..128 */
static double est_lag(const uint8_t *s, size_t n, unsigned int k)
{
	unsigned long score[128];
	struct tally t = { 0, 0, 0 };
	size_t i, d, win = 0;

	if (n < 3) {
		return -1.0;
	}
	memset(score, 0, sizeof(score));
	for (i = 1; i < n; i++) {
		tally(&t, s[i] == s[i - win - 1]);
		for (d = 0; d < 128 && d < i; d++) {
			if (s[i - d - 1] == s[i] && ++score[d] >= score[win]) {
				win = d;
			}
		}
	}
	return predict_h(t.c, n - 1, t.longest, k);
}

/*
 * Dictionaries of MultiMMC and LZ78Y: for a context (the 1..16 symbols
 * before position i) the counts of each symbol that followed it, and the
 * prediction (the commonest, ties to the larger symbol). On bits a
 * context is an index into flat arrays; on wider symbols it is a node of
 * an open-addressing hash table whose key is a place in the input where
 * the context (or the context and its successor) occurs.
 */
struct dict {
	const uint8_t *s;
	int bin;
	uint32_t *bits;	/* bits: [2^(len+1) - 4 + 2 * pattern + y] */
	struct node {
		uint32_t pos;	/* where the context starts */
		uint8_t len;	/* context length, 0 = empty slot */
		uint8_t pair;	/* 1: context followed by s[pos + len] */
		uint8_t pred;
		uint32_t count;	/* pair: its count; context: the best count */
	} *node;
	size_t cap, used;
	uint64_t key[MMC_DEPTH + 1];	/* pattern or hash of the context of each length */
};

#define HASH_SEED	0xcbf29ce484222325ULL	/* FNV-1a */
#define HASH_MUL	0x100000001b3ULL

static uint64_t hmix(uint64_t h, unsigned int sym)
{
	return (h ^ sym) * HASH_MUL;
}

static uint64_t pair_key(uint64_t h, unsigned int y)
{
	return hmix(h ^ 0x9e3779b97f4a7c15ULL, y + 0x100);
}

static int dict_init(struct dict *d, const uint8_t *s, int bin)
{
	memset(d, 0, sizeof(*d));
	d->s = s;
	d->bin = bin;
	if (bin) {
		d->bits = calloc(((size_t)1 << (MMC_DEPTH + 2)) - 4, sizeof(*d->bits));
		return d->bits != NULL ? 0 : -1;
	}
	d->cap = 1024;
	d->node = calloc(d->cap, sizeof(*d->node));
	return d->node != NULL ? 0 : -1;
}

static void dict_free(struct dict *d)
{
	free(d->bits);
	free(d->node);
}

/* keys of the contexts ending before position i, lengths 1..depth */
static void dict_keys(struct dict *d, size_t i, unsigned int depth)
{
	uint64_t h = 0;
	unsigned int l;

	if (d->bin) {
		/* the pattern: bit l - 1 is the symbol l places back */
		for (l = 1; l <= depth; l++) {
			h |= (uint64_t)(d->s[i - l] & 1) << (l - 1);
			d->key[l] = h;
		}
		return;
	}
	for (h = HASH_SEED, l = 1; l <= depth; l++) {
		h = hmix(h, d->s[i - l]);
		d->key[l] = h;
	}
}

static uint64_t node_key(const struct dict *d, const struct node *x)
{
	uint64_t h = HASH_SEED;
	unsigned int l;

	for (l = x->len; l > 0; l--) {
		h = hmix(h, d->s[x->pos + l - 1]);
	}
	return x->pair ? pair_key(h, d->s[x->pos + x->len]) : h;
}

/* the slot of (context at pos, len[, pair]) with key h: found or empty */
static struct node *slot(struct dict *d, uint64_t h, size_t pos, unsigned int len, int pair)
{
	size_t m = d->cap - 1, j = (size_t)(h ^ h >> 29) & m;
	struct node *x;

	for (;; j = (j + 1) & m) {
		x = &d->node[j];
		if (x->len == 0 || (x->len == len && x->pair == pair
				&& memcmp(d->s + x->pos, d->s + pos, len + pair) == 0)) {
			return x;
		}
	}
}

/* room for `more` new nodes at under half load; -1 out of memory */
static int dict_reserve(struct dict *d, size_t more)
{
	struct node *old = d->node, *x;
	size_t j, oldcap = d->cap;

	if (d->bin || 2 * (d->used + more) <= d->cap) {
		return 0;
	}
	while (2 * (d->used + more) > d->cap) {
		d->cap *= 2;
	}
	d->node = calloc(d->cap, sizeof(*d->node));
	if (d->node == NULL) {
		d->node = old;
		return -1;
	}
	for (j = 0; j < oldcap; j++) {
		if (old[j].len != 0) {
			x = slot(d, node_key(d, &old[j]), old[j].pos, old[j].len, old[j].pair);
			*x = old[j];
		}
	}
	free(old);
	return 0;
}

/* the context of length len starting at pos: a handle, or 0 when unseen */
static size_t ctx_find(struct dict *d, size_t pos, unsigned int len)
{
	size_t b;
	struct node *x;

	if (d->bin) {
		b = ((size_t)1 << (len + 1)) - 4 + 2 * (size_t)d->key[len];
		return d->bits[b] + d->bits[b + 1] > 0 ? b + 1 : 0;
	}
	x = slot(d, d->key[len], pos, len, 0);
	return x->len != 0 ? (size_t)(x - d->node) + 1 : 0;
}

/* the predicted symbol of a seen context, and its count */
static unsigned int ctx_predict(const struct dict *d, size_t c, uint32_t *count)
{
	const uint32_t *b;

	if (d->bin) {
		b = &d->bits[c - 1];
		*count = b[0] > b[1] ? b[0] : b[1];
		return b[0] > b[1] ? 0 : 1;
	}
	*count = d->node[c - 1].count;
	return d->node[c - 1].pred;
}

/*
 * Count y after the context of length len at pos (created if unseen).
 * A new (context, y) entry only when make_new. 1 if an entry was created.
 */
static int ctx_add(struct dict *d, size_t pos, unsigned int len, unsigned int y, int make_new)
{
	struct node *c, *p;
	uint32_t n;
	size_t b;

	if (d->bin) {
		b = ((size_t)1 << (len + 1)) - 4 + 2 * (size_t)d->key[len] + y;
		if (d->bits[b] == 0 && !make_new) {
			return 0;
		}
		return ++d->bits[b] == 1;
	}
	/* the pair first: the context's slot is looked up once it is filled */
	p = slot(d, pair_key(d->key[len], y), pos, len, 1);
	if (p->len == 0) {
		if (!make_new) {
			return 0;
		}
		p->pos = (uint32_t)pos;
		p->len = (uint8_t)len;
		p->pair = 1;
		d->used++;
	}
	n = ++p->count;
	c = slot(d, d->key[len], pos, len, 0);
	if (c->len == 0) {
		c->pos = (uint32_t)pos;
		c->len = (uint8_t)len;
		d->used++;
	}
	if (n > c->count || (n == c->count && y > c->pred)) {
		c->count = n;
		c->pred = (uint8_t)y;
	}
	return n == 1;
}

/* 6.3.9 MultiMMC: Markov models of order 1..16, the best so far predicts */
static double est_mmc(const uint8_t *s, size_t n, unsigned int k)
{
	struct dict d;
	struct tally t = { 0, 0, 0 };
	unsigned long score[MMC_DEPTH], entries[MMC_DEPTH];
	unsigned int l, win = 0, cur, found;
	uint32_t count;
	size_t i, c = 0;

	if (n < 3) {
		return -1.0;
	}
	if (dict_init(&d, s, k == 2) < 0) {
		return -2.0;
	}
	memset(score, 0, sizeof(score));
	memset(entries, 0, sizeof(entries));
	for (l = 1; l <= MMC_DEPTH && l < n - 1; l++) {
		dict_keys(&d, l, l);
		if (dict_reserve(&d, 2) < 0) {
			goto oom;
		}
		(void)ctx_add(&d, 0, l, s[l], 1);
		entries[l - 1] = 1;
	}
	for (i = 2; i < n; i++) {
		cur = win;
		found = 0;
		dict_keys(&d, i, i - 1 < MMC_DEPTH ? (unsigned int)(i - 1) : MMC_DEPTH);
		if (dict_reserve(&d, 2 * MMC_DEPTH) < 0) {
			goto oom;
		}
		for (l = 1; l <= MMC_DEPTH && l <= i - 1; l++) {
			if (l == 1 || found) {
				c = ctx_find(&d, i - l, l);
				found = c != 0;
			}
			if (found) {
				if (ctx_predict(&d, c, &count) == s[i]) {
					if (++score[l - 1] >= score[win]) {
						win = l - 1;
					}
					if (l - 1 == cur) {
						tally(&t, 1);
					}
				} else if (l - 1 == cur) {
					tally(&t, 0);
				}
				entries[l - 1] += (unsigned long)ctx_add(&d, i - l, l, s[i],
						entries[l - 1] < MMC_MAX);
			} else if (entries[l - 1] < MMC_MAX) {
				(void)ctx_add(&d, i - l, l, s[i], 1);
				entries[l - 1]++;
			}
		}
	}
	dict_free(&d);
	return predict_h(t.c, n - 2, t.longest, k);
oom:
	dict_free(&d);
	return -2.0;
}

/* 6.3.10 LZ78Y: the longest-counted of the contexts of length 16..1 */
static double est_lz78y(const uint8_t *s, size_t n, unsigned int k)
{
	struct dict d;
	struct tally t = { 0, 0, 0 };
	unsigned long size = 0;
	unsigned int l, pred = 0, y;
	uint32_t best, count;
	size_t i, c;
	int have;

	if (n < LZ_DEPTH + 2) {
		return -1.0;
	}
	if (dict_init(&d, s, k == 2) < 0) {
		return -2.0;
	}
	dict_keys(&d, LZ_DEPTH, LZ_DEPTH);
	if (dict_reserve(&d, 2 * LZ_DEPTH) < 0) {
		goto oom;
	}
	for (l = 1; l <= LZ_DEPTH; l++) {
		(void)ctx_add(&d, LZ_DEPTH - l, l, s[LZ_DEPTH], 1);
		size++;
	}
	for (i = LZ_DEPTH + 1; i < n; i++) {
		dict_keys(&d, i, LZ_DEPTH);
		if (dict_reserve(&d, 2 * LZ_DEPTH) < 0) {
			goto oom;
		}
		have = 0;
		best = 0;
		for (l = LZ_DEPTH; l > 0; l--) {
			c = ctx_find(&d, i - l, l);
			if (c != 0) {
				y = ctx_predict(&d, c, &count);
				if (count > best) {
					best = count;
					pred = y;
					have = 1;
				}
				(void)ctx_add(&d, i - l, l, s[i], 1);
			} else if (size < LZ_MAX) {
				(void)ctx_add(&d, i - l, l, s[i], 1);
				size++;
			}
		}
		tally(&t, have && pred == s[i]);
	}
	dict_free(&d);
	return predict_h(t.c, n - LZ_DEPTH - 1, t.longest, k);
oom:
	dict_free(&d);
	return -2.0;
}

/* ---- all of them ---- */

/* the ten estimates of one sequence over k symbols; -1 out of memory */
static int run_all(const uint8_t *s, size_t n, unsigned int k, double *e, double *hmin)
{
	int i;

	for (i = 0; i < ENT_EST_COUNT; i++) {
		e[i] = -1.0;
	}
	e[ENT_EST_MCV] = est_mcv(s, n);
	if (k == 2) {
		e[ENT_EST_COLLISION] = est_collision(s, n);
		e[ENT_EST_MARKOV] = est_markov(s, n);
		e[ENT_EST_COMPRESSION] = est_compression(s, n);
	}
	if (est_tuple_lrs(s, n, k, &e[ENT_EST_TTUPLE], &e[ENT_EST_LRS]) < 0) {
		return -1;
	}
	e[ENT_EST_MULTIMCW] = est_mcw(s, n, k);
	e[ENT_EST_LAG] = est_lag(s, n, k);
	e[ENT_EST_MULTIMMC] = est_mmc(s, n, k);
	e[ENT_EST_LZ78Y] = est_lz78y(s, n, k);
	for (i = 0; i < ENT_EST_COUNT; i++) {
		if (e[i] < -1.5) {
			return -1;
		}
		if (e[i] >= 0.0 && e[i] < *hmin) {
			*hmin = e[i];
		}
	}
	return 0;
}

double ent_estimate_min_entropy(const uint8_t *sym, size_t n, unsigned int width,
		struct ent_estimates *detail)
{
	struct ent_estimates local;
	struct ent_estimates *e = detail != NULL ? detail : &local;
	unsigned int map[256], mask, k = 0, i, j;
	uint8_t *lit, *bits;
	size_t x;
	double h = -1.0;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < ENT_EST_COUNT; i++) {
		e->literal[i] = -1.0;
		e->bitstring[i] = -1.0;
	}
	e->h_original = -1.0;
	e->h_bitstring = -1.0;
	if (width < 1 || width > 8 || n < 2 || n > (UINT32_MAX / 2) / width) {
		return -1.0;
	}
	mask = (1U << width) - 1;
	memset(map, 0, sizeof(map));
	for (x = 0; x < n; x++) {
		map[sym[x] & mask] = 1;
	}
	for (i = 0; i <= mask; i++) {
		if (map[i]) {
			map[i] = k++;
		}
	}
	e->distinct = k;
	if (k < 2) {
		/* one value only: no entropy (the reference tool refuses it) */
		e->h_original = e->assessed = 0.0;
		return 0.0;
	}
	lit = malloc(n * (k > 2 ? 1 + (size_t)width : 1));
	if (lit == NULL) {
		return -1.0;
	}
	for (x = 0; x < n; x++) {
		lit[x] = (uint8_t)map[sym[x] & mask];
	}
	e->h_original = width;
	if (run_all(lit, n, k, e->literal, &e->h_original) < 0) {
		goto out;
	}
	e->assessed = e->h_original;
	if (k > 2) {
		bits = lit + n;
		for (x = 0; x < n; x++) {
			for (j = 0; j < width; j++) {
				bits[x * width + j] = (uint8_t)((sym[x] & mask) >> (width - 1 - j) & 1);
			}
		}
		e->h_bitstring = 1.0;
		if (run_all(bits, n * width, 2, e->bitstring, &e->h_bitstring) < 0) {
			goto out;
		}
		if (e->h_bitstring * width < e->assessed) {
			e->assessed = e->h_bitstring * width;
		}
	}
	h = e->assessed;
out:
	free(lit);
	return h;
}

#endif /* ENT_WITH_JITTER || ENT_WITH_HWRNG */
