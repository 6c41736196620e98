/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: the seed file, bound to the device that wrote it.
 *
 * Layout of <seed-dir>/seed (ENT_SEED_FILE_LEN bytes, nothing else):
 *   0  "DBESEED1"
 *   8  flags: byte 0 has FLAG_READY when getrandom() was ready as it
 *      was made, FLAG_BOUND when the device had an identity to hash
 *  12  SHA-256 of the device identity ("" never: see make_seed)
 *  44  the seed, ENT_SEED_BYTES
 *  76  SHA-256 of bytes 0-75, which catches torn or edited files
 *
 * The rules that make a credit defensible:
 *   - the directory is ours (owner = euid, no group/other bits) and is
 *     locked with flock() while we work in it;
 *   - the seed is opened with O_NOFOLLOW and must be a regular file of
 *     ours, mode 0600 or stricter, of exactly the right size, with one
 *     link: a second name (snapshot, cp -al, A/B copy) would outlive our
 *     unlink and could be credited again after a rollback;
 *   - it is unlinked and the directory fsync()ed before anything is
 *     credited: a crash after that point loses the seed, it can never
 *     credit it twice;
 *   - only a seed written while getrandom() was ready, on a device with
 *     the same identity hash (ent_identity.c: hardware and medium serials,
 *     else universally administered MACs; no identity, no credit), under
 *     a policy that credits, is credited;
 *     anything else that we read is mixed in (a write to /dev/urandom),
 *     which can only help, and the log says why it was not credited.
 * A new seed hashes the old one in, goes to a temporary name, is fsync()ed
 * and renamed over the old name, then the directory is fsync()ed. A
 * directory named seed or seed.new is never removed by us: it blocks
 * every save, and each blocked save says so in one line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ent_seed.h"
#include "ent_config.h"
#include "ent_credit.h"
#include "ent_file.h"
#include "ent_identity.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"
#include "entropy.h"

#if ENT_WITH_SEED

#define MAGIC		"DBESEED1"
#define OFF_FLAGS	8
#define OFF_DEVICE	12
#define OFF_SEED	(OFF_DEVICE + ENT_SHA256_LEN)
#define OFF_SUM		(OFF_SEED + ENT_SEED_BYTES)
#define FLAG_READY	0x1
#define FLAG_BOUND	0x2
#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK	0x0001
#endif
#ifndef GRND_INSECURE
#define GRND_INSECURE	0x0004
#endif

void ent_seed_hash(unsigned char out[ENT_SHA256_LEN], const char *label,
		const void *a, size_t alen)
{
	hash_state h;

	sha256_init(&h);
	/* The label, with its NUL, keeps the two uses of the hash apart */
	sha256_process(&h, (const unsigned char *)label, strlen(label) + 1);
	sha256_process(&h, a, alen);
	ent_sha256_done(&h, out);
}

/* Opens, checks and locks the seed directory; -1 (logged once) when it
 * cannot be used. *medium is the device that holds it (its st_dev). */
static int open_dir(const struct entropy_config *cfg, struct ent_log *log, int create,
		dev_t *medium)
{
	const char *path = ent_config_seed_dir(cfg);
	struct stat st;
	int fd;

	if (create && mkdir(path, 0700) < 0 && errno != EEXIST) {
		/* EROFS, EACCES, ENOENT parent: nothing to keep a seed in */
		ent_log(log, LOG_WARNING, "cannot create seed directory %.100s (%s): "
				"no seed kept for the next boot", path, strerror(errno));
		return -1;
	}
	fd = ent_dir_open(path);
	if (fd < 0) {
		if (errno == ENOENT) {
			ent_log(log, LOG_INFO, "no seed directory %.100s yet: "
					"nothing to credit", path);
		} else {
			ent_log(log, LOG_WARNING, "seed directory %.100s unusable (%s): "
					"seed file ignored", path, strerror(errno));
		}
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)
			|| st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		/* Someone else could have planted or read a seed in it */
		ent_log(log, LOG_WARNING, "seed directory %.100s must be a directory "
				"of uid %ld with mode 0700: seed file ignored", path,
				(long)geteuid());
		(void)ent_close(fd);
		return -1;
	}
	if (ent_dir_lock(fd) < 0) {
		ent_log(log, LOG_WARNING, "seed directory %.100s is locked (%s): "
				"another instance has the seed, left alone", path, strerror(errno));
		(void)ent_close(fd);
		return -1;
	}
	*medium = st.st_dev;
	return fd;
}

/* What ent_seed_load() learnt of the file besides its bytes */
struct seed_read {
	ssize_t n;		/* bytes read, -1 none */
	int owned;		/* our uid, no group/other bits */
	unsigned long nlink;	/* hard links, before our unlink */
	dev_t medium;		/* the seed directory's device */
};

/* Why a seed we read may not be credited; NULL when it may. why holds
 * the reasons that need words of their own; *cls gets the class of this
 * device's identity in words (ent_identity_class_text()) where it has one. */
static const char *judge(const struct entropy_config *cfg, const struct ent_ops *ops,
		const unsigned char *buf, const struct seed_read *rd, char *why, size_t wlen,
		const char **cls)
{
	unsigned char sum[ENT_SHA256_LEN], dev[ENT_SHA256_LEN];
	struct ent_identity id;
	int foreign;

	*cls = "";
	if (rd->n != ENT_SEED_FILE_LEN) {
		return rd->n < ENT_SEED_FILE_LEN ? "truncated" : "oversized";
	}
	if (memcmp(buf, MAGIC, 8) != 0) {
		return "not a seed file of ours";
	}
	ent_seed_hash(sum, "dropbear-entropy seed file v1", buf, OFF_SUM);
	if (memcmp(sum, buf + OFF_SUM, ENT_SHA256_LEN) != 0) {
		return "checksum mismatch";
	}
	if (!rd->owned) {
		return "wrong owner or mode";
	}
	if (rd->nlink != 1) {
		/* Another name (a snapshot, cp -al, an A/B copy of /var/lib)
		 * outlives our unlink and could be credited after a rollback */
		(void)snprintf(why, wlen, "it has %lu hard links, not 1 (a copy under another "
				"name could be credited again)", rd->nlink);
		return why;
	}
	if (!(buf[OFF_FLAGS] & FLAG_READY)) {
		return "written before getrandom() was ready";
	}
	ent_identity_collect(ops, rd->medium, ent_config_seed_dir(cfg), &id);
	if (id.len == 0) {
		(void)snprintf(why, wlen, "no device identity (%.319s)", id.missing);
		explicit_bzero(&id, sizeof(id));
		return why;
	}
	if (!(buf[OFF_FLAGS] & FLAG_BOUND)) {
		explicit_bzero(&id, sizeof(id));
		return "not bound to a device (none identified when written)";
	}
	ent_identity_hash(&id, dev);
	*cls = ent_identity_class_text(&id);
	explicit_bzero(&id, sizeof(id));
	foreign = memcmp(dev, buf + OFF_DEVICE, ENT_SHA256_LEN) != 0;
	explicit_bzero(dev, sizeof(dev));
	if (foreign) {
		return "written on another device (cloned image?)";
	}
	return NULL;
}

int ent_seed_load(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log, struct ent_seed *st)
{
	unsigned char buf[ENT_SEED_FILE_LEN + 1];
	char whybuf[360];
	const char *why, *cls, *path = ent_config_seed_dir(cfg);
	struct seed_read rd;
	struct stat fst;
	struct ent_credit_facts facts;
	unsigned int bits = 0;
	int dfd, fd, unlinked, removed, saved;

	memset(st, 0, sizeof(*st));
	memset(&rd, 0, sizeof(rd));
	rd.n = -1;
	dfd = open_dir(cfg, log, 0, &rd.medium);
	if (dfd < 0) {
		return 0;
	}
	fd = ent_file_open(dfd, ENT_SEED_NAME, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0) {
		saved = errno;
		if (saved == ENOENT) {
			ent_log(log, LOG_INFO, "no seed file in %.100s: nothing to credit", path);
		} else if (unlinkat(dfd, ENT_SEED_NAME, 0) == 0) {
			/* ELOOP: a symlink in its place. The name goes (never
			 * what it points to) so that the next seed can be written. */
			(void)fsync(dfd);
			ent_log(log, LOG_WARNING, "seed file in %.100s refused (%s), "
					"removed unread", path, strerror(saved));
		} else {
			ent_log(log, LOG_WARNING, "seed file in %.100s refused (%s) and "
					"could not be removed (%s): nothing credited; remove it", path,
					strerror(saved), strerror(errno));
		}
		(void)ent_close(dfd);
		return 0;
	}
	if (fstat(fd, &fst) == 0) {
		if (S_ISDIR(fst.st_mode)) {
			/* unlink() cannot remove it and rename() cannot replace
			 * it: left as it is, for the administrator */
			(void)ent_close(fd);
			(void)ent_close(dfd);
			ent_log(log, LOG_WARNING, "%.100s/%s is a directory, not a seed "
					"file: nothing credited, and no seed can be saved while it is "
					"there (rmdir it, or move it away)", path, ENT_SEED_NAME);
			return 0;
		}
		if (S_ISREG(fst.st_mode)) {
			rd.owned = fst.st_uid == geteuid() && (fst.st_mode & 077) == 0;
			rd.nlink = (unsigned long)fst.st_nlink;
			rd.n = ent_read_all(fd, buf, sizeof(buf));
		}
	}
	(void)ent_close(fd);
	/* Gone for good before any credit: a crash from here on can lose
	 * this seed but never credit it a second time. */
	unlinked = unlinkat(dfd, ENT_SEED_NAME, 0) == 0;
	saved = errno;
	removed = unlinked && fsync(dfd) == 0;
	(void)ent_close(dfd);
	if (rd.n < 0) {
		/* A read that failed half way may have left seed bytes */
		explicit_bzero(buf, sizeof(buf));
		if (unlinked) {
			ent_log(log, LOG_WARNING, "seed file in %.100s is no regular file "
					"or unreadable: removed, nothing credited", path);
		} else {
			ent_log(log, LOG_WARNING, "seed file in %.100s is no regular file "
					"or unreadable, and could not be removed (%s): nothing credited",
					path, strerror(saved));
		}
		return 0;
	}
	if (rd.n >= OFF_SUM) {
		memcpy(st->old, buf + OFF_SEED, ENT_SEED_BYTES);
		st->have_old = 1;
	}
	why = judge(cfg, ops, buf, &rd, whybuf, sizeof(whybuf), &cls);
	if (why == NULL && !removed) {
		why = "could not remove it durably";
	}
	if (why == NULL) {
		/* Every check passed: what that is worth is ent_credit.c's call */
		memset(&facts, 0, sizeof(facts));
		facts.checks_passed = 1;
		facts.other_seed_tool = ent_credit_other_seed_tool(ops);
		bits = ent_credit_bits(cfg, ENT_SOURCE_SEED, &facts, ENT_SEED_BYTES, &why);
		if (bits > 0) {
			why = NULL;
		}
	}
	if (why == NULL) {
		if (ops->rnd_add(buf + OFF_SEED, ENT_SEED_BYTES, bits) == 0) {
			explicit_bzero(buf, sizeof(buf));
			st->credited_bits = (int)bits;
			/* The class says what "this device" rests on */
			ent_log(log, LOG_NOTICE, "seed file credited %u bits (made while "
					"getrandom() was ready, on this device; its identity is %s)",
					bits, cls);
			return st->credited_bits;
		}
		why = errno == EPERM ? "crediting needs CAP_SYS_ADMIN" : "RNDADDENTROPY failed";
	}
	/* Mixing can only add to the pool: every byte read goes in */
	if (rd.n > 0 && rd.n <= ENT_SEED_FILE_LEN
			&& ops->rnd_add(buf, (size_t)rd.n, 0) < 0) {
		saved = errno;
		explicit_bzero(buf, sizeof(buf));
		ent_log(log, LOG_WARNING, "seed file not credited (%s) and could not be "
				"mixed (%s)", why, strerror(saved));
		return 0;
	}
	explicit_bzero(buf, sizeof(buf));
	ent_log(log, LOG_WARNING, "seed file mixed in without credit: %s", why);
	return 0;
}

void ent_seed_peek(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_seed_peek *pk)
{
	unsigned char buf[ENT_SEED_FILE_LEN + 1], sum[ENT_SHA256_LEN], dev[ENT_SHA256_LEN];
	const char *why, *cls, *path = ent_config_seed_dir(cfg);
	struct seed_read rd;
	struct stat st;
	struct ent_identity id;
	struct ent_credit_facts facts;
	int dfd, fd;

	memset(pk, 0, sizeof(*pk));
	pk->identity_matches = -1;
	pk->identity_class = pk->identity_class_text = "";
	memset(&rd, 0, sizeof(rd));
	rd.n = -1;
	/* No mkdir and no flock: a server loading the seed at this moment
	 * must not find the directory locked by us */
	dfd = ent_dir_open(path);
	if (dfd < 0) {
		(void)snprintf(pk->why, sizeof(pk->why), "seed directory %.100s: %s", path,
				strerror(errno));
		return;
	}
	if (fstat(dfd, &st) < 0 || !S_ISDIR(st.st_mode)
			|| st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		(void)snprintf(pk->why, sizeof(pk->why), "seed directory %.100s must be a "
				"directory of uid %ld with mode 0700", path, (long)geteuid());
		(void)ent_close(dfd);
		return;
	}
	pk->dir_usable = 1;
	rd.medium = st.st_dev;
	ent_identity_collect(ops, rd.medium, path, &id);
	(void)snprintf(pk->identity, sizeof(pk->identity), "%s", id.len > 0 ? id.sources : "");
	pk->identity_class = ent_identity_class(&id);
	pk->identity_class_text = ent_identity_class_text(&id);
	fd = ent_file_open(dfd, ENT_SEED_NAME, O_RDONLY | O_NONBLOCK, 0);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		pk->present = 1;
		rd.owned = st.st_uid == geteuid() && (st.st_mode & 077) == 0;
		rd.nlink = (unsigned long)st.st_nlink;
		rd.n = ent_read_all(fd, buf, sizeof(buf));
	}
	if (fd >= 0) {
		(void)ent_close(fd);
	} else if (errno != ENOENT) {
		(void)snprintf(pk->why, sizeof(pk->why), "seed file refused (%s)", strerror(errno));
	}
	(void)ent_close(dfd);
	if (!pk->present) {
		if (pk->why[0] == '\0') {
			(void)snprintf(pk->why, sizeof(pk->why), "no seed file");
		}
		explicit_bzero(&id, sizeof(id));
		return;
	}
	/* Bound to this device? Only a whole file of ours can tell */
	if (rd.n == ENT_SEED_FILE_LEN && memcmp(buf, MAGIC, 8) == 0 && id.len > 0
			&& (buf[OFF_FLAGS] & FLAG_BOUND)) {
		ent_seed_hash(sum, "dropbear-entropy seed file v1", buf, OFF_SUM);
		if (memcmp(sum, buf + OFF_SUM, ENT_SHA256_LEN) == 0) {
			ent_identity_hash(&id, dev);
			pk->identity_matches = memcmp(dev, buf + OFF_DEVICE, ENT_SHA256_LEN) == 0;
			explicit_bzero(dev, sizeof(dev));
		}
	}
	explicit_bzero(&id, sizeof(id));
	why = judge(cfg, ops, buf, &rd, pk->why, sizeof(pk->why), &cls);
	explicit_bzero(buf, sizeof(buf));
	if (why == NULL) {
		memset(&facts, 0, sizeof(facts));
		facts.checks_passed = 1;
		facts.other_seed_tool = ent_credit_other_seed_tool(ops);
		pk->creditable = ent_credit_bits(cfg, ENT_SOURCE_SEED, &facts, ENT_SEED_BYTES,
				&why) > 0;
	}
	if (why != pk->why) {
		(void)snprintf(pk->why, sizeof(pk->why), "%s", why);
	}
}

/* Fills file with a new seed: the old ones hashed with fresh output.
 * Returns 1 when it will be creditable, 0 when not (why says why, for the
 * log), -1 when there is nothing to make a seed of. */
static int make_seed(const struct ent_ops *ops, struct ent_log *log,
		const struct ent_seed *st, const unsigned char *prev, ssize_t nprev,
		const struct ent_identity *id, unsigned char *file, char *why, size_t wlen)
{
	unsigned char fresh[ENT_SEED_BYTES];
	hash_state h;
	ssize_t r;
	int creditable = 1, flags = FLAG_READY | FLAG_BOUND;

	why[0] = '\0';
	r = ops->getrandom(fresh, sizeof(fresh), GRND_NONBLOCK);
	if (r != (ssize_t)sizeof(fresh)) {
		/* Not ready: the output still holds what was mixed in (the
		 * old seed among it), but it is worth no credit */
		creditable = 0;
		flags &= ~FLAG_READY;
		ent_log(log, LOG_INFO, "getrandom() not ready: the new seed file "
				"will not be credited");
		r = ops->getrandom(fresh, sizeof(fresh), GRND_INSECURE);
		if (r != (ssize_t)sizeof(fresh) && !st->have_old && nprev <= 0) {
			explicit_bzero(fresh, sizeof(fresh));
			ent_log(log, LOG_WARNING, "no random bytes for a seed file yet");
			return -1;
		}
	}
	memset(file, 0, ENT_SEED_FILE_LEN);
	memcpy(file, MAGIC, 8);
	if (id->len == 0) {
		/* Bound to nothing, so never creditable anywhere */
		(void)snprintf(why, wlen, ": no device identity (%.319s)", id->missing);
		creditable = 0;
		flags &= ~FLAG_BOUND;
	} else {
		ent_identity_hash(id, file + OFF_DEVICE);
		(void)snprintf(why, wlen, ", bound to %s", id->sources);
	}
	file[OFF_FLAGS] = (unsigned char)flags;
	sha256_init(&h);
	sha256_process(&h, (const unsigned char *)"dropbear-entropy next seed v1", 30);
	if (st->have_old) {
		sha256_process(&h, st->old, sizeof(st->old));
	}
	if (nprev > 0) {
		sha256_process(&h, prev, (unsigned long)nprev);
	}
	if (r == (ssize_t)sizeof(fresh)) {
		sha256_process(&h, fresh, sizeof(fresh));
	}
	ent_sha256_done(&h, file + OFF_SEED);
	ent_seed_hash(file + OFF_SUM, "dropbear-entropy seed file v1", file, OFF_SUM);
	explicit_bzero(fresh, sizeof(fresh));
	explicit_bzero(&h, sizeof(h));
	return creditable;
}

/* One line each time a save cannot happen because name in the seed
 * directory is a directory: rename() cannot replace it, unlink() cannot
 * remove it, and removing a directory is the administrator's call */
static void log_blocked(const struct entropy_config *cfg, struct ent_log *log,
		const char *name)
{
	ent_log(log, LOG_WARNING, "cannot write a seed file in %.100s: %s there is a "
			"directory (remove it): none kept for the next boot",
			ent_config_seed_dir(cfg), name);
}

int ent_seed_save(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log, const struct ent_seed *st)
{
	unsigned char file[ENT_SEED_FILE_LEN], prev[ENT_SEED_FILE_LEN + 1];
	char why[360];
	struct ent_identity id;
	const char *step = "remove " ENT_SEED_TMP;
	struct stat fst;
	dev_t medium = 0;
	ssize_t nprev = 0;
	int dfd, fd, creditable, isdir = 0, saved;

	dfd = open_dir(cfg, log, 1, &medium);
	if (dfd < 0) {
		return -1;
	}
	/* A seed written earlier in this run (SIGTERM after seeding) */
	fd = ent_file_open(dfd, ENT_SEED_NAME, O_RDONLY | O_NONBLOCK, 0);
	if (fd >= 0) {
		if (fstat(fd, &fst) == 0) {
			isdir = S_ISDIR(fst.st_mode);
			if (S_ISREG(fst.st_mode)) {
				nprev = ent_read_all(fd, prev, sizeof(prev));
			}
		}
		(void)ent_close(fd);
	}
	if (isdir) {
		log_blocked(cfg, log, ENT_SEED_NAME);
		(void)ent_close(dfd);
		explicit_bzero(prev, sizeof(prev));
		return -1;
	}
	/* A temporary left by a crash is never read: start afresh */
	if (unlinkat(dfd, ENT_SEED_TMP, 0) < 0 && errno != ENOENT) {
		if (errno == EISDIR || errno == EPERM) {
			/* unlink(2) of a directory: EISDIR on Linux, EPERM in POSIX */
			log_blocked(cfg, log, ENT_SEED_TMP);
			(void)ent_close(dfd);
			explicit_bzero(prev, sizeof(prev));
			return -1;
		}
		goto fail;
	}
	ent_identity_collect(ops, medium, ent_config_seed_dir(cfg), &id);
	creditable = make_seed(ops, log, st, prev, nprev, &id, file, why, sizeof(why));
	explicit_bzero(&id, sizeof(id));
	explicit_bzero(prev, sizeof(prev));
	if (creditable < 0) {
		(void)ent_close(dfd);
		explicit_bzero(file, sizeof(file));
		return -1;
	}
	step = "open";
	fd = ent_file_open(dfd, ENT_SEED_TMP, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		goto fail;
	}
	step = "write";
	if (ent_write_all(fd, file, sizeof(file)) < 0) {
		(void)ent_close(fd);
		goto fail_tmp;
	}
	step = "fsync";
	if (fsync(fd) < 0) {
		(void)ent_close(fd);
		goto fail_tmp;
	}
	step = "close";
	if (ent_close(fd) < 0) {
		goto fail_tmp;
	}
	step = "rename";
	if (renameat(dfd, ENT_SEED_TMP, dfd, ENT_SEED_NAME) < 0) {
		goto fail_tmp;
	}
	step = "directory fsync";
	if (fsync(dfd) < 0) {
		/* The rename may or may not survive a crash; either file is
		 * whole, and neither was credited yet */
		goto fail;
	}
	(void)ent_close(dfd);
	explicit_bzero(file, sizeof(file));
	ent_log(log, LOG_INFO, "new seed file written to %.100s (%s%s)",
			ent_config_seed_dir(cfg), creditable ? "creditable at the next boot"
			: "mixed only at the next boot", why);
	return 0;

fail_tmp:
	saved = errno;
	(void)unlinkat(dfd, ENT_SEED_TMP, 0);
	errno = saved;
fail:
	ent_log(log, LOG_WARNING, "cannot write a seed file in %.100s (%s: %s): "
			"none kept for the next boot", ent_config_seed_dir(cfg), step, strerror(errno));
	(void)ent_close(dfd);
	explicit_bzero(file, sizeof(file));
	return -1;
}

#endif /* ENT_WITH_SEED */
