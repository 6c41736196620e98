/*
 * Unit tests of the SP 800-90B non-IID estimators (ent_estimate.c) and
 * of the health tests built on them (ent_health.c):
 *   - NIST's own sample files (../shared/sp800-90b/bin, next to the
 *     clone; ENT_SP80090B_DIR overrides) against the reference tool's
 *     figures in refdata/NAME.res: ours is printed beside NIST's for every
 *     estimator, literal and bitstring, and H_original, H_bitstring and
 *     the assessed value; ours above NIST's is a failure;
 *   - deterministic streams (periods 9 and 64, a ramp, a constant, a
 *     repeated 32-byte buffer, a short cycle) that the old ad-hoc
 *     estimate credited: refused or assessed below 0.5 bit per sample;
 *     a good source (SHA-256 of a counter, and /dev/urandom read here)
 *     passes;
 *   - the repetition count and adaptive proportion cutoffs for a given H
 *     against values computed by hand.
 * Called from test_entropy.c.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ent_estimate.h"
#include "ent_health.h"
#include "ent_internal.h"
#include "ent_jitter.h"
#include "sim.h"

#ifndef ENT_SP80090B_DIR
#define ENT_SP80090B_DIR "../shared/sp800-90b"
#endif
#define TOLERANCE	1e-6	/* float noise; ours must not exceed NIST's by more */

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

/* as the reference tool names them in its -vv output */
static const char *const est_names[ENT_EST_COUNT] = {
	"Most Common Value", "Collision", "Markov", "Compression", "t-Tuple",
	"LRS", "MultiMCW Prediction", "Lag Prediction", "MultiMMC Prediction",
	"LZ78Y Prediction",
};

struct reference {
	double literal[ENT_EST_COUNT], bitstring[ENT_EST_COUNT];
	double h_original, h_bitstring, assessed;
	unsigned int width;
};

static double field(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p != NULL ? strtod(p + strlen(key), NULL) : -1.0;
}

/* 0, or -1 when the .res cannot be read or lacks its header line */
static int read_reference(const char *path, struct reference *r)
{
	char line[512], want[128];
	FILE *f;
	int i, k;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < ENT_EST_COUNT; i++) {
		r->literal[i] = r->bitstring[i] = -1.0;
	}
	r->h_original = r->h_bitstring = r->assessed = -1.0;
	f = fopen(path, "r");
	if (f == NULL) {
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p = strstr(line, "distinct ");

		if (strncmp(line, "Loaded ", 7) == 0 && p != NULL) {
			r->width = (unsigned int)strtoul(p + 9, NULL, 10);
		}
		for (i = 0; i < ENT_EST_COUNT; i++) {
			for (k = 0; k < 2; k++) {
				snprintf(want, sizeof(want), "%s %s Estimate: min entropy = ",
						k ? "Bitstring" : "Literal", est_names[i]);
				if (strncmp(line, want, strlen(want)) == 0) {
					*(k ? &r->bitstring[i] : &r->literal[i]) = field(line, want);
				}
			}
		}
		if (strncmp(line, "H_original", 10) == 0) {
			r->h_original = strtod(line + 10 + strspn(line + 10, " :="), NULL);
		}
		if (strncmp(line, "H_bitstring = ", 14) == 0) {
			r->h_bitstring = field(line, "H_bitstring = ");
		}
		if (strncmp(line, "Assessed min entropy: ", 22) == 0) {
			r->assessed = field(line, "Assessed min entropy: ");
		}
	}
	fclose(f);
	return r->width >= 1 && r->width <= 8 ? 0 : -1;
}

static uint8_t *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, got;

	*n = 0;
	if (f == NULL) {
		return NULL;
	}
	for (;;) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + *n, 1, cap - *n, f);
		if (got == 0) {
			break;
		}
		*n += got;
	}
	fclose(f);
	return buf;
}

/* one row: ours beside NIST's; a failure where ours is higher */
static void compare(const char *file, const char *what, double ours, double nist)
{
	if (nist < 0.0 && ours < 0.0) {
		return;
	}
	printf("  %-28s ours %.9f  NIST %.9f%s\n", what, ours, nist,
			nist >= 0.0 && ours > nist + TOLERANCE ? "  HIGHER" : "");
	CHECK(nist < 0.0 || ours <= nist + TOLERANCE,
			"%s %s: ours %.9f must not exceed NIST's %.9f", file, what, ours, nist);
	CHECK(nist >= 0.0 || ours < 0.0, "%s %s: NIST ran no such estimate", file, what);
}

static void test_nist_file(const char *dir, const char *name)
{
	char path[1024], what[64];
	struct reference ref;
	struct ent_estimates e;
	uint8_t *data;
	size_t n, len = strlen(name);
	double h;
	clock_t t0;
	int i;

	snprintf(path, sizeof(path), "%s/refdata/%.*s.res", dir, (int)(len - 4), name);
	if (read_reference(path, &ref) < 0) {
		CHECK(0, "%s: no usable reference (%s)", name, path);
		return;
	}
	snprintf(path, sizeof(path), "%s/bin/%s", dir, name);
	data = read_all(path, &n);
	if (data == NULL || n == 0) {
		free(data);
		CHECK(0, "%s: cannot read", path);
		return;
	}
	t0 = clock();
	h = ent_estimate_min_entropy(data, n, ref.width, &e);
	printf("estimate: %s: %zu samples, %u bits wide, %u distinct (%.1f s)\n", name, n,
			ref.width, e.distinct, (double)(clock() - t0) / CLOCKS_PER_SEC);
	free(data);
	CHECK(h >= 0.0, "%s: estimate ran", name);
	for (i = 0; i < ENT_EST_COUNT; i++) {
		snprintf(what, sizeof(what), "Literal %s", est_names[i]);
		compare(name, what, e.literal[i], ref.literal[i]);
	}
	for (i = 0; i < ENT_EST_COUNT; i++) {
		snprintf(what, sizeof(what), "Bitstring %s", est_names[i]);
		compare(name, what, e.bitstring[i], ref.bitstring[i]);
	}
	compare(name, "H_original", e.h_original, ref.h_original);
	compare(name, "H_bitstring", e.h_bitstring, ref.h_bitstring);
	compare(name, "Assessed", h, ref.assessed);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_nist(void)
{
	const char *dir = getenv("ENT_SP80090B_DIR");
	char path[1024], *names[64];
	struct dirent *de;
	DIR *d;
	int i, count = 0;

	if (dir == NULL || *dir == '\0') {
		dir = ENT_SP80090B_DIR;
	}
	snprintf(path, sizeof(path), "%s/bin", dir);
	d = opendir(path);
	if (d == NULL) {
		CHECK(0, "estimate: NIST's reference data not found in %s", path);
		return;
	}
	while ((de = readdir(d)) != NULL && count < 64) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".bin") == 0) {
			names[count] = strdup(de->d_name);
			if (names[count] != NULL) {
				count++;
			}
		}
	}
	closedir(d);
	qsort(names, (size_t)count, sizeof(names[0]), by_name);
	CHECK(count > 0, "estimate: no sample files in %s", path);
	for (i = 0; i < count; i++) {
		test_nist_file(dir, names[i]);
		free(names[i]);
	}
}

/* ---- the start-up test on streams the old estimate credited ---- */

#define NSYN	ENT_JIT_STARTUP

/* assessed H, printed; refused streams report 0 */
static int startup(const char *what, const uint64_t *d, double *h)
{
	struct ent_estimates e;
	const char *why = NULL;
	uint8_t sym[NSYN];
	double raw;
	int i, r;

	for (i = 0; i < NSYN; i++) {
		sym[i] = (uint8_t)d[i];
	}
	raw = ent_estimate_min_entropy(sym, NSYN, 8, &e);
	r = ent_health_startup(d, NSYN, h, &why);
	printf("estimate: %-24s assessed %.3f bits/sample: %s\n  literal", what, raw,
			r == 0 ? "accepted" : why);
	for (i = 0; i < ENT_EST_COUNT; i++) {
		printf(" %.2f", e.literal[i]);
	}
	printf("\n  bits   ");
	for (i = 0; i < ENT_EST_COUNT; i++) {
		printf(" %.3f", e.bitstring[i]);
	}
	printf("\n");
	return r;
}

static void sha256_stream(uint64_t *d, unsigned int seed)
{
	hash_state c;
	unsigned char out[ENT_SHA256_LEN];
	uint32_t ctr[2];
	int i;

	for (i = 0; i < NSYN; i++) {
		if (i % ENT_SHA256_LEN == 0) {
			ctr[0] = seed;
			ctr[1] = (uint32_t)i;
			sha256_init(&c);
			sha256_process(&c, (const unsigned char *)ctr, sizeof(ctr));
			ent_sha256_done(&c, out);
		}
		/* a counter-like high part, so "mostly zero deltas" is not hit */
		d[i] = 0x1000 + out[i % ENT_SHA256_LEN];
	}
}

static void test_deterministic(void)
{
	static const char *const names[] = {
		"period 9", "period 64", "ramp", "constant", "32-byte buffer repeated",
		"cycle of 40 bytes", "period 9 + timer noise",
	};
	uint64_t d[NSYN], buf[32];
	unsigned int kind, i;
	double h;
	int r;

	for (i = 0; i < 32; i++) {
		buf[i] = (uint64_t)(i * 73 + 19) % 251 + 300;
	}
	for (kind = 0; kind < sizeof(names) / sizeof(names[0]); kind++) {
		for (i = 0; i < NSYN; i++) {
			switch (kind) {
			case 0: d[i] = 1000 + (i % 9) * 37; break;
			case 1: d[i] = 5000 + ((i % 64) * 151) % 256; break;
			case 2: d[i] = 7000 + i; break;
			case 3: d[i] = 4242; break;
			case 4: d[i] = buf[i % 32]; break;
			case 5: d[i] = 900 + ((i % 40) * 29) % 97; break;
			default: d[i] = 1000 + (i % 9) * 37 + (i % 97 == 0); break;
			}
		}
		r = startup(names[kind], d, &h);
		CHECK(r < 0 || h < 0.5, "start-up: %s refused or below 0.5 bit (%.3f)",
				names[kind], h);
	}
}

static void test_good(void)
{
	uint64_t d[NSYN];
	uint8_t raw[NSYN];
	FILE *f;
	double h;
	int i;

	sha256_stream(d, 1);
	/* 1024 samples cap even full entropy near 4.5 bits (the bitstring
	 * Compression bound; 3.5 to 5.7 over 200 draws of /dev/urandom) */
	CHECK(startup("SHA-256 of a counter", d, &h) == 0 && h > 4.0,
			"start-up: SHA-256 counter stream accepted (%.3f)", h);
	f = fopen("/dev/urandom", "rb");
	if (f == NULL || fread(raw, 1, sizeof(raw), f) != sizeof(raw)) {
		CHECK(0, "start-up: /dev/urandom unreadable");
	} else {
		for (i = 0; i < NSYN; i++) {
			d[i] = 0x2000 + raw[i];
		}
		CHECK(startup("/dev/urandom bytes", d, &h) == 0 && h >= 1.0,
				"start-up: /dev/urandom bytes accepted (%.3f)", h);
	}
	if (f != NULL) {
		fclose(f);
	}
}

static void test_cutoffs(void)
{
	struct ent_health ht;
	unsigned int i, n;

	/* RCT 4.4.1: 1 + ceil(20 / H) */
	CHECK(ent_health_rct_cutoff(1.0) == 21 && ent_health_rct_cutoff(2.0) == 11
			&& ent_health_rct_cutoff(3.0) == 8 && ent_health_rct_cutoff(4.0) == 6
			&& ent_health_rct_cutoff(7.5) == 4 && ent_health_rct_cutoff(0.5) == 41,
			"RCT cutoffs 21 11 8 6 4 41: %u %u %u %u %u %u", ent_health_rct_cutoff(1.0),
			ent_health_rct_cutoff(2.0), ent_health_rct_cutoff(3.0),
			ent_health_rct_cutoff(4.0), ent_health_rct_cutoff(7.5),
			ent_health_rct_cutoff(0.5));
	/* APT 4.4.2, W = 512, alpha = 2^-20: the spec's table */
	CHECK(ent_health_apt_cutoff(0.5) == 410 && ent_health_apt_cutoff(1.0) == 311
			&& ent_health_apt_cutoff(2.0) == 177 && ent_health_apt_cutoff(4.0) == 62
			&& ent_health_apt_cutoff(8.0) == 13,
			"APT cutoffs 410 311 177 62 13: %u %u %u %u %u", ent_health_apt_cutoff(0.5),
			ent_health_apt_cutoff(1.0), ent_health_apt_cutoff(2.0),
			ent_health_apt_cutoff(4.0), ent_health_apt_cutoff(8.0));
	ent_health_init(&ht, 3.0);
	CHECK(ht.rct_cutoff == 8 && ht.apt_cutoff == ent_health_apt_cutoff(3.0)
			&& !ht.failed, "health init for H = 3: RCT %u APT %u", ht.rct_cutoff,
			ht.apt_cutoff);
	for (i = 0, n = 0; i < 20 && ent_health_sample(&ht, 5) == 0; i++) {
		n++;
	}
	CHECK(n == 7 && ht.failed && strstr(ht.why, "repetition") != NULL,
			"RCT at H = 3: the 8th repeat fails (%u passed)", n);
}

void test_estimate(int *passed, int *failed)
{
	np = passed;
	nf = failed;
	test_cutoffs();
	test_deterministic();
	test_good();
	test_nist();
}
