/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * libFuzzer target: /proc/sys/kernel/random/poolsize and entropy_avail as
 * the probe reads them (ent_probe_generation, ent_probe_bits).
 *
 * The first input byte picks what RNDGETENTCNT answers; the rest is the
 * text of the two files (split at the first NUL), truncated as the real
 * read_file truncates to the caller's buffer. Invariants: the generation
 * always names a threshold of 128 or 256 bits and a text; a bit count is
 * never negative and never above the parser's bound.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ent_probe.h"
#include "ent_sys.h"

struct fz {
	const char *poolsize;
	const char *avail;
	int ioctl_ok;
	int ioctl_bits;
};

/* The input being replayed: the primitives below take no context */
static struct fz *cur;

static ssize_t fz_read_file(const char *path, char *buf, size_t len)
{
	struct fz *f = cur;
	const char *src;
	size_t n;

	if (strcmp(path, ENT_PATH_POOLSIZE) == 0) {
		src = f->poolsize;
	} else if (strcmp(path, ENT_PATH_ENTROPY_AVAIL) == 0) {
		src = f->avail;
	} else {
		errno = ENOENT;
		return -1;
	}
	if (src == NULL || len == 0) {
		errno = ENOENT;
		return -1;
	}
	n = strlen(src);
	if (n > len - 1) {
		n = len - 1;
	}
	memcpy(buf, src, n);
	buf[n] = '\0';
	return (ssize_t)n;
}

static int fz_rnd_count(int *bits)
{
	struct fz *f = cur;

	if (!f->ioctl_ok) {
		errno = ENOTTY;
		return -1;
	}
	*bits = f->ioctl_bits;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ent_ops ops;
	struct ent_gen gen;
	struct fz f;
	char *text;
	int bits = -7, r;

	if (size < 1) {
		return 0;
	}
	text = malloc(size);
	if (text == NULL) {
		return 0;
	}
	/* text = data[1..] plus a NUL: "poolsize\0avail" */
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	memset(&f, 0, sizeof(f));
	f.poolsize = (data[0] & 0x40) ? NULL : text;
	f.avail = text + strlen(text) + 1 <= text + size - 1 ? text + strlen(text) + 1 : NULL;
	if (data[0] & 0x80) {
		f.avail = NULL;
	}
	f.ioctl_ok = data[0] & 1;
	f.ioctl_bits = (int)(data[0] & 0x3e) - 8;	/* -8 .. 54, negatives included */
	memset(&ops, 0, sizeof(ops));
	cur = &f;
	ops.read_file = fz_read_file;
	ops.rnd_count = fz_rnd_count;

	r = ent_probe_generation(&ops, &gen);
	if ((r != 0 && r != -1) || gen.name == NULL
			|| (gen.bits_needed != 128 && gen.bits_needed != 256)) {
		abort();
	}
	r = ent_probe_bits(&ops, &bits);
	if (r == 0 && (bits < 0 || bits > 1000000)) {
		abort();
	}
	if (r == -1 && bits != -7) {
		abort();
	}
	free(text);
	return 0;
}
