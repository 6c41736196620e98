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
 *     ours, mode 0600 or stricter, of exactly the right size;
 *   - it is unlinked and the directory fsync()ed before anything is
 *     credited: a crash after that point loses the seed, it can never
 *     credit it twice;
 *   - only a seed written while getrandom() was ready, on a device with
 *     the same identity hash, under a policy that credits, is credited;
 *     anything else that we read is mixed in (a write to /dev/urandom),
 *     which can only help, and the log says why it was not credited.
 * A new seed hashes the old one in, goes to a temporary name, is fsync()ed
 * and renamed over the old name, then the directory is fsync()ed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "ent_internal.h"

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

const char *ent_config_seed_dir(const struct entropy_config *cfg)
{
	return cfg->seed_dir[0] != '\0' ? cfg->seed_dir : ENTROPY_SEED_DIR;
}

void ent_seed_hash(unsigned char out[ENT_SHA256_LEN], const char *label,
		const void *a, size_t alen)
{
	struct ent_sha256 h;

	ent_sha256_init(&h);
	/* The label, with its NUL, keeps the two uses of the hash apart */
	ent_sha256_update(&h, label, strlen(label) + 1);
	ent_sha256_update(&h, a, alen);
	ent_sha256_final(&h, out);
}

/* Hash of this device's identity; returns 0, or -1 when nothing identifies
 * the device (then no seed may be bound to it). */
static int device_hash(const struct ent_ops *ops, unsigned char out[ENT_SHA256_LEN])
{
	char id[ENT_IDENTITY_MAX];
	ssize_t n;

	n = ops->identity(ops->ctx, id, sizeof(id));
	if (n <= 0) {
		return -1;
	}
	ent_seed_hash(out, "dropbear-entropy device v1", id, (size_t)n);
	return 0;
}

/* Opens, checks and locks the seed directory; -1 (logged once) when it
 * cannot be used. */
static int open_dir(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_progress *log, int create)
{
	const char *path = ent_config_seed_dir(cfg);
	struct stat st;
	int fd;

	if (create && ops->mkdir(ops->ctx, path, 0700) < 0 && errno != EEXIST) {
		/* EROFS, EACCES, ENOENT parent: nothing to keep a seed in */
		ent_log(log, LOG_WARNING, "entropy: cannot create seed directory %.100s (%s): "
				"no seed kept for the next boot", path, strerror(errno));
		return -1;
	}
	fd = ops->open_dir(ops->ctx, path);
	if (fd < 0) {
		if (errno == ENOENT) {
			ent_log(log, LOG_INFO, "entropy: no seed directory %.100s yet: "
					"nothing to credit", path);
		} else {
			ent_log(log, LOG_WARNING, "entropy: seed directory %.100s unusable (%s): "
					"seed file ignored", path, strerror(errno));
		}
		return -1;
	}
	if (ops->fstat(ops->ctx, fd, &st) < 0 || !S_ISDIR(st.st_mode)
			|| st.st_uid != ops->geteuid(ops->ctx) || (st.st_mode & 077) != 0) {
		/* Someone else could have planted or read a seed in it */
		ent_log(log, LOG_WARNING, "entropy: seed directory %.100s must be a directory "
				"of uid %ld with mode 0700: seed file ignored", path,
				(long)ops->geteuid(ops->ctx));
		(void)ops->close(ops->ctx, fd);
		return -1;
	}
	if (ops->flock(ops->ctx, fd) < 0) {
		ent_log(log, LOG_WARNING, "entropy: seed directory %.100s is locked (%s): "
				"another instance has the seed, left alone", path, strerror(errno));
		(void)ops->close(ops->ctx, fd);
		return -1;
	}
	return fd;
}

/* Reads at most len bytes of an open file; returns the count or -1 */
static ssize_t read_all(const struct ent_ops *ops, int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = ops->read(ops->ctx, fd, buf + got, len - got);
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -1;
		}
		if (r == 0) {
			break;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Why a seed we read may not be credited; NULL when it may */
static const char *judge(const struct entropy_config *cfg, const struct ent_ops *ops,
		const unsigned char *buf, ssize_t n, int owned)
{
	unsigned char sum[ENT_SHA256_LEN], dev[ENT_SHA256_LEN];

	if (n != ENT_SEED_FILE_LEN) {
		return n < ENT_SEED_FILE_LEN ? "truncated" : "oversized";
	}
	if (memcmp(buf, MAGIC, 8) != 0) {
		return "not a seed file of ours";
	}
	ent_seed_hash(sum, "dropbear-entropy seed file v1", buf, OFF_SUM);
	if (memcmp(sum, buf + OFF_SUM, ENT_SHA256_LEN) != 0) {
		return "checksum mismatch";
	}
	if (!owned) {
		return "wrong owner or mode";
	}
	if (!(buf[OFF_FLAGS] & FLAG_READY)) {
		return "written before getrandom() was ready";
	}
	if (!(buf[OFF_FLAGS] & FLAG_BOUND)) {
		return "not bound to a device (none identified when written)";
	}
	if (device_hash(ops, dev) < 0 || memcmp(dev, buf + OFF_DEVICE, ENT_SHA256_LEN) != 0) {
		return "written on another device (cloned image?)";
	}
	if (cfg->policy == ENTROPY_POLICY_STRICT) {
		return "policy strict";
	}
	return NULL;
}

int ent_seed_load(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_progress *log, struct ent_seed *st)
{
	unsigned char buf[ENT_SEED_FILE_LEN + 1];
	const char *why, *path = ent_config_seed_dir(cfg);
	struct stat fst;
	ssize_t n = -1;
	int dfd, fd, owned, removed;

	memset(st, 0, sizeof(*st));
	dfd = open_dir(cfg, ops, log, 0);
	if (dfd < 0) {
		return 0;
	}
	fd = ops->openat(ops->ctx, dfd, ENT_SEED_NAME, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0) {
		if (errno == ENOENT) {
			ent_log(log, LOG_INFO, "entropy: no seed file in %.100s: nothing to credit", path);
		} else {
			/* ELOOP: a symlink in its place. Remove the name (never
			 * what it points to) so the next seed can be written. */
			ent_log(log, LOG_WARNING, "entropy: seed file in %.100s refused (%s), "
					"removed unread", path, strerror(errno));
			if (ops->unlinkat(ops->ctx, dfd, ENT_SEED_NAME) == 0) {
				(void)ops->fsync(ops->ctx, dfd);
			}
		}
		(void)ops->close(ops->ctx, dfd);
		return 0;
	}
	owned = 0;
	if (ops->fstat(ops->ctx, fd, &fst) == 0 && S_ISREG(fst.st_mode)) {
		owned = fst.st_uid == ops->geteuid(ops->ctx) && (fst.st_mode & 077) == 0;
		n = read_all(ops, fd, buf, sizeof(buf));
	}
	(void)ops->close(ops->ctx, fd);
	/* Gone for good before any credit: a crash from here on can lose
	 * this seed but never credit it a second time. */
	removed = ops->unlinkat(ops->ctx, dfd, ENT_SEED_NAME) == 0
		&& ops->fsync(ops->ctx, dfd) == 0;
	(void)ops->close(ops->ctx, dfd);
	if (n < 0) {
		ent_log(log, LOG_WARNING, "entropy: seed file in %.100s is no regular file or "
				"unreadable: removed, nothing credited", path);
		return 0;
	}
	if (n >= OFF_SUM) {
		memcpy(st->old, buf + OFF_SEED, ENT_SEED_BYTES);
		st->have_old = 1;
	}
	why = judge(cfg, ops, buf, n, owned);
	if (why == NULL && !removed) {
		why = "could not remove it durably";
	}
	if (why == NULL) {
		if (ops->rnd_credit(ops->ctx, buf + OFF_SEED, ENT_SEED_BYTES,
					ENT_SEED_CREDIT_BITS) == 0) {
			st->credited_bits = ENT_SEED_CREDIT_BITS;
			ent_log(log, LOG_NOTICE, "entropy: seed file credited %d bits (made while "
					"getrandom() was ready, on this device)", ENT_SEED_CREDIT_BITS);
			return st->credited_bits;
		}
		why = errno == EPERM ? "crediting needs CAP_SYS_ADMIN" : "RNDADDENTROPY failed";
	}
	/* Mixing can only add to the pool: every byte read goes in */
	if (n > 0 && n <= ENT_SEED_FILE_LEN && ops->rnd_mix(ops->ctx, buf, (size_t)n) < 0) {
		ent_log(log, LOG_WARNING, "entropy: seed file not credited (%s) and could not be "
				"mixed (%s)", why, strerror(errno));
		return 0;
	}
	ent_log(log, LOG_WARNING, "entropy: seed file mixed in without credit: %s", why);
	return 0;
}

/* Fills file with a new seed: the old ones hashed with fresh output */
static int make_seed(const struct ent_ops *ops, struct ent_progress *log,
		const struct ent_seed *st, const unsigned char *prev, ssize_t nprev,
		unsigned char *file)
{
	unsigned char fresh[ENT_SEED_BYTES];
	struct ent_sha256 h;
	ssize_t r;
	int creditable = 1, flags = FLAG_READY | FLAG_BOUND;

	r = ops->getrandom(ops->ctx, fresh, sizeof(fresh), GRND_NONBLOCK);
	if (r != (ssize_t)sizeof(fresh)) {
		/* Not ready: the output still holds what was mixed in (the
		 * old seed among it), but it is worth no credit */
		creditable = 0;
		flags &= ~FLAG_READY;
		ent_log(log, LOG_INFO, "entropy: getrandom() not ready: the new seed file "
				"will not be credited");
		r = ops->getrandom(ops->ctx, fresh, sizeof(fresh), GRND_INSECURE);
		if (r != (ssize_t)sizeof(fresh) && !st->have_old && nprev <= 0) {
			ent_log(log, LOG_WARNING, "entropy: no random bytes for a seed file yet");
			return -1;
		}
	}
	memset(file, 0, ENT_SEED_FILE_LEN);
	memcpy(file, MAGIC, 8);
	if (device_hash(ops, file + OFF_DEVICE) < 0) {
		ent_log(log, LOG_WARNING, "entropy: nothing identifies this device: the seed "
				"file will be mixed, never credited");
		creditable = 0;
		flags &= ~FLAG_BOUND;
	}
	file[OFF_FLAGS] = (unsigned char)flags;
	ent_sha256_init(&h);
	ent_sha256_update(&h, "dropbear-entropy next seed v1", 30);
	if (st->have_old) {
		ent_sha256_update(&h, st->old, sizeof(st->old));
	}
	if (nprev > 0) {
		ent_sha256_update(&h, prev, (size_t)nprev);
	}
	if (r == (ssize_t)sizeof(fresh)) {
		ent_sha256_update(&h, fresh, sizeof(fresh));
	}
	ent_sha256_final(&h, file + OFF_SEED);
	ent_seed_hash(file + OFF_SUM, "dropbear-entropy seed file v1", file, OFF_SUM);
	memset(fresh, 0, sizeof(fresh));
	return creditable;
}

int ent_seed_save(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_progress *log, const struct ent_seed *st)
{
	unsigned char file[ENT_SEED_FILE_LEN], prev[ENT_SEED_FILE_LEN + 1];
	const char *step = "open";
	struct stat fst;
	ssize_t nprev = 0, w;
	int dfd, fd, creditable;

	dfd = open_dir(cfg, ops, log, 1);
	if (dfd < 0) {
		return -1;
	}
	/* A seed written earlier in this run (SIGTERM after seeding) */
	fd = ops->openat(ops->ctx, dfd, ENT_SEED_NAME, O_RDONLY | O_NONBLOCK, 0);
	if (fd >= 0) {
		if (ops->fstat(ops->ctx, fd, &fst) == 0 && S_ISREG(fst.st_mode)) {
			nprev = read_all(ops, fd, prev, sizeof(prev));
		}
		(void)ops->close(ops->ctx, fd);
	}
	creditable = make_seed(ops, log, st, prev, nprev, file);
	if (creditable < 0) {
		(void)ops->close(ops->ctx, dfd);
		return -1;
	}
	/* A temporary left by a crash is never read: start afresh */
	if (ops->unlinkat(ops->ctx, dfd, ENT_SEED_TMP) < 0 && errno != ENOENT) {
		goto fail;
	}
	fd = ops->openat(ops->ctx, dfd, ENT_SEED_TMP, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		goto fail;
	}
	step = "write";
	w = ops->write(ops->ctx, fd, file, sizeof(file));
	if (w != (ssize_t)sizeof(file)) {
		if (w >= 0) {
			errno = ENOSPC;
		}
		(void)ops->close(ops->ctx, fd);
		goto fail_tmp;
	}
	step = "fsync";
	if (ops->fsync(ops->ctx, fd) < 0) {
		(void)ops->close(ops->ctx, fd);
		goto fail_tmp;
	}
	step = "close";
	if (ops->close(ops->ctx, fd) < 0) {
		goto fail_tmp;
	}
	step = "rename";
	if (ops->renameat(ops->ctx, dfd, ENT_SEED_TMP, ENT_SEED_NAME) < 0) {
		goto fail_tmp;
	}
	step = "directory fsync";
	if (ops->fsync(ops->ctx, dfd) < 0) {
		/* The rename may or may not survive a crash; either file is
		 * whole, and neither was credited yet */
		goto fail;
	}
	(void)ops->close(ops->ctx, dfd);
	memset(file, 0, sizeof(file));
	ent_log(log, LOG_INFO, "entropy: new seed file written to %.100s (%s)",
			ent_config_seed_dir(cfg), creditable ? "creditable at the next boot"
			: "mixed only at the next boot");
	return 0;

fail_tmp:
	w = errno;
	(void)ops->unlinkat(ops->ctx, dfd, ENT_SEED_TMP);
	errno = (int)w;
fail:
	ent_log(log, LOG_WARNING, "entropy: cannot write a seed file in %.100s (%s: %s): "
			"none kept for the next boot", ent_config_seed_dir(cfg), step, strerror(errno));
	(void)ops->close(ops->ctx, dfd);
	memset(file, 0, sizeof(file));
	return -1;
}

#endif /* ENT_WITH_SEED */
