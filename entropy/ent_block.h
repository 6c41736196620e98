/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the block stimulator (ent_block.c) */
#ifndef DROPBEAR_ENT_BLOCK_H
#define DROPBEAR_ENT_BLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "entropy.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"

/* ---- block stimulator (ent_block.c) ---- */
#define ENT_PACE_POOR_YIELD	0.5	/* below this, block reads join in */
#define ENT_BLOCK_MAX_BYTES	(16UL * 1024 * 1024)
#define ENT_BLOCK_MAX_READS	32768UL
#define ENT_BLOCK_ALIGN		4096
struct ent_block {
	const struct ent_ops *ops;
	int fd;			/* the reader child's pipe */
	pid_t pid;		/* the reader child */
	unsigned long reads;
	unsigned long max_reads;
	int active;
	char path[ENTROPY_PATH_MAX];
};
/* Byte offset of read i: sectors scattered over the whole device */
uint64_t ent_block_offset(unsigned long i, uint64_t nsectors, unsigned int sector);
/* What the reader child does: opens path with ops->open_direct (a block
 * device only), then reads one sector at each of ent_block_offset(first
 * .. n-1), n from the sector size and the bounds above */
struct ent_block_job {
	const struct ent_ops *ops;
	const char *path;
	unsigned long first;	/* reads an earlier child of this wait made */
};
/* The reader child (ops->spawn). The server never opens the device: an
 * open() or BLKGETSIZE64 of a hung disk blocks, and only the child may.
 * Its messages on out, each written at once:
 *   'o' s   opened and checked, the sector is 1 << s bytes;
 *   'r'     one read done;
 *   'E' err the open or its checks failed (errno; ENOTBLK: no block device);
 *   'U' 0|1 no usable block device: 0 empty, 1 sector size;
 *   'e' err a read failed (errno). */
void ent_block_child(int out, const void *job);
/* Reads the child makes of a device with this sector size */
unsigned long ent_block_max_reads(unsigned int sector);
/* The block device that holds "/", else the first usual disk */
int ent_block_root_device(const struct ent_ops *ops, char *path, size_t len);
#if ENT_WITH_BLOCK
/* Starts the reader child, which opens the device (a block device only)
 * and goes on after the done reads of an earlier child of the same wait,
 * so that a wait never reads more than one child's bound */
int ent_block_open(struct ent_block *b, const struct ent_ops *ops,
		struct ent_log *log, const char *path, unsigned long done);
#endif

#endif /* DROPBEAR_ENT_BLOCK_H */
