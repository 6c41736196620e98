/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: one stimulation per boot, across every process of the
 * fork.
 *
 * In inetd or socket-activated mode every connection that arrives before
 * the CRNG is ready runs a wait of its own, and so do dbclient and
 * dropbearkey. Without coordination 64 connections at boot would mean 64
 * ping-pongs, 64 collector children and 64 times the packet budget. So the
 * process that stimulates holds an flock on the run directory ENT_RUN_DIR
 * itself (released by the kernel when it exits, however it exits), and
 * the boot's budget lives in ENT_RUN_DIR/spent: "boot-id packets seconds",
 * what the holders of this boot have taken. A holder takes it a burst at
 * a time (ENT_BOOT_BURST_*) and writes the record before it uses a burst,
 * so a holder that is killed has used no more than the record says. Every
 * other process waits without stimulating and tries the lock again once a
 * second; one that takes it over gets only what is left. The kernel's boot
 * id tells this boot's record from a stale one where /run is not a tmpfs.
 *
 * The directory is used only when it can be trusted (run_dir_check()): a
 * directory, not a symlink, owned by our effective uid, that no one else
 * may list or write. Then no other user can hold its lock (flock needs a
 * descriptor, and opening a directory needs read permission), plant a
 * record, a FIFO or a hard link in it. A directory that fails the check is
 * never written to, read from or locked: a squatter's lock means nothing.
 * Without a trusted record (no /run, read-only, squatted, not ours) root
 * stimulates within its own per-process bounds, so a squatter can never
 * make the server hang, and says so in one line; any other user does not
 * stimulate at all, so a user's dbclient or dropbearkey never starts a
 * fresh budget each time it is run (dropbear-entropy(8), "stimulation
 * bounds").
 *
 * Two small records serve dropbear-entropy status: "seeded", left once per
 * boot by the process that saw the CRNG become ready while it waited, and
 * "waiting", left by a waiter whose blocking getrandom() did not wake the
 * kernel's jitter collector. Every record is written to a new name made
 * with O_EXCL and renamed, so a reader never sees half a line, and parsed
 * by hand with bounds (sscanf and strtod would add 10 KB of libc to a
 * static server).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ent_boot.h"
#include "ent_config.h"
#include "ent_file.h"
#include "ent_internal.h"
#include "ent_sys.h"
#include "ent_text.h"

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

int ent_run_dir_check(int fd, int reader, char *why, size_t len)
{
	struct stat st;
	uid_t me = geteuid();

	if (fstat(fd, &st) < 0) {
		(void)snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	/* Group and others may at most search it: with read they could
	 * open it and hold its flock, with write plant names in it. A
	 * reader (status) also trusts root's directory. */
	if (!S_ISDIR(st.st_mode) || (st.st_uid != me && !(reader && st.st_uid == 0))
			|| (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0) {
		(void)snprintf(why, len, "owner uid %lu, mode %04o: not a directory of uid %lu "
				"that only it may list or write", (unsigned long)st.st_uid,
				(unsigned int)(st.st_mode & 07777), (unsigned long)me);
		return -1;
	}
	return 0;
}

/* ENT_RUN_DIR, made when missing (mode 0700), opened without following a
 * symlink and checked. The descriptor; -1 when it is unusable (no /run,
 * read-only, not allowed: why is strerror()), -2 when it is there but
 * cannot be trusted (why says what is wrong). */
static int run_dir_open(char *why, size_t len)
{
	int fd, e;

	if (mkdir(ENT_RUN_DIR, 0700) < 0 && errno != EEXIST) {
		e = errno;
		(void)snprintf(why, len, "%s", strerror(e));
		errno = e;
		return -1;
	}
	fd = ent_dir_open(ENT_RUN_DIR);
	if (fd < 0) {
		e = errno;
		(void)snprintf(why, len, "%s", e == ELOOP || e == ENOTDIR
				? "not a directory (a symlink or a file in its place)" : strerror(e));
		errno = e;
		return e == ELOOP || e == ENOTDIR ? -2 : -1;
	}
	if (ent_run_dir_check(fd, 0, why, len) < 0) {
		(void)ent_close(fd);
		return -2;
	}
	return fd;
}

/* A file of the run directory is used only as one of ours would be: a
 * regular file of our uid with one link (never a FIFO, a device or a hard
 * link planted there) */
static int our_file(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1
		&& st.st_uid == geteuid();
}

/* name in dirfd becomes text by a new file tmp and a rename, so a reader
 * never sees half a record. tmp is made here (O_EXCL): nothing found at
 * that name is ever opened, and one left by a writer that died is removed
 * once. When anything fails the old record stays and tmp goes; -1 with
 * errno. */
static int replace_file(int dirfd, const char *tmp, const char *name, const char *text,
		size_t len, mode_t mode)
{
	int fd, ok, e;

	fd = ent_file_open(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK, mode);
	if (fd < 0 && errno == EEXIST && unlinkat(dirfd, tmp, 0) == 0) {
		fd = ent_file_open(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK, mode);
	}
	if (fd < 0) {
		return -1;
	}
	errno = EPERM;
	ok = our_file(fd) && ent_write_all(fd, text, len) == 0;
	e = errno;
	if (ent_close(fd) == 0 && ok && renameat(dirfd, tmp, dirfd, name) == 0) {
		return 0;
	}
	e = ok ? errno : e;
	(void)unlinkat(dirfd, tmp, 0);
	errno = e;
	return -1;
}

/* A record of the run directory into buf, NUL-terminated; "" when there
 * is none or it is not one of ours. O_NONBLOCK: a FIFO cannot hold us. */
static void read_record(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n = -1;
	int fd;

	fd = ent_file_open(dirfd, name, O_RDONLY | O_NONBLOCK, 0);
	if (fd >= 0) {
		if (our_file(fd)) {
			n = ent_read_all(fd, buf, len - 1);
		}
		(void)ent_close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/* "boot-id packets seconds": what the holders of this boot have taken.
 * None, another boot's or a malformed one counts as nothing taken. */
static void read_spent(struct ent_boot *b)
{
	char text[128];
	const char *p = text;
	size_t n = strlen(b->boot_id);
	unsigned long packets, seconds;

	b->packets_spent = b->seconds_spent = 0;
	read_record(b->dirfd, SPENT_NAME, text, sizeof(text));
	if (strncmp(text, b->boot_id, n) != 0 || text[n] != ' ') {
		return;
	}
	p += n + 1;
	if (ent_parse_dec(&p, ENT_LIMIT_MAX_PACKETS, &packets) < 0 || *p++ != ' '
			|| ent_parse_dec(&p, ENT_LIMIT_MAX_SECONDS, &seconds) < 0
			|| (*p != '\n' && *p != '\0')) {
		return;
	}
	b->packets_spent = packets;
	b->seconds_spent = seconds;
}

static int write_spent(struct ent_boot *b, unsigned long packets, unsigned long seconds)
{
	char text[96];
	int n;

	n = snprintf(text, sizeof(text), "%s %lu %lu\n", b->boot_id, packets, seconds);
	return replace_file(b->dirfd, SPENT_TMP, SPENT_NAME, text, (size_t)n, 0600);
}

/* What is left of the boot's budget after spent of max */
static unsigned long left(unsigned long max, unsigned long spent)
{
	return spent >= max ? 0 : max - spent;
}

int ent_boot_acquire(struct ent_boot *b, const struct ent_ops *ops,
		unsigned long max_packets, unsigned long max_seconds)
{
	int fd;

	if (b->dirfd < 0) {
		fd = run_dir_open(b->why, sizeof(b->why));
		if (fd < 0) {
			b->untrusted = fd == -2;
			goto alone;
		}
		b->dirfd = fd;
		ent_boot_id(ops, b->boot_id, sizeof(b->boot_id));
	}
	if (ent_dir_lock(b->dirfd) < 0) {
		if (errno == EWOULDBLOCK) {
			return 0;
		}
		(void)snprintf(b->why, sizeof(b->why), "flock: %s", strerror(errno));
		goto alone;
	}
	b->locked = 1;
	read_spent(b);
	b->packets_left = left(max_packets, b->packets_spent);
	b->seconds_left = left(max_seconds, b->seconds_spent);
	b->packets_granted = b->seconds_granted = 0;
	return 1;
alone:
	/* No record: root on its own bounds, anyone else not at all */
	b->alone = geteuid() == 0;
	b->packets_left = b->alone ? max_packets : 0;
	b->seconds_left = b->alone ? max_seconds : 0;
	b->packets_granted = b->packets_left;
	b->seconds_granted = b->seconds_left;
	return -1;
}

int ent_boot_grant(struct ent_boot *b, unsigned long sent, int64_t elapsed_us)
{
	unsigned long p, s;

	if (!b->locked || b->failed) {
		return 0;
	}
	/* Half a burst ahead of what is used, by packets and by time (half
	 * a second): a turn of the wait sends at most ENT_GW_MAX echo
	 * requests */
	if (sent + ENT_BOOT_BURST_PACKETS / 2 < b->packets_granted
			&& elapsed_us + 500000 < (int64_t)b->seconds_granted * 1000000) {
		return 0;
	}
	p = b->packets_granted + ENT_BOOT_BURST_PACKETS;
	/* Time runs while the wait sleeps: at least a second beyond now */
	s = (unsigned long)(elapsed_us / 1000000) + 2;
	s = s > b->seconds_granted + 1 ? s : b->seconds_granted + 1;
	p = p < b->packets_left ? p : b->packets_left;
	s = s < b->seconds_left ? s : b->seconds_left;
	if (p == b->packets_granted && s == b->seconds_granted) {
		return 0;	/* the whole budget is taken */
	}
	if (write_spent(b, b->packets_spent + p, b->seconds_spent + s) < 0) {
		(void)snprintf(b->why, sizeof(b->why), "%s", strerror(errno));
		b->failed = 1;
		b->alone = geteuid() == 0;
		if (b->alone) {
			/* Root goes on within what is left, as without a record */
			b->packets_granted = b->packets_left;
			b->seconds_granted = b->seconds_left;
		}
		return -1;
	}
	b->packets_granted = p;
	b->seconds_granted = s;
	return 1;
}

void ent_boot_record(struct ent_boot *b, unsigned long packets, unsigned long seconds)
{
	/* At the end: what was used, less than what was taken, so a later
	 * holder of this boot gets the rest */
	if (b->locked && !b->failed && (packets < b->packets_granted
				|| seconds < b->seconds_granted)) {
		packets = packets < b->packets_granted ? packets : b->packets_granted;
		seconds = seconds < b->seconds_granted ? seconds : b->seconds_granted;
		(void)write_spent(b, b->packets_spent + packets, b->seconds_spent + seconds);
	}
}

void ent_boot_init(struct ent_boot *b)
{
	memset(b, 0, sizeof(*b));
	b->dirfd = -1;
}

void ent_boot_release(struct ent_boot *b)
{
	/* Closing the directory drops the flock */
	if (b->dirfd >= 0) {
		(void)ent_close(b->dirfd);
		b->dirfd = -1;
	}
	b->locked = 0;
}

/* Replaces name in ENT_RUN_DIR with text, "boot=ID ..."; a record that
 * cannot be written, or a directory that cannot be trusted, leaves it
 * out (status says "unknown"). keep: once per boot, the first writer's
 * record stays (its text starts with this boot's "boot=ID "). */
static void write_record(const char *name, const char *tmp, const char *text, size_t len,
		size_t keep)
{
	char old[64], why[160];
	int dirfd;

	dirfd = run_dir_open(why, sizeof(why));
	if (dirfd < 0) {
		return;
	}
	if (keep > 0) {
		read_record(dirfd, name, old, sizeof(old));
	}
	if (keep == 0 || strncmp(old, text, keep) != 0) {
		(void)replace_file(dirfd, tmp, name, text, len, 0644);
	}
	(void)ent_close(dirfd);
}

void ent_boot_seeded(const struct ent_ops *ops, const char *by, int seed_bits,
		unsigned long hwrng_bits, int cpu_bits, unsigned long jitter_bits,
		unsigned long icmp_sent, unsigned long block_reads)
{
	char text[ENT_LINE_MAX], credited[128], up[64], at[24], boot_id[ENT_BOOT_ID_MAX];
	static const char source[][7] = { "seed", "hwrng", "cpurng", "jitter" };
	const unsigned long bits[4] = { seed_bits > 0 ? (unsigned long)seed_bits : 0,
		hwrng_bits, cpu_bits > 0 ? (unsigned long)cpu_bits : 0, jitter_bits };
	const char *p = up;
	unsigned long sec, cs = 0;
	int i, n, c = 0;

	ent_boot_id(ops, boot_id, sizeof(boot_id));
	/* Seconds since boot: the first field of /proc/uptime, "S.CC" */
	(void)snprintf(at, sizeof(at), "-1.00");
	if (ops->read_file("/proc/uptime", up, sizeof(up)) > 0
			&& ent_parse_dec(&p, 0xffffffffUL, &sec) == 0) {
		if (p[0] == '.' && p[1] >= '0' && p[1] <= '9') {
			cs = (unsigned long)(p[1] - '0') * 10;
			cs += p[2] >= '0' && p[2] <= '9' ? (unsigned long)(p[2] - '0') : 0;
		}
		(void)snprintf(at, sizeof(at), "%lu.%02lu", sec, cs);
	}
	/* Only the sources that credited, "source:bits" comma separated
	 * (4 parts of at most 28 bytes: they fit) */
	credited[0] = '\0';
	for (i = 0; i < 4; i++) {
		if (bits[i] > 0) {
			c += snprintf(credited + c, sizeof(credited) - (size_t)c, "%s:%lu,",
					source[i], bits[i]);
		}
	}
	if (c > 0) {
		credited[c - 1] = '\0';	/* the last comma */
	}
	n = snprintf(text, sizeof(text), "boot=%s by=%s pid=%ld at=%s credited=%s "
			"stimulated=icmp:%lu,block:%lu\n", boot_id, by, (long)getpid(),
			at, credited, icmp_sent, block_reads);
	if (n > 0 && (size_t)n < sizeof(text)) {
		/* keep: "boot=", the id and the space after it */
		write_record(ENT_BOOT_SEEDED, ENT_BOOT_SEEDED ".new", text, (size_t)n,
				strlen(boot_id) + 6);
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
		write_record(ENT_BOOT_WAITING, ENT_BOOT_WAITING ".new", text, (size_t)n, 0);
	}
}
