/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of the run directory and the per-boot stimulation budget
 * (entropy/ent_boot.c, issue 22 items 1 and 2) against the simulated
 * kernel. Built with ENT_RUN_DIR set to the simulation's one directory
 * (SIM_SEED_DIR) and every optional source left out, so that directory is
 * the run directory and nothing else uses it. Only the module's public
 * entry points are called (ent_wait, ent_boot_seeded, ent_status_gather),
 * so the same file builds against an older module to show what it did.
 *
 * What a local user can put there first is modelled in the sim: the
 * directory's owner and mode, a symlink in its place, its flock held,
 * FIFOs and hard links at the records' names, a record of any content.
 *
 * Output: one line per failed check, then "N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent_boot.h"
#include "ent_status.h"
#include "ent_wait.h"
#include "entropy.h"
#include "sim.h"

#if ENT_WITH_SEED
#error "test_boot.c is built without the seed file: the sim's directory is the run directory"
#endif

static int passed, failed;
static volatile int stop;

#define CHECK(cond, ...) CHECK_COUNT(passed, failed, cond, __VA_ARGS__)
#define BOOT_ID		"0b5e7c1d-2a3f-4e5d-8c9b-0a1b2c3d4e5f"

static void setup(struct sim *s, struct entropy_config *cfg)
{
	sim_init(s, 4096);	/* the old RNG: ICMP alone seeds it, ~8.4k replies */
	sim_config(s, cfg, &stop);
	sim_text(s, ENT_PATH_BOOT_ID, BOOT_ID "\n");
	sim_text(s, "/proc/uptime", "12.345 10.00\n");
	s->dir_exists = 0;
}

/* The packets of the "spent" record, -1 when there is none of this boot */
static long spent_packets(struct sim *s)
{
	struct sim_file *f = sim_file(s, "spent");
	char text[600], id[64];
	unsigned long packets, seconds;

	if (f == NULL || !S_ISREG(f->mode)) {
		return -1;
	}
	memcpy(text, f->data, f->len);
	text[f->len] = '\0';
	if (sscanf(text, "%63s %lu %lu", id, &packets, &seconds) != 3
			|| strcmp(id, BOOT_ID) != 0) {
		return -1;
	}
	return (long)packets;
}

/* Every echo request must be in the record before it leaves: a holder
 * killed at any moment has used no more than the record says */
static const struct ent_ops *real;
static struct sim *watched;
static unsigned long uncovered, checked;

static unsigned long full_at;	/* the run directory fills up at this send */

static ssize_t covered_sendto(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	checked++;
	if (full_at != 0 && checked == full_at) {
		watched->dir_enospc = 1;
	}
	if (spent_packets(watched) < (long)watched->sent + 1) {
		uncovered++;
	}
	return real->sendto(fd, buf, len, to);
}

static int wait_watched(struct sim *s, const struct entropy_config *cfg)
{
	static struct ent_ops ops;

	real = sim_ops(s);
	ops = *real;
	ops.sendto = covered_sendto;
	watched = s;
	uncovered = checked = 0;
	return ent_wait(cfg, &ops);
}

/* The log of a failed case, to see why */
static void dump(const struct sim *s, int ok)
{
	int i;

	for (i = 0; !ok && i < s->nlog; i++) {
		printf("  log %.3f: %s\n", (double)s->log[i].at / 1e6, s->log[i].text);
	}
}

static struct sim_file *plant(struct sim *s, const char *name, const char *text, mode_t mode,
		uid_t uid, unsigned long nlink)
{
	struct sim_file *f = sim_file_add(s, name, text, text != NULL ? strlen(text) : 0);

	f->mode = mode;
	f->uid = uid;
	f->nlink = nlink;
	return f;
}

/* A fresh boot: the directory is made 0700, and the budget is in the
 * record before each burst is used (item 2) */
static void test_fresh(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg);
	r = wait_watched(&s, &cfg);
	CHECK(r == 0 && s.ready && s.sent > 1000, "fresh: seeded by ICMP (%lu sent)", s.sent);
	CHECK(s.dir_exists && s.dir_mode == (S_IFDIR | 0700) && s.dir_uid == 0,
			"fresh: run directory made, mode 0700, root's");
	CHECK(checked == s.sent && uncovered == 0, "fresh: every one of %lu echo requests was "
			"in the record before it left (%lu were not)", checked, uncovered);
	CHECK(spent_packets(&s) == (long)s.sent, "fresh: at the end the record says what was "
			"sent (%ld, sent %lu)", spent_packets(&s), s.sent);
	CHECK(s.violations == 0 && sim_fds_open(&s) == 0 && sim_file(&s, "spent.new") == NULL,
			"fresh: no violation, no descriptor or temporary left");
	CHECK(sim_file(&s, "seeded") != NULL && strstr((char *)sim_file(&s, "seeded")->data,
				" at=12.34 ") != NULL, "fresh: seeded record, at= from /proc/uptime");
}

/* Item 1: uid 65534 made the directory first (0777, its own), holds its
 * lock, put FIFOs at the temporary names, a spent record with a budget
 * spent a thousand times over, a seeded record. None of it is used: one
 * line says so, root stimulates on its own bounds, nothing is written. */
static void test_squatted(void)
{
	static const char forged[] = "boot=" BOOT_ID " by=dropbear pid=1 at=0.50 credited=seed:256 "
		"stimulated=icmp:0,block:0\n";
	struct sim s;
	struct entropy_config cfg;
	struct ent_status st;
	int r;

	setup(&s, &cfg);
	s.dir_exists = 1;
	s.dir_uid = 65534;
	s.dir_mode = S_IFDIR | 0777;
	s.dir_locked = 1;
	plant(&s, "spent", BOOT_ID " 18446744073709551615 86400\n", S_IFREG | 0666, 65534, 1);
	plant(&s, "spent.new", NULL, S_IFIFO | 0666, 65534, 1);
	plant(&s, "seeded.new", NULL, S_IFIFO | 0666, 65534, 1);
	plant(&s, "waiting.new", NULL, S_IFIFO | 0666, 65534, 1);
	plant(&s, "seeded", forged, S_IFREG | 0644, 65534, 1);
	sim_text(&s, SIM_SEED_DIR "/seeded", forged);
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready && s.sent > 1000, "squatted: seeded by ICMP all the same (%lu sent)",
			s.sent);
	CHECK(sim_log_count(&s, "cannot be trusted (owner uid 65534, mode 0777") == 1
			&& sim_log_count(&s, "per wait, not per boot") == 1,
			"squatted: one line says the directory cannot be trusted, bounds per wait");
	CHECK(sim_log_count(&s, "another process") == 0 && sim_log_count(&s, "budget is spent") == 0,
			"squatted: its lock and its record are ignored");
	CHECK(s.violations == 0 && s.fifo_blocked == 0 && sim_fds_open(&s) == 0,
			"squatted: no FIFO opened to block on, no violation");
	CHECK(strncmp((char *)sim_file(&s, "spent")->data, BOOT_ID " 1844", 41) == 0
			&& sim_file(&s, "seeded")->uid == 65534 && S_ISFIFO(sim_file(&s, "spent.new")->mode),
			"squatted: nothing in it written or replaced");
	/* status: the squatter's seeded record is not this boot's */
	s.ready = 1;
	(void)ent_status_gather(&cfg, sim_ops(&s), &st);
	CHECK(strcmp(st.seeded_by, "kernel") == 0 && strstr(st.record, "cannot be trusted") != NULL,
			"squatted: status ignores the forged record (seeded_by %s, record %s)",
			st.seeded_by, st.record);
}

/* A symlink in place of the directory: not followed, per-wait bounds */
static void test_symlink(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg);
	s.dir_exists = 1;
	s.dir_mode = S_IFLNK | 0777;
	s.dir_uid = 65534;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready && s.sent > 1000 && s.violations == 0
			&& sim_log_count(&s, "cannot be trusted (not a directory") == 1,
			"symlink: one line, stimulated on its own bounds, seeded");
}

/* Our own directory with FIFOs and a hard link at the temporary names
 * (as nobody else can make there: defence in depth, and what a writer
 * killed between create and rename leaves): never opened, removed,
 * the records written */
static void test_planted_temporaries(void)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg);
	s.dir_exists = 1;
	plant(&s, "spent.new", "x", S_IFREG | 0600, 0, 2);
	plant(&s, "seeded.new", NULL, S_IFIFO | 0600, 0, 1);
	plant(&s, "waiting.new", NULL, S_IFIFO | 0600, 0, 1);
	r = ent_wait(&cfg, sim_ops(&s));
	ent_boot_note_collector_silent(sim_ops(&s));
	CHECK(r == 0 && s.ready && s.fifo_blocked == 0 && s.link_truncated == 0 && s.violations == 0,
			"temporaries: no FIFO opened blocking, no linked file truncated (%lu, %lu)",
			s.fifo_blocked, s.link_truncated);
	CHECK(spent_packets(&s) == (long)s.sent && sim_file(&s, "seeded") != NULL
			&& sim_file(&s, "waiting") != NULL && sim_file(&s, "spent.new") == NULL,
			"temporaries: spent, seeded and waiting written all the same");
}

/* Item 2: a user's program (dbclient, dropbearkey) that cannot use the
 * run directory, with ICMP datagram sockets allowed: no budget of its own
 * each time it starts, however often */
static void test_user_without_record(void)
{
	struct sim s;
	struct entropy_config cfg;
	unsigned long sent = 0;
	int i, r, ok = 1;

	for (i = 0; i < 3; i++) {
		setup(&s, &cfg);
		s.euid = 1000;
		s.raw_eperm = 1;
		s.fail_op = "mkdir";
		s.fail_errno = EACCES;
		s.bg_irq_per_s = 200;	/* the kernel gets there on its own */
		r = ent_wait(&cfg, sim_ops(&s));
		sent += s.sent;
		ok &= r == 0 && s.ready && sim_log_count(&s, "plan: collector child") == 1
			&& sim_log_count(&s, "unusable (Permission denied): no ICMP or block "
					"reads without this boot's record") == 1;
	}
	CHECK(sent == 0, "user: no echo request in three runs (%lu sent)", sent);
	CHECK(ok, "user: one line says why, the collector child still waits, seeded");
	dump(&s, ok);
	/* Its own directory, but the record cannot be written: it stops at
	 * what it recorded, which is nothing */
	setup(&s, &cfg);
	s.euid = s.dir_uid = 1000;
	s.dir_exists = 1;
	s.raw_eperm = 1;
	s.dir_enospc = 1;
	s.bg_irq_per_s = 200;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.sent == 0 && sim_log_count(&s, "stimulating no further") == 1,
			"user, record not writable: nothing sent, one line (%lu sent)", s.sent);
	/* The directory fills up after the first burst (1024 packets) was
	 * recorded: not a packet beyond it */
	setup(&s, &cfg);
	s.euid = s.dir_uid = 1000;
	s.dir_exists = 1;
	s.raw_eperm = 1;
	s.bg_irq_per_s = 200;
	full_at = 100;
	r = wait_watched(&s, &cfg);
	full_at = 0;
	CHECK(r == 0 && s.sent > 100 && s.sent <= 1024 && uncovered == 0
			&& spent_packets(&s) == 1024
			&& sim_log_count(&s, "stimulating no further") == 1,
			"user, directory full after the first burst: %lu sent, no more than recorded",
			s.sent);
	/* Root in the same place goes on within the boot's budget */
	setup(&s, &cfg);
	s.dir_exists = 1;
	s.dir_enospc = 1;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready && s.sent > 1000
			&& sim_log_count(&s, "going on within what is left") == 1,
			"root, record not writable: one line, stimulates, seeded");
	dump(&s, r == 0 && s.sent > 1000);
}

/* Item 2: the budget is per boot across processes; what one takes, the
 * next does not get; values are bounded */
static void test_budget(void)
{
	struct sim s;
	struct entropy_config cfg;
	char err[128];
	unsigned long first;
	int r;

	/* A gateway whose replies raise no interrupt: nothing seeds */
	setup(&s, &cfg);
	s.no_reply_irq = 1;
	s.stop_at = 3LL * 1000000;
	(void)entropy_config_set(&cfg, "max-packets=5000", err, sizeof(err));
	r = wait_watched(&s, &cfg);
	first = s.sent;
	CHECK(r == -1 && first > 0 && first < 5000 && uncovered == 0 && spent_packets(&s) == (long)first,
			"budget: the first process sent %lu, each in the record first", first);
	/* the next process of this boot, with the same record */
	s.now += 1000000;
	s.stop_at = 0;
	s.limit = s.now + 120LL * 1000000;
	sim_config(&s, &cfg, &stop);
	(void)entropy_config_set(&cfg, "max-packets=5000", err, sizeof(err));
	s.sent = 0;
	r = wait_watched(&s, &cfg);
	CHECK(first + s.sent == 5000 && uncovered == 0 && spent_packets(&s) == 5000,
			"budget: the next got the rest (%lu), 5000 in all", s.sent);

	/* A record above every limit is malformed: none */
	setup(&s, &cfg);
	s.dir_exists = 1;
	plant(&s, "spent", BOOT_ID " 18446744073709551615 60\n", S_IFREG | 0600, 0, 1);
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.sent > 1000 && sim_log_count(&s, "budget is spent") == 0,
			"budget: an out-of-bounds record counts as none");
	/* This boot's record, the budget spent */
	setup(&s, &cfg);
	s.dir_exists = 1;
	s.bg_irq_per_s = 200;
	plant(&s, "spent", BOOT_ID " 65536 12\n", S_IFREG | 0600, 0, 1);
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.sent == 0 && sim_log_count(&s, "budget is spent (65536 packets, 12 s") == 1,
			"budget: spent by earlier processes: nothing sent");
	/* Another user's record in our directory (a hard link, a file of
	 * another uid) is not ours: none */
	setup(&s, &cfg);
	s.dir_exists = 1;
	plant(&s, "spent", BOOT_ID " 65536 60\n", S_IFREG | 0600, 65534, 1);
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.sent > 1000, "budget: a record of another uid counts as none");
	/* Our lock held by another process of ours: it stimulates, we wait */
	setup(&s, &cfg);
	s.dir_exists = 1;
	s.dir_locked = 1;
	s.bg_irq_per_s = 200;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.sent == 0 && s.violations == 0
			&& sim_log_count(&s, "another process of this boot stimulates") >= 1,
			"budget: the lock of our directory held: waits without stimulating");
}

int main(void)
{
	test_fresh();
	test_squatted();
	test_symlink();
	test_planted_temporaries();
	test_user_without_record();
	test_budget();
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
