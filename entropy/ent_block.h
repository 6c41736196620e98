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
/* What the reader child does: n reads of one sector of dev, at
 * ent_block_offset(0 .. n-1) */
struct ent_block_job {
	int dev;
	unsigned int sector;
	uint64_t nsectors;
	unsigned long n;
};
/* The reader child (ops->spawn): writes 'r' to out after each read, 'e'
 * and the errno on a failure */
void ent_block_child(int out, const void *job);
/* The block device that holds "/", else the first usual disk */
int ent_block_root_device(const struct ent_ops *ops, char *path, size_t len);
#if ENT_WITH_BLOCK
/* Opens the device (a block device only) and starts the reader child */
int ent_block_open(struct ent_block *b, const struct ent_ops *ops,
		struct ent_log *log, const char *path);
#endif

#endif /* DROPBEAR_ENT_BLOCK_H */
