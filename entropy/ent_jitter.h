/* dropbear-entropy: the CPU jitter collector (ent_jitter.c) */
#ifndef DROPBEAR_ENT_JITTER_H
#define DROPBEAR_ENT_JITTER_H

#include "ent_health.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"

/* ---- CPU jitter collector (ent_jitter.c) ---- */
#define ENT_JIT_STARTUP		1024	/* samples of the start-up test */
#define ENT_JIT_BATCH		256	/* samples hashed per credit */
#define ENT_JIT_MEM		(128 * 1024)	/* beyond L1, for cache timing */
#define ENT_JIT_GRACE_US	1000000	/* kernel collector's chance first */
struct ent_jitter {
	double h;		/* assessed min-entropy per sample, start-up test */
	struct ent_health health;
	int active;
#if ENT_WITH_JITTER
	hash_state pool;	/* SHA-256 */
#endif
	unsigned int pooled;	/* healthy samples in pool */
	unsigned long credited;
	void *mem;
};
#if ENT_WITH_JITTER
/* Start-up test; 0 when crediting may begin (logged either way) */
int ent_jitter_start(struct ent_jitter *j, const struct ent_ops *ops,
		struct ent_log *log);
#endif

#endif /* DROPBEAR_ENT_JITTER_H */
