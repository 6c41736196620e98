/* dropbear-entropy: the continuous health tests and the start-up test (ent_health.c) */
#ifndef DROPBEAR_ENT_HEALTH_H
#define DROPBEAR_ENT_HEALTH_H

#include <stddef.h>
#include <stdint.h>

/* ---- health tests (ent_health.c) ---- */
#define ENT_JIT_APT_W		512	/* adaptive proportion window */
/* Continuous health tests, SP 800-90B 4.4, alpha = 2^-20 */
struct ent_health {
	unsigned int rct_cutoff, apt_cutoff;
	unsigned int rct_count, rct_last;
	unsigned int apt_n, apt_count, apt_ref;
	int failed;
	const char *why;	/* the failed test */
};
/* ent_health.c, when ENT_WITH_JITTER || ENT_WITH_HWRNG */
double ent_log2(double x);
double ent_sqrt(double x);
/* Start-up test of n samples (their low 8 bits are the symbols): the
 * estimators (ent_estimate.h) plus the refusal of a counter too coarse; 0 and the
 * assessed min-entropy in *h, or -1 and why */
int ent_health_startup(const uint64_t *d, size_t n, double *h, const char **why);
/* Cutoffs for an assessed min-entropy per sample h (4.4.1, 4.4.2) */
unsigned int ent_health_rct_cutoff(double h);
unsigned int ent_health_apt_cutoff(double h);
void ent_health_init(struct ent_health *ht, double h);
/* 0 healthy, -1 on the first failure (then stays failed) */
int ent_health_sample(struct ent_health *ht, unsigned int sym);

#endif /* DROPBEAR_ENT_HEALTH_H */
