/*
 * dropbear-entropy: small O_DIRECT reads of a block device.
 *
 * A read that bypasses the page cache has to go to the device, and its
 * completion raises a device interrupt that the kernel credits. Reads are
 * one logical sector each, spread over the device so that no read-ahead
 * or device cache answers them, and bounded in count and bytes. Reading
 * is harmless: nothing is ever written. The reads run in a child process
 * that reports each one on a pipe, so a disk that hangs holds up the
 * child, never the wait loop.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent_internal.h"

uint64_t ent_block_offset(unsigned long i, uint64_t nsectors, unsigned int sector)
{
	/* Fibonacci hashing scatters consecutive i over the whole device */
	uint64_t h = (uint64_t)i * 0x9E3779B97F4A7C15ULL;

	if (nsectors == 0) {
		return 0;
	}
	return ((h >> 11) % nsectors) * (uint64_t)sector;
}

#if ENT_WITH_BLOCK

int ent_block_open(struct ent_block *b, const struct ent_ops *ops,
		struct ent_progress *log, const char *path)
{
	uint64_t bytes = 0;
	unsigned int sector = 0;
	int dev, saved;

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
	dev = ops->open_direct(ops->ctx, b->path);
	if (dev < 0) {
		ent_log(log, LOG_WARNING, "entropy: cannot open %s with O_DIRECT (%s): block reads off",
				b->path, strerror(errno));
		return -1;
	}
	if (ops->blk_geometry(ops->ctx, dev, &bytes, &sector) < 0
			|| sector == 0 || sector > ENT_BLOCK_ALIGN * 16 || bytes < sector) {
		saved = errno;
		ent_log(log, LOG_WARNING, "entropy: %s is no usable block device (%s): block reads off",
				b->path, bytes < sector ? "empty" : strerror(saved));
		(void)ops->close(ops->ctx, dev);
		return -1;
	}
	b->max_reads = ENT_BLOCK_MAX_BYTES / sector;
	if (b->max_reads > ENT_BLOCK_MAX_READS) {
		b->max_reads = ENT_BLOCK_MAX_READS;
	}
	/* The reads run in a child: an O_DIRECT read of a hung disk blocks
	 * in the kernel, and the wait loop must go on probing readiness
	 * and watching the stop flag meanwhile */
	b->pid = ops->block_spawn(ops->ctx, dev, sector, bytes / sector, b->max_reads, &b->fd);
	saved = errno;
	(void)ops->close(ops->ctx, dev);	/* the child has its own */
	if (b->pid < 0) {
		ent_log(log, LOG_WARNING, "entropy: cannot start the block reader child (%s): "
				"block reads off", strerror(saved));
		b->pid = 0;
		b->fd = -1;
		return -1;
	}
	b->active = 1;
	return 0;
}

int ent_block_step(struct ent_block *b, struct ent_progress *log)
{
	unsigned char msg[65];
	ssize_t r, i;
	int got = 0;

	if (!b->active) {
		return 0;
	}
	for (;;) {
		r = b->ops->read(b->ops->ctx, b->fd, msg, sizeof(msg) - 1);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0 && errno == EAGAIN) {
			return got;
		}
		if (r <= 0) {
			/* End of file: the child made all its reads (or died) */
			b->active = 0;
			return got;
		}
		for (i = 0; i < r; i++) {
			if (msg[i] == 'r') {
				b->reads++;
				got = 1;
				continue;
			}
			/* 'e' and its errno are written at once (atomic on a
			 * pipe) but may straddle two of our reads */
			if (msg[i] == 'e' && i + 1 == r
					&& b->ops->read(b->ops->ctx, b->fd, msg + i + 1, 1) == 1) {
				r++;
			}
			ent_log(log, LOG_WARNING, "entropy: read of %s failed (%s): block reads off",
					b->path, msg[i] == 'e' && i + 1 < r ? strerror(msg[i + 1])
					: "reader child gone");
			b->active = 0;
			return -1;
		}
	}
}

void ent_block_close(struct ent_block *b)
{
	if (b->pid > 0) {
		b->ops->child_stop(b->ops->ctx, b->pid);
		b->pid = 0;
	}
	if (b->fd >= 0) {
		(void)b->ops->close(b->ops->ctx, b->fd);
		b->fd = -1;
	}
	b->active = 0;
}

#endif /* ENT_WITH_BLOCK */
