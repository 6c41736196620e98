/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: /dev/hwrng (ent_hwrng.c) */
#ifndef DROPBEAR_ENT_HWRNG_H
#define DROPBEAR_ENT_HWRNG_H

#include <stdint.h>

#include "entropy.h"
#include "ent_health.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"

/* ---- /dev/hwrng (ent_hwrng.c) ---- */
#define ENT_HWRNG_BLOCK		32	/* bytes per read, per repeat check, per credit */
#define ENT_HWRNG_SEEN		64	/* blocks a repeat is looked for among */
#define ENT_HWRNG_MIX_BYTES	64	/* read and mixed without the opt-in */
#define ENT_HWRNG_STARTUP	1024	/* tested and mixed before any credit */
/* per wait: the start-up and 256 bits at the lowest quality, 1 */
#define ENT_HWRNG_MAX_BYTES	(ENT_HWRNG_STARTUP + 256 * 1024 / 8)
#define ENT_HWRNG_RETRY_US	10000	/* after EAGAIN */
struct ent_hwrng {
	int fd;
	int active;
	int trusted;		/* ent_credit_bits() would credit a healthy device */
	const char *why;	/* its rule, for the log */
	char name[32];		/* the kernel's current hwrng */
	int kernel_quality;	/* the kernel's credit per 1024 bits, -1 unknown */
	struct ent_health health;
	unsigned long healthy;	/* bytes past the start-up that passed */
	unsigned long credited;
	unsigned char blk[ENT_HWRNG_BLOCK];	/* the block being filled */
	unsigned int blk_len;
	uint64_t seen[ENT_HWRNG_SEEN];	/* fingerprints of recent blocks */
	unsigned int nseen;
	unsigned long bytes;
	int64_t next;		/* no read before this (EAGAIN) */
};
#if ENT_WITH_HWRNG
void ent_hwrng_init(struct ent_hwrng *hw);
/* The kernel's current hwrng (name, "none" or "?") and the quality it
 * credits it with (-1 when this kernel does not say); opens nothing */
void ent_hwrng_kernel_view(struct ent_hwrng *hw, const struct ent_ops *ops);
/* Opens the device where it is worth reading: not where the kernel
 * credits it itself; mixed only unless ent_credit_bits() allows credit */
int ent_hwrng_open(struct ent_hwrng *hw, const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log);
#else
/* No /dev/hwrng reader in this build: it stays inactive */
static inline void ent_hwrng_init(struct ent_hwrng *hw)
{
	hw->fd = -1;
	hw->active = 0;
	hw->credited = 0;
}
#endif

#endif /* DROPBEAR_ENT_HWRNG_H */
