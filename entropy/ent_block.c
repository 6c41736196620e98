/*
 * dropbear-entropy: small O_DIRECT reads of a block device.
 *
 * A read that bypasses the page cache has to go to the device, and its
 * completion raises a device interrupt that the kernel credits. Reads are
 * one logical sector each, spread over the device so that no read-ahead
 * or device cache answers them, and bounded in count and bytes. Reading
 * is harmless: nothing is ever written.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent_internal.h"

#if ENT_WITH_BLOCK

uint64_t ent_block_offset(unsigned long i, uint64_t nsectors, unsigned int sector)
{
	/* Fibonacci hashing scatters consecutive i over the whole device */
	uint64_t h = (uint64_t)i * 0x9E3779B97F4A7C15ULL;

	if (nsectors == 0) {
		return 0;
	}
	return ((h >> 11) % nsectors) * (uint64_t)sector;
}

int ent_block_open(struct ent_block *b, const struct ent_ops *ops,
		struct ent_progress *log, const char *path)
{
	uint64_t bytes = 0;
	unsigned int sector = 0;
	size_t bufsize;
	int saved;

	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->fd = -1;
	if (path != NULL && path[0] != '\0') {
		if (strlen(path) >= sizeof(b->path)) {
			ent_log(log, LOG_WARNING, "entropy: block device path too long: block reads off");
			return -1;
		}
		strcpy(b->path, path);
	} else if (ops->root_device(ops->ctx, b->path, sizeof(b->path)) < 0) {
		ent_log(log, LOG_WARNING, "entropy: no block device behind / nor a usual disk (%s): block reads off "
				"(-X blockdev=/dev/NAME names one)", strerror(errno));
		return -1;
	}
	b->fd = ops->open_direct(ops->ctx, b->path);
	if (b->fd < 0) {
		ent_log(log, LOG_WARNING, "entropy: cannot open %s with O_DIRECT (%s): block reads off",
				b->path, strerror(errno));
		b->fd = -1;
		return -1;
	}
	if (ops->blk_geometry(ops->ctx, b->fd, &bytes, &sector) < 0
			|| sector == 0 || sector > ENT_BLOCK_ALIGN * 16 || bytes < sector) {
		saved = errno;
		ent_log(log, LOG_WARNING, "entropy: %s is no usable block device (%s): block reads off",
				b->path, bytes < sector ? "empty" : strerror(saved));
		ent_block_close(b);
		return -1;
	}
	/* O_DIRECT needs a buffer aligned to the logical sector; a page is
	 * aligned for every sector size up to it. */
	bufsize = sector;
	if (posix_memalign(&b->buf, sector > ENT_BLOCK_ALIGN ? sector : ENT_BLOCK_ALIGN,
				bufsize) != 0) {
		b->buf = NULL;
		ent_log(log, LOG_WARNING, "entropy: no memory for block reads: block reads off");
		ent_block_close(b);
		return -1;
	}
	b->sector = sector;
	b->nsectors = bytes / sector;
	b->max_reads = ENT_BLOCK_MAX_BYTES / sector;
	if (b->max_reads > ENT_BLOCK_MAX_READS) {
		b->max_reads = ENT_BLOCK_MAX_READS;
	}
	b->active = 1;
	return 0;
}

int ent_block_step(struct ent_block *b, struct ent_progress *log)
{
	uint64_t off;
	ssize_t r;

	if (!b->active) {
		return 0;
	}
	if (b->reads >= b->max_reads) {
		b->active = 0;
		return 0;
	}
	off = ent_block_offset(b->reads, b->nsectors, b->sector);
	r = b->ops->pread(b->ops->ctx, b->fd, b->buf, b->sector, off);
	if (r != (ssize_t)b->sector) {
		ent_log(log, LOG_WARNING, "entropy: read of %s at %llu failed (%s): block reads off",
				b->path, (unsigned long long)off,
				r < 0 ? strerror(errno) : "short read");
		b->active = 0;
		return -1;
	}
	b->reads++;
	b->bytes += (uint64_t)r;
	return 1;
}

void ent_block_close(struct ent_block *b)
{
	if (b->fd >= 0) {
		(void)b->ops->close(b->ops->ctx, b->fd);
		b->fd = -1;
	}
	free(b->buf);
	b->buf = NULL;
	b->active = 0;
}

#endif /* ENT_WITH_BLOCK */
