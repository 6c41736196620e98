/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: small O_DIRECT reads of a block device.
 *
 * A read that bypasses the page cache has to go to the device, and its
 * completion raises a device interrupt that the kernel credits. Reads are
 * one logical sector each, spread over the device so that no read-ahead
 * or device cache answers them, and bounded in count and bytes. Reading
 * is harmless: nothing is ever written. The device is opened, checked
 * and read in a child process that reports each step on a pipe, so a
 * disk that hangs in open(), in its size ioctl or in a read holds up the
 * child, never the wait loop: the server never opens the device.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ent_block.h"
#include "ent_file.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"

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

unsigned long ent_block_max_reads(unsigned int sector)
{
	unsigned long n = ENT_BLOCK_MAX_BYTES / (sector > 0 ? sector : 1);

	return n < ENT_BLOCK_MAX_READS ? n : ENT_BLOCK_MAX_READS;
}

/* One message of the child's (ent_internal.h); the child ends where the
 * parent is gone */
static void child_say(int out, char what, unsigned int value)
{
	unsigned char msg[2];

	msg[0] = (unsigned char)what;
	msg[1] = (unsigned char)(value < 256 ? value : EIO);
	if (ent_write_all(out, msg, what == 'r' ? 1 : 2) < 0) {
		_exit(1);
	}
}

/* The last message: 'E', 'U' or 'e' */
static void child_fail(int out, char what, unsigned int value) __attribute__((noreturn));
static void child_fail(int out, char what, unsigned int value)
{
	child_say(out, what, value);
	_exit(1);
}

/* It holds nothing but the pipe and, once it is opened and checked, the
 * device; it only reads, and dies with its parent or when the pipe
 * breaks. */
void ent_block_child(int out, const void *arg)
{
	const struct ent_block_job *job = arg;
	uint64_t bytes = 0, nsectors;
	unsigned int sector = 0, shift = 0;
	unsigned long i, n;
	uintptr_t align;
	char *raw, *buf;
	ssize_t r;
	int dev;

	/* open_direct() refuses anything but a block device without
	 * running a driver's open() (ent_sys.c) */
	dev = job->ops->open_direct(job->path, &bytes, &sector);
	if (dev < 0) {
		child_fail(out, 'E', (unsigned int)errno);
	}
	while (shift < 17 && (1U << shift) != sector) {
		shift++;
	}
	/* Linux's logical sectors are powers of two, 512 to the page */
	if (sector < 512 || shift > 16) {
		child_fail(out, 'U', 1);
	}
	if (bytes < sector) {
		child_fail(out, 'U', 0);
	}
	/* O_DIRECT wants a buffer aligned to the sector; a page is aligned
	 * for every sector size up to it. Rounded up by hand in a buffer an
	 * alignment longer (both powers of two): posix_memalign() would
	 * bring 850 bytes of musl into the server. The child never frees
	 * it, it only exits. */
	align = sector > ENT_BLOCK_ALIGN ? sector : ENT_BLOCK_ALIGN;
	raw = malloc(sector + align);
	if (raw == NULL) {
		child_fail(out, 'E', ENOMEM);
	}
	buf = (char *)(((uintptr_t)raw + align - 1) & ~(align - 1));
	child_say(out, 'o', shift);
	nsectors = bytes / sector;
	n = ent_block_max_reads(sector);
	for (i = job->first; i < n; i++) {
		do {
			r = pread(dev, buf, sector,
					(off_t)ent_block_offset(i, nsectors, sector));
		} while (r < 0 && errno == EINTR);
		if (r != (ssize_t)sector) {
			child_fail(out, 'e', r < 0 ? (unsigned int)errno : EIO);
		}
		child_say(out, 'r', 0);
	}
	_exit(0);
}

/* Root in an initramfs, tmpfs or on NFS: take the first disk that exists
 * under a usual name. Reading it is as harmless as reading the root. */
static int first_disk(const struct ent_ops *ops, char *path, size_t len)
{
	/* Names in place, not pointers: no relocated table */
	static const char disks[][13] = {
		"/dev/vda", "/dev/mmcblk0", "/dev/nvme0n1", "/dev/sda", "/dev/xvda"
	};
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(disks) / sizeof(disks[0]); i++) {
		if (ops->stat(disks[i], &st) == 0 && S_ISBLK(st.st_mode)
				&& strlen(disks[i]) < len) {
			strcpy(path, disks[i]);
			return 0;
		}
	}
	errno = ENODEV;
	return -1;
}

int ent_block_root_device(const struct ent_ops *ops, char *path, size_t len)
{
	struct stat st;
	char sysp[64], text[512];
	const char *name, *end;
	int w;

	if (ops->stat("/", &st) < 0) {
		return -1;
	}
	if (major(st.st_dev) == 0) {
		/* No block device behind / */
		return first_disk(ops, path, len);
	}
	w = snprintf(sysp, sizeof(sysp), "/sys/dev/block/%u:%u/uevent",
			major(st.st_dev), minor(st.st_dev));
	if (w < 0 || (size_t)w >= sizeof(sysp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (ops->read_file(sysp, text, sizeof(text)) < 0) {
		return -1;
	}
	name = strstr(text, "DEVNAME=");
	if (name == NULL) {
		errno = ENOENT;
		return -1;
	}
	name += strlen("DEVNAME=");
	end = strchr(name, '\n');
	if (end == NULL) {
		end = name + strlen(name);
	}
	w = snprintf(path, len, "/dev/%.*s", (int)(end - name), name);
	if (w < 0 || (size_t)w >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int ent_block_open(struct ent_block *b, const struct ent_ops *ops,
		struct ent_log *log, const char *path, unsigned long done)
{
	struct ent_block_job job;

	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->fd = -1;
	b->reads = done;
	if (path != NULL && path[0] != '\0') {
		if (strlen(path) >= sizeof(b->path)) {
			ent_log(log, LOG_WARNING, "block device path too long: block reads off");
			return -1;
		}
		strcpy(b->path, path);
	} else if (ent_block_root_device(ops, b->path, sizeof(b->path)) < 0) {
		ent_log(log, LOG_WARNING, "no block device behind / nor a usual disk (%s): block reads off "
				"(-X blockdev=/dev/NAME names one)", strerror(errno));
		return -1;
	}
	/* The child opens and checks the device and makes the reads: the
	 * open() of a block device, its size ioctl and an O_DIRECT read can
	 * each block in the kernel on a hung disk, and the wait loop must go
	 * on probing readiness and watching the stop flag meanwhile. Until
	 * the child says the sector size, the bound is the largest. */
	b->max_reads = ENT_BLOCK_MAX_READS;
	job.ops = ops;
	job.path = b->path;
	job.first = done;
	b->pid = ops->spawn(ent_block_child, &job, -1, &b->fd);
	if (b->pid < 0) {
		ent_log(log, LOG_WARNING, "cannot start the block reader child (%s): "
				"block reads off", strerror(errno));
		b->pid = 0;
		b->fd = -1;
		return -1;
	}
	b->active = 1;
	return 0;
}

/* The warning for the child's message what (with value) */
static void block_refused(struct ent_block *b, struct ent_log *log, unsigned char what,
		int value)
{
	if (what == 'E') {
		ent_log(log, LOG_WARNING, "cannot open %s with O_DIRECT (%s): block reads off",
				b->path, strerror(value));
	} else if (what == 'U') {
		ent_log(log, LOG_WARNING, "%s is no usable block device (%s): block reads off",
				b->path, value == 0 ? "empty" : "sector size");
	} else {
		ent_log(log, LOG_WARNING, "read of %s failed (%s): block reads off", b->path,
				what == 'e' && value >= 0 ? strerror(value) : "reader child gone");
	}
}

/* Collects what the child reported (its pipe polled readable): 1 reads
 * done, 0 nothing new or the bound reached, -1 error (logged) */
static int block_collect(struct ent_block *b, struct ent_log *log)
{
	unsigned char msg[65];
	ssize_t r, i;
	int got = 0, value;

	if (!b->active) {
		return 0;
	}
	for (;;) {
		r = b->ops->read(b->fd, msg, sizeof(msg) - 1);
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
			/* The other messages are two bytes written at once
			 * (atomic on a pipe) but may straddle two of our reads */
			if (i + 1 == r && b->ops->read(b->fd, msg + i + 1, 1) == 1) {
				r++;
			}
			value = i + 1 < r ? msg[i + 1] : -1;
			if (msg[i] == 'o' && value >= 9 && value <= 16) {
				b->max_reads = ent_block_max_reads(1U << value);
				i++;
				continue;
			}
			block_refused(b, log, msg[i], value);
			b->active = 0;
			return -1;
		}
	}
}

static void block_close(struct ent_block *b)
{
	if (b->pid > 0) {
		(void)b->ops->reap(b->pid, 1, 0);
		b->pid = 0;
	}
	if (b->fd >= 0) {
		(void)b->ops->close(b->fd);
		b->fd = -1;
	}
	b->active = 0;
}

/* ---- its runner in the wait (ent_wait.c) ---- */
/* Block reads come second: on a single-CPU board they compete with the
 * ICMP ping-pong for the same CPU, and measured on the rig they made
 * seeding slower, not faster, while ICMP ran well. So they start only
 * where ICMP does not run, stops, or raises too few device interrupts,
 * and stop as soon as ICMP found a target after they began (a neighbour
 * that appears later: the rig's guest without a default route logged in
 * 1.25x as late as with one while the reads went on, 1.05x with them
 * stopped). They stop so once only: should ICMP fall short they join in
 * again, as at the start, and cannot come and go. */
static void block_start(struct ent_wait_state *w, int64_t now, int begin)
{
	/* (replies share interrupts by design where several are in flight) */
	int icmp_well = w->icmp.active && (w->icmp.pace.last_yield < 0.0
			|| w->icmp.pace.last_yield * w->icmp.pace.window >= ENT_PACE_POOR_YIELD);

	(void)now;
	if (begin) {
		w->blk_pending = (w->stim & ENTROPY_STIM_BLOCK) != 0;
	}
	if (w->blk.active && !w->blk_yielded && icmp_well) {
		ent_log(&w->log, LOG_INFO, "ICMP runs (%lu replies): block reads stop after "
				"%lu, to come back only if it falls short", w->icmp.replies,
				w->blk.reads);
		block_close(&w->blk);
		w->blk_yielded = 1;
		w->blk_pending = 1;
		return;
	}
	if (!w->blk_pending || icmp_well) {
		return;
	}
	w->blk_pending = 0;
	/* After a stop for ICMP, the new child goes on where the old one
	 * stopped: the reads of one wait stay within one child's bound */
	(void)ent_block_open(&w->blk, w->ops, &w->log, w->cfg->block_device, w->blk.reads);
}

static int block_fd(const struct ent_wait_state *w)
{
	/* the reader child reports each read here */
	return w->blk.active ? w->blk.fd : -1;
}

static int block_step(struct ent_wait_state *w, int64_t now, int readable)
{
	(void)now;
	if (readable) {
		(void)block_collect(&w->blk, &w->log);
		return 0;
	}
	if (w->blk.fd >= 0 && !w->blk.active) {
		/* the reader child finished, failed or went away */
		if (w->blk.reads >= w->blk.max_reads) {
			ent_log(&w->log, LOG_INFO, "block read bound of %lu reads reached",
					w->blk.max_reads);
		}
		block_close(&w->blk);
	}
	return 0;
}

/* At the stimulation bound, and at the end */
static void block_stop(struct ent_wait_state *w)
{
	block_close(&w->blk);
	w->blk_pending = 0;
}

static void block_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	if (w->blk.active && detail) {
		ent_text_part(t, "O_DIRECT reads of %s (%lu done)", w->blk.path, w->blk.reads);
	} else if (w->blk.active) {
		ent_text_part(t, "O_DIRECT reads of %s (at most %lu)", w->blk.path, w->blk.max_reads);
	} else if (!detail && w->blk_pending) {
		ent_text_part(t, "O_DIRECT reads if ICMP falls short");
	}
}

const struct ent_runner ent_block_runner = {
	1, block_start, block_fd, NULL, block_step, block_stop, block_describe
};

#endif /* ENT_WITH_BLOCK */
