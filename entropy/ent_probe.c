/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: is the CRNG ready, how far is it, which RNG is this.
 *
 * Readiness is only ever decided by getrandom(GRND_NONBLOCK): it fails with
 * EAGAIN until the kernel itself declares the CRNG seeded. The bit counts
 * are for the progress report only and never decide anything.
 */
#include <errno.h>
#include <string.h>

#include "ent_probe.h"
#include "ent_sys.h"
#include "ent_text.h"

#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 0x0001
#endif

int ent_probe_ready(const struct ent_ops *ops)
{
	unsigned char b;
	ssize_t r;

	do {
		r = ops->getrandom(&b, 1, GRND_NONBLOCK);
	} while (r < 0 && errno == EINTR);
	if (r == 1) {
		return 1;
	}
	if (r < 0 && errno == EAGAIN) {
		return 0;
	}
	if (r >= 0) {
		/* A short read of one byte cannot happen; treat as not ready */
		return 0;
	}
	return -1;
}

/* Parses a decimal integer, 0 to 1000000, that fills the text up to
 * white space */
static int parse_int(const char *text, int *out)
{
	unsigned long v;

	if (ent_parse_dec(&text, 1000000, &v) < 0) {
		return -1;
	}
	while (*text == ' ' || *text == '\n' || *text == '\t') {
		text++;
	}
	if (*text != '\0') {
		return -1;
	}
	*out = (int)v;
	return 0;
}

int ent_probe_generation(const struct ent_ops *ops, struct ent_gen *gen)
{
	char text[32];
	int size;

	gen->poolsize = 0;
	/* Decided from the pool size the kernel reports, never from the
	 * version string: distributions backported the rewritten RNG. */
	if (ops->read_file(ENT_PATH_POOLSIZE, text, sizeof(text)) < 0
			|| parse_int(text, &size) < 0) {
		gen->bits_needed = 256;
		gen->name = "unknown RNG (no poolsize), assuming 256 bits to ready";
		return -1;
	}
	gen->poolsize = size;
	if (size == 256) {
		gen->bits_needed = 256;
		gen->name = "rewritten RNG (poolsize 256, 5.18+ or backport): ready at 256 bits";
		return 0;
	}
	if (size == 4096) {
		gen->bits_needed = 128;
		gen->name = "old RNG (poolsize 4096): ready at about 128 bits";
		return 0;
	}
	gen->bits_needed = 256;
	gen->name = "unrecognised poolsize, assuming 256 bits to ready";
	return -1;
}

int ent_probe_bits(const struct ent_ops *ops, int *bits)
{
	char text[32];
	int v;

	if (ops->read_file(ENT_PATH_ENTROPY_AVAIL, text, sizeof(text)) >= 0
			&& parse_int(text, &v) == 0) {
		*bits = v;
		return 0;
	}
	/* /proc not mounted yet (early boot): the ioctl needs no privilege */
	if (ops->rnd_count(&v) == 0 && v >= 0) {
		*bits = v;
		return 0;
	}
	return -1;
}

/* "6.1.0-21-arm64" -> 6, 1, 0 and "5.4-rc1" -> 5, 4, 0; -1 when the text
 * does not start with a major and a minor number */
static int parse_release(const char *r, int v[3])
{
	unsigned long x;
	int i;

	v[0] = v[1] = v[2] = 0;
	for (i = 0; i < 3; i++) {
		if (ent_parse_dec(&r, 1000000, &x) < 0) {
			return i == 2 ? 0 : -1;
		}
		v[i] = (int)x;
		if (*r++ != '.') {
			return i >= 1 ? 0 : -1;
		}
	}
	return 0;
}

int ent_probe_kernel_collector(const struct ent_ops *ops, const struct ent_gen *gen,
		char *release, size_t len)
{
	int v[3];

	release[0] = '\0';
	if (ops->read_file(ENT_PATH_OSRELEASE, release, len) >= 0) {
		/* Cut at the newline (strchr: strcspn() would be 240 bytes of
		 * musl the server links for this alone) */
		char *nl = strchr(release, '\n');

		if (nl != NULL) {
			*nl = '\0';
		}
	}
	/* The rewritten RNG (poolsize 256) always came with the collector:
	 * 5.18+, and the 2022 stable updates that carried it back. Before
	 * it, try_to_generate_entropy() came with 5.4; the stable updates
	 * gave it to 4.9.320, 4.14.285 and 4.19.249. */
	if (gen->poolsize == 256) {
		return 1;
	}
	if (release[0] == '\0' || parse_release(release, v) < 0) {
		return -1;
	}
	if (v[0] > 5 || (v[0] == 5 && v[1] >= 4)) {
		return 1;
	}
	if (v[0] == 4 && ((v[1] == 9 && v[2] >= 320) || (v[1] == 14 && v[2] >= 285)
				|| (v[1] == 19 && v[2] >= 249))) {
		return 1;
	}
	return 0;
}
