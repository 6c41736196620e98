/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the seed file (ent_seed.c) */
#ifndef DROPBEAR_ENT_SEED_H
#define DROPBEAR_ENT_SEED_H

#include <stddef.h>

#include "entropy.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"

/* ---- seed file (ent_seed.c) ---- */
#define ENT_SEED_NAME		"seed"
#define ENT_SEED_TMP		"seed.new"
#define ENT_SEED_BYTES		32	/* the secret part */
#define ENT_SEED_CREDIT_BITS	256	/* what a creditable seed is worth */
#define ENT_SEED_FILE_LEN	(8 + 4 + ENT_SHA256_LEN + ENT_SEED_BYTES + ENT_SHA256_LEN)
struct ent_seed {
	int have_old;			/* old holds the seed read at start */
	unsigned char old[ENT_SEED_BYTES];
	int credited_bits;		/* out of ent_seed_load() */
};
/* The seed file as ent_seed_load() would judge it, read only: nothing is
 * locked, unlinked, credited or mixed (for dropbear-entropy status) */
struct ent_seed_peek {
	int dir_usable;		/* the directory opened and is ours, mode 0700 */
	int present;		/* a regular file named seed */
	int creditable;		/* every check passed and the policy credits it */
	int identity_matches;	/* 1 yes, 0 another device, -1 not known */
	char identity[128];	/* the sources of this device's identity */
	const char *identity_class;	/* ent_identity_class(), "" without one */
	const char *identity_class_text;	/* ent_identity_class_text() */
	char why[360];		/* why not creditable, or why it is */
};
/* Reads, unlinks (durably) and then credits or mixes the seed file.
 * Returns the bits credited, 0 when the seed was only mixed or absent. */
#if ENT_WITH_SEED
int ent_seed_load(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log, struct ent_seed *st);
/* Writes a fresh seed (old one hashed in) by temporary file and rename.
 * Returns 0 when a seed was written durably, -1 otherwise (logged). */
int ent_seed_save(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log, const struct ent_seed *st);
void ent_seed_peek(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_seed_peek *pk);
/* SHA-256 of label (with its NUL) then data: the seed file's checksum and
 * the device hash (ent_seed.c; the seed fuzz target builds valid files) */
void ent_seed_hash(unsigned char out[ENT_SHA256_LEN], const char *label,
		const void *data, size_t len);
#else
/* No seed file in this build: nothing is read, credited or written */
static inline int ent_seed_load(const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log, struct ent_seed *st)
{
	(void)cfg; (void)ops; (void)log; (void)st;
	return 0;
}
static inline int ent_seed_save(const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log, const struct ent_seed *st)
{
	(void)cfg; (void)ops; (void)log; (void)st;
	return -1;
}
#endif

#endif /* DROPBEAR_ENT_SEED_H */
