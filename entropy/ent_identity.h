/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: what tells this device from a clone of its disk image (ent_identity.c) */
#ifndef DROPBEAR_ENT_IDENTITY_H
#define DROPBEAR_ENT_IDENTITY_H

#include <stddef.h>
#include <sys/types.h>

#include "ent_internal.h"
#include "ent_sys.h"

#define ENT_IDENTITY_MAX	2048
#if ENT_WITH_SEED
/* What tells this device from a clone of its disk image (ent_identity.c):
 * serials of the SoC, board and of the medium behind st_dev medium (the
 * seed directory's), else universally administered permanent MACs */
struct ent_identity {
	char text[ENT_IDENTITY_MAX];	/* "source=value\n" lines, stable order */
	size_t len;			/* 0: nothing identifies this device */
	char sources[128];		/* the sources used, for the log */
	char missing[320];		/* when len is 0: what was looked for */
	int fused;			/* sources fused into the hardware among them */
	int vm;				/* on a hypervisor: none is fused */
};
void ent_identity_collect(const struct ent_ops *ops, dev_t medium, const char *seed_dir,
		struct ent_identity *id);
/* "hardware" where a source is fused into the hardware (a clone on other
 * hardware differs), "software" where every one is set by software or a
 * hypervisor (a clone may carry them), "" without an identity; and the
 * same in words, for the log and status */
const char *ent_identity_class(const struct ent_identity *id);
const char *ent_identity_class_text(const struct ent_identity *id);
/* The hash a seed file is bound to; only for id->len > 0 */
void ent_identity_hash(const struct ent_identity *id, unsigned char out[ENT_SHA256_LEN]);
#endif

#endif /* DROPBEAR_ENT_IDENTITY_H */
