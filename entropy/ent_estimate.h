/* dropbear-entropy: the SP 800-90B non-IID estimators (ent_estimate.c) */
#ifndef DROPBEAR_ENT_ESTIMATE_H
#define DROPBEAR_ENT_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

/* SP 800-90B 6.3 non-IID estimators (ent_estimate.c), each as NIST's
 * ea_non_iid applies it; figures in bits, < 0 where not run */
enum {
	ENT_EST_MCV, ENT_EST_COLLISION, ENT_EST_MARKOV, ENT_EST_COMPRESSION,
	ENT_EST_TTUPLE, ENT_EST_LRS, ENT_EST_MULTIMCW, ENT_EST_LAG,
	ENT_EST_MULTIMMC, ENT_EST_LZ78Y, ENT_EST_COUNT
};
struct ent_estimates {
	double literal[ENT_EST_COUNT];	/* per sample, on the symbols */
	double bitstring[ENT_EST_COUNT];	/* per bit, when > 2 symbols */
	double h_original, h_bitstring;	/* the smallest of each */
	double assessed;	/* min(width, H_original, width * H_bitstring) */
	unsigned int distinct;	/* symbols seen */
};
/* Assessed min-entropy per sample of the low `width` bits of sym[0..n),
 * in bits; < 0 when it cannot run (bad arguments, out of memory) */
double ent_estimate_min_entropy(const uint8_t *sym, size_t n, unsigned int width,
		struct ent_estimates *detail);

#endif /* DROPBEAR_ENT_ESTIMATE_H */
