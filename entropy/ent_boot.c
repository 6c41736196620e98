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
 * what it spent in ENT_RUN_DIR/spent: "boot-id packets seconds". Every other
 * process waits without stimulating and tries the lock again once a second;
 * one that takes it over after the holder died gets only what is left of
 * the boot's budget. The kernel's boot id tells this boot's record from a
 * stale one where /run is not a tmpfs (not the boot time of /proc/stat:
 * that moves when NTP or an RTC sets the clock, and is 0 without one).
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
#include <unistd.h>
#include <sys/stat.h>

#include "ent_boot.h"
#include "ent_file.h"
#include "ent_internal.h"
#include "ent_sys.h"

#define LOCK_NAME	"stimulate.lock"
#define SPENT_NAME	"spent"
#define SPENT_TMP	"spent.new"
void ent_boot_id(const struct ent_ops *ops, char *id, size_t len)
{
	char text[ENT_BOOT_ID_MAX];
	size_t n;

	/* A read of boot_id never blocks, seeded or not */
	if (ops->read_file(ENT_PATH_BOOT_ID, text, sizeof(text)) < 0) {
		text[0] = '\0';
	}
	n = strspn(text, "0123456789abcdef-");
	text[n] = '\0';
	(void)snprintf(id, len, "%s", n > 0 ? text : "unknown");
}

/* ENT_RUN_DIR, made when missing (mode 0700: only root's processes
 * coordinate through it); O_NOFOLLOW: a symlink planted in /run is not
 * followed. -1 with errno when unusable. */
static int run_dir_open(void)
{
	if (mkdir(ENT_RUN_DIR, 0700) < 0 && errno != EEXIST) {
		return -1;
	}
	return ent_dir_open(ENT_RUN_DIR);
}

/* name in dirfd becomes text by a new file tmp and a rename, so a reader
 * never sees half a record; when that fails the old record stays and tmp
 * goes */
static void replace_file(int dirfd, const char *tmp, const char *name, const char *text,
		size_t len, mode_t mode)
{
	int fd, written;

	fd = ent_file_open(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0) {
		return;
	}
	written = ent_write_all(fd, text, len) == 0;
	if (ent_close(fd) == 0 && written) {
		(void)renameat(dirfd, tmp, dirfd, name);
	} else {
		(void)unlinkat(dirfd, tmp, 0);
	}
}

/* A record of ENT_RUN_DIR into buf, NUL-terminated ("" when there is
 * none); O_NONBLOCK, so a FIFO planted in its place cannot hold us */
static void read_record(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n = -1;
	int fd;

	fd = ent_file_open(dirfd, name, O_RDONLY | O_NONBLOCK, 0);
	if (fd >= 0) {
		n = ent_read_all(fd, buf, len - 1);
		(void)ent_close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

static void read_spent(struct ent_boot *b)
{
	char text[128], id[ENT_BOOT_ID_MAX];
	unsigned long packets, seconds;

	b->packets_spent = b->seconds_spent = 0;
	read_record(b->dirfd, SPENT_NAME, text, sizeof(text));
	/* None, not our record, or a record of another boot: counts as none */
	if (sscanf(text, "%39s %lu %lu", id, &packets, &seconds) == 3
			&& strcmp(id, b->boot_id) == 0) {
		b->packets_spent = packets;
		b->seconds_spent = seconds;
	}
}

int ent_boot_acquire(struct ent_boot *b, const struct ent_ops *ops)
{
	int fd;

	if (b->dirfd < 0) {
		b->dirfd = run_dir_open();
		if (b->dirfd < 0) {
			b->why = strerror(errno);
			return -1;
		}
		ent_boot_id(ops, b->boot_id, sizeof(b->boot_id));
	}
	fd = ent_file_open(b->dirfd, LOCK_NAME, O_RDWR | O_CREAT, 0600);
	if (fd < 0) {
		b->why = strerror(errno);
		return -1;
	}
	if (ent_dir_lock(fd) < 0) {
		int busy = errno == EWOULDBLOCK;

		b->why = strerror(errno);
		(void)ent_close(fd);
		return busy ? 0 : -1;
	}
	b->lock_fd = fd;
	read_spent(b);
	return 1;
}

void ent_boot_record(struct ent_boot *b, unsigned long packets, unsigned long seconds)
{
	char text[96];
	int n;

	if (b->lock_fd < 0) {
		return;
	}
	n = snprintf(text, sizeof(text), "%s %lu %lu\n", b->boot_id,
			b->packets_spent + packets, b->seconds_spent + seconds);
	replace_file(b->dirfd, SPENT_TMP, SPENT_NAME, text, (size_t)n, 0600);
}

void ent_boot_init(struct ent_boot *b)
{
	memset(b, 0, sizeof(*b));
	b->dirfd = -1;
	b->lock_fd = -1;
}

void ent_boot_release(struct ent_boot *b)
{
	/* Closing the descriptor drops the flock */
	if (b->lock_fd >= 0) {
		(void)ent_close(b->lock_fd);
		b->lock_fd = -1;
	}
	if (b->dirfd >= 0) {
		(void)ent_close(b->dirfd);
		b->dirfd = -1;
	}
}

/* Replaces name in ENT_RUN_DIR with text; a record that cannot be
 * written is left out (status says "unknown") */
static void write_record(const char *name, const char *tmp, const char *text, size_t len,
		int keep_this_boot, const char *boot_id)
{
	char old[64], want[ENT_BOOT_ID_MAX + 8];
	int dirfd;

	dirfd = run_dir_open();
	if (dirfd < 0) {
		return;
	}
	if (keep_this_boot) {
		/* Once per boot: the first writer's record stays */
		read_record(dirfd, name, old, sizeof(old));
		(void)snprintf(want, sizeof(want), "boot=%s ", boot_id);
		if (strncmp(old, want, strlen(want)) == 0) {
			(void)ent_close(dirfd);
			return;
		}
	}
	replace_file(dirfd, tmp, name, text, len, 0644);
	(void)ent_close(dirfd);
}

void ent_boot_seeded(const struct ent_ops *ops, const char *by, int seed_bits,
		unsigned long hwrng_bits, int cpu_bits, unsigned long jitter_bits,
		unsigned long icmp_sent, unsigned long block_reads)
{
	char text[ENT_LINE_MAX], credited[128], up[64], boot_id[ENT_BOOT_ID_MAX];
	double at = -1.0;
	int n, c = 0;

	ent_boot_id(ops, boot_id, sizeof(boot_id));
	/* Seconds since boot: the first field of /proc/uptime */
	if (ops->read_file("/proc/uptime", up, sizeof(up)) > 0) {
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
	n = snprintf(text, sizeof(text), "boot=%s by=%s pid=%ld at=%.2f credited=%s "
			"stimulated=icmp:%lu,block:%lu\n", boot_id, by, (long)getpid(),
			at, credited, icmp_sent, block_reads);
	if (n > 0 && (size_t)n < sizeof(text)) {
		write_record(ENT_BOOT_SEEDED, ENT_BOOT_SEEDED ".new", text, (size_t)n, 1, boot_id);
	}
}

void ent_boot_note_collector_silent(const struct ent_ops *ops)
{
	char text[96], boot_id[ENT_BOOT_ID_MAX];
	int n;

	ent_boot_id(ops, boot_id, sizeof(boot_id));
	n = snprintf(text, sizeof(text), "boot=%s pid=%ld collector=silent\n",
			boot_id, (long)getpid());
	if (n > 0 && (size_t)n < sizeof(text)) {
		write_record(ENT_BOOT_WAITING, ENT_BOOT_WAITING ".new", text, (size_t)n, 0, "");
	}
}
