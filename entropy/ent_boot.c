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
 *
 * Two small records serve dropbear-entropy status: "seeded", left once per
 * boot by the process that saw the CRNG become ready while it waited, and
 * "waiting", left by a waiter whose blocking getrandom() did not wake the
 * kernel's jitter collector. Both are written to a new name and renamed,
 * so a reader never sees half a line.
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

unsigned long long ent_boot_time(const struct ent_ops *ops)
{
	char *text = malloc(STAT_MAX);
	const char *p;
	unsigned long long t = 0;

	if (text == NULL) {
		return 0;
	}
	if (ops->read_file(ops->ctx, "/proc/stat", text, STAT_MAX) >= 0
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
	fd = ops->openat(ops->ctx, b->dirfd, SPENT_NAME, O_RDONLY, 0);
	if (fd < 0) {
		return;
	}
	n = ops->read(ops->ctx, fd, text, sizeof(text) - 1);
	(void)ops->close(ops->ctx, fd);
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
		if (ops->mkdir(ops->ctx, ENT_RUN_DIR, 0700) < 0 && errno != EEXIST) {
			b->why = strerror(errno);
			return -1;
		}
		/* O_NOFOLLOW: a symlink planted in /run is not followed */
		b->dirfd = ops->open_dir(ops->ctx, ENT_RUN_DIR);
		if (b->dirfd < 0) {
			b->why = strerror(errno);
			return -1;
		}
		b->btime = ent_boot_time(ops);
	}
	fd = ops->openat(ops->ctx, b->dirfd, LOCK_NAME, O_RDWR | O_CREAT, 0600);
	if (fd < 0) {
		b->why = strerror(errno);
		return -1;
	}
	if (ops->flock(ops->ctx, fd) < 0) {
		int busy = errno == EWOULDBLOCK;

		b->why = strerror(errno);
		(void)ops->close(ops->ctx, fd);
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
	fd = ops->openat(ops->ctx, b->dirfd, SPENT_TMP, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		return;
	}
	if (ops->write(ops->ctx, fd, text, (size_t)n) != n) {
		(void)ops->close(ops->ctx, fd);
		return;
	}
	if (ops->close(ops->ctx, fd) == 0) {
		(void)ops->renameat(ops->ctx, b->dirfd, SPENT_TMP, SPENT_NAME);
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
		(void)ops->close(ops->ctx, b->lock_fd);
		b->lock_fd = -1;
	}
	if (b->dirfd >= 0) {
		(void)ops->close(ops->ctx, b->dirfd);
		b->dirfd = -1;
	}
}

/* Replaces name in ENT_RUN_DIR with text, by a new file and rename; a
 * record that cannot be written is left out (status says "unknown") */
static void write_record(const struct ent_ops *ops, const char *name, const char *tmp,
		const char *text, size_t len, int keep_this_boot, unsigned long long btime)
{
	char old[64], want[32];
	ssize_t n;
	int dirfd, fd;

	if (ops->mkdir(ops->ctx, ENT_RUN_DIR, 0700) < 0 && errno != EEXIST) {
		return;
	}
	dirfd = ops->open_dir(ops->ctx, ENT_RUN_DIR);
	if (dirfd < 0) {
		return;
	}
	if (keep_this_boot) {
		/* Once per boot: the first writer's record stays */
		fd = ops->openat(ops->ctx, dirfd, name, O_RDONLY | O_NONBLOCK, 0);
		if (fd >= 0) {
			n = ops->read(ops->ctx, fd, old, sizeof(old) - 1);
			(void)ops->close(ops->ctx, fd);
			(void)snprintf(want, sizeof(want), "btime=%llu ", btime);
			old[n > 0 ? n : 0] = '\0';
			if (strncmp(old, want, strlen(want)) == 0) {
				(void)ops->close(ops->ctx, dirfd);
				return;
			}
		}
	}
	fd = ops->openat(ops->ctx, dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		n = ops->write(ops->ctx, fd, text, len);
		if (ops->close(ops->ctx, fd) == 0 && n == (ssize_t)len) {
			(void)ops->renameat(ops->ctx, dirfd, tmp, name);
		} else {
			(void)ops->unlinkat(ops->ctx, dirfd, tmp);
		}
	}
	(void)ops->close(ops->ctx, dirfd);
}

void ent_boot_seeded(const struct ent_ops *ops, const char *by, int seed_bits,
		unsigned long hwrng_bits, int cpu_bits, unsigned long jitter_bits,
		unsigned long icmp_sent, unsigned long block_reads)
{
	char text[ENT_LINE_MAX], credited[128], up[64];
	unsigned long long btime = ent_boot_time(ops);
	double at = -1.0;
	int n, c = 0;

	/* Seconds since boot: the first field of /proc/uptime */
	if (ops->read_file(ops->ctx, "/proc/uptime", up, sizeof(up)) > 0) {
		at = strtod(up, NULL);
	}
	/* Only the sources that credited, "source:bits" comma separated */
	credited[0] = '\0';
	if (seed_bits > 0) {
		c += snprintf(credited + c, sizeof(credited) - (size_t)c, "seed:%d,", seed_bits);
	}
	if (hwrng_bits > 0) {
		c += snprintf(credited + c, sizeof(credited) - (size_t)c, "hwrng:%lu,", hwrng_bits);
	}
	if (cpu_bits > 0) {
		c += snprintf(credited + c, sizeof(credited) - (size_t)c, "cpurng:%d,", cpu_bits);
	}
	if (jitter_bits > 0) {
		c += snprintf(credited + c, sizeof(credited) - (size_t)c, "jitter:%lu,", jitter_bits);
	}
	if (c > 0) {
		credited[c - 1] = '\0';	/* the last comma */
	}
	n = snprintf(text, sizeof(text), "btime=%llu by=%s pid=%ld at=%.2f credited=%s "
			"stimulated=icmp:%lu,block:%lu\n", btime, by, (long)ops->getpid(ops->ctx),
			at, credited, icmp_sent, block_reads);
	if (n > 0 && (size_t)n < sizeof(text)) {
		write_record(ops, ENT_BOOT_SEEDED, ENT_BOOT_SEEDED ".new", text, (size_t)n, 1, btime);
	}
}

void ent_boot_note_collector_silent(const struct ent_ops *ops)
{
	char text[96];
	int n;

	n = snprintf(text, sizeof(text), "btime=%llu pid=%ld collector=silent\n",
			ent_boot_time(ops), (long)ops->getpid(ops->ctx));
	if (n > 0 && (size_t)n < sizeof(text)) {
		write_record(ops, ENT_BOOT_WAITING, ENT_BOOT_WAITING ".new", text, (size_t)n, 0, 0);
	}
}
