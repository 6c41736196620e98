/*
 * dropbear-entropy: one stimulation per boot, across every process of the
 * fork.
 *
 * In inetd or socket-activated mode every connection that arrives before
 * the CRNG is ready runs a wait of its own, and so do dbclient and
 * dropbearkey. Without coordination 64 connections at boot would mean 64
 * ping-pongs, 64 collector children and 64 times the packet budget. So the
 * process that stimulates holds an flock on ENT_RUN_DIR/stimulate.lock
 * (released by the kernel when it exits, however it exits), and records
 * what it spent in ENT_RUN_DIR/spent: "btime packets seconds". Every other
 * process waits without stimulating and tries the lock again once a second;
 * one that takes it over after the holder died gets only what is left of
 * the boot's budget. btime (boot time from /proc/stat) tells this boot's
 * record from a stale one where /run is not a tmpfs.
 *
 * Without a usable ENT_RUN_DIR (no /run, read-only, not root) the bounds
 * are per wait, as before, and the start line says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent_internal.h"

#define LOCK_NAME	"stimulate.lock"
#define SPENT_NAME	"spent"
#define SPENT_TMP	"spent.new"
#define STAT_MAX	8192	/* btime comes early in /proc/stat */

static unsigned long long boot_time(const struct ent_ops *ops)
{
	char *text = malloc(STAT_MAX);
	const char *p;
	unsigned long long t = 0;

	if (text == NULL) {
		return 0;
	}
	if (ops->read_file("/proc/stat", text, STAT_MAX) >= 0
			&& (p = strstr(text, "\nbtime ")) != NULL) {
		t = strtoull(p + 7, NULL, 10);
	}
	free(text);
	return t;
}

static void read_spent(struct ent_boot *b, const struct ent_ops *ops)
{
	char text[96], *p, *end;
	unsigned long long v[3];
	ssize_t n;
	int fd, i;

	b->packets_spent = b->seconds_spent = 0;
	fd = ops->openat(b->dirfd, SPENT_NAME, O_RDONLY, 0);
	if (fd < 0) {
		return;
	}
	n = ops->read(fd, text, sizeof(text) - 1);
	(void)ops->close(fd);
	if (n <= 0) {
		return;
	}
	text[n] = '\0';
	for (i = 0, p = text; i < 3; i++, p = end) {
		v[i] = strtoull(p, &end, 10);
		if (end == p) {
			return;	/* not our record: counts as none */
		}
	}
	/* A record of another boot counts as none */
	if (v[0] == b->btime) {
		b->packets_spent = (unsigned long)v[1];
		b->seconds_spent = (unsigned long)v[2];
	}
}

int ent_boot_acquire(struct ent_boot *b, const struct ent_ops *ops)
{
	int fd;

	if (b->dirfd < 0) {
		if (ops->mkdir(ENT_RUN_DIR, 0700) < 0 && errno != EEXIST) {
			b->why = strerror(errno);
			return -1;
		}
		/* O_NOFOLLOW: a symlink planted in /run is not followed */
		b->dirfd = ops->open_dir(ENT_RUN_DIR);
		if (b->dirfd < 0) {
			b->why = strerror(errno);
			return -1;
		}
		b->btime = boot_time(ops);
	}
	fd = ops->openat(b->dirfd, LOCK_NAME, O_RDWR | O_CREAT, 0600);
	if (fd < 0) {
		b->why = strerror(errno);
		return -1;
	}
	if (ops->flock(fd) < 0) {
		int busy = errno == EWOULDBLOCK;

		b->why = strerror(errno);
		(void)ops->close(fd);
		return busy ? 0 : -1;
	}
	b->lock_fd = fd;
	read_spent(b, ops);
	return 1;
}

void ent_boot_record(struct ent_boot *b, const struct ent_ops *ops,
		unsigned long packets, unsigned long seconds)
{
	char text[96];
	int fd, n;

	if (b->lock_fd < 0) {
		return;
	}
	n = snprintf(text, sizeof(text), "%llu %lu %lu\n", b->btime,
			b->packets_spent + packets, b->seconds_spent + seconds);
	/* New file and rename: a reader never sees half a record */
	fd = ops->openat(b->dirfd, SPENT_TMP, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		return;
	}
	if (ops->write(fd, text, (size_t)n) != n) {
		(void)ops->close(fd);
		return;
	}
	if (ops->close(fd) == 0) {
		(void)ops->renameat(b->dirfd, SPENT_TMP, SPENT_NAME);
	}
}

void ent_boot_init(struct ent_boot *b)
{
	memset(b, 0, sizeof(*b));
	b->dirfd = -1;
	b->lock_fd = -1;
}

void ent_boot_release(struct ent_boot *b, const struct ent_ops *ops)
{
	/* Closing the descriptor drops the flock */
	if (b->lock_fd >= 0) {
		(void)ops->close(b->lock_fd);
		b->lock_fd = -1;
	}
	if (b->dirfd >= 0) {
		(void)ops->close(b->dirfd);
		b->dirfd = -1;
	}
}
