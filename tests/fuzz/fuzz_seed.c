/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * libFuzzer target: the seed file as ent_seed_load() reads it.
 *
 * The file is whatever the fuzzer makes of it, in a simulated seed
 * directory. Byte 0 controls the surroundings; the rest is the file:
 *   bit 0  rewrite the checksum field so that it matches (else the fuzzer
 *          could never get past it)
 *   bit 1  write this device's identity hash into the file (the hash of
 *          "soc-serial=<its serial>\n", as ent_identity.c words it)
 *   bit 2  file is group/other readable (mode 0644, must not be credited)
 *   bit 3  -X policy=strict
 *   bit 4  unlinkat() of the seed fails (EROFS)
 *   bit 5  fsync() of the directory fails (EIO)
 *   bit 6  RNDADDENTROPY refused (EPERM)
 *   bit 7  the file belongs to another user
 * The oracle, stated independently of the code: bits are credited only
 * for a file of exactly the right size, with our magic, a matching
 * checksum, both flags (made while ready, bound), this device's hash,
 * owned by us with no group/other bits, one link, under the default policy, and
 * only after the name was unlinked and the directory fsync()ed. Nothing
 * is credited twice, and nothing but the file's bytes is mixed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_seed.h"
#include "ent_sys.h"
#include "entropy.h"
#include "fs-wrap.h"

#define DIRFD	10
#define FILEFD	11
/* The device: a SoC serial and nothing else (ent_identity.c) */
#define SERIAL	"4c4c4544-0042-3510-8052-b4c04f4e3232"
#define IDENT	"soc-serial=" SERIAL "\n"

/* layout, as documented in ent_seed.c */
#define OFF_FLAGS	8
#define OFF_DEVICE	12
#define OFF_SEED	(OFF_DEVICE + ENT_SHA256_LEN)
#define OFF_SUM		(OFF_SEED + ENT_SEED_BYTES)

struct fz {
	unsigned char ctl;
	unsigned char *file;
	size_t len;
	size_t pos;
	int unlinked;
	int dir_synced_after_unlink;
	int credits;
	int credit_before_removal;
	int mixes;
	int mix_foreign;	/* mixed bytes that are not the file's */
	int file_open;
};

/* The input being replayed, NULL between inputs. The module reaches the
 * seed directory by plain system calls; this target is linked with
 * tests/lib/fs-wrap.opts, so they land below. A call on a descriptor the
 * fake did not hand out is libFuzzer's own and goes to libc. */
static struct fz *cur;

static int fake_fd(int fd)
{
	return cur != NULL && (fd == DIRFD || (fd == FILEFD && cur->file_open));
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode;

	DBE_WRAP_MODE(flags, flags, mode);
	if (cur == NULL || !(flags & O_DIRECTORY)) {
		return __real_open(path, flags, mode);
	}
	return DIRFD;
}

int __wrap_fstat(int fd, struct stat *st)
{
	struct fz *f = cur;

	if (!fake_fd(fd)) {
		return __real_fstat(fd, st);
	}
	memset(st, 0, sizeof(*st));
	if (fd == DIRFD) {
		st->st_mode = S_IFDIR | 0700;
		st->st_uid = 0;
		return 0;
	}
	st->st_mode = S_IFREG | ((f->ctl & 0x04) ? 0644 : 0600);
	st->st_uid = (f->ctl & 0x80) ? 1000 : 0;
	st->st_size = (off_t)f->len;
	st->st_nlink = 1;
	return 0;
}

int __wrap_flock(int fd, int op)
{
	if (!fake_fd(fd)) {
		return __real_flock(fd, op);
	}
	return 0;
}

int __wrap_openat(int dirfd, const char *name, int flags, ...)
{
	struct fz *f = cur;
	mode_t mode;

	DBE_WRAP_MODE(flags, flags, mode);
	if (!fake_fd(dirfd)) {
		return __real_openat(dirfd, name, flags, mode);
	}
	if (strcmp(name, ENT_SEED_NAME) != 0 || f->unlinked) {
		errno = ENOENT;
		return -1;
	}
	f->file_open = 1;
	return FILEFD;
}

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
	struct fz *f = cur;
	size_t n;

	if (!fake_fd(fd)) {
		return __real_read(fd, buf, len);
	}
	if (fd != FILEFD) {
		errno = EISDIR;
		return -1;
	}
	n = f->len - f->pos;
	/* short reads, as a file system may give them */
	if (n > len) {
		n = len;
	}
	if (n > 17) {
		n = 17;
	}
	memcpy(buf, f->file + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

int __wrap_close(int fd)
{
	if (!fake_fd(fd)) {
		return __real_close(fd);
	}
	if (fd == FILEFD) {
		cur->file_open = 0;
	}
	return 0;
}

int __wrap_unlinkat(int dirfd, const char *name, int flags)
{
	struct fz *f = cur;

	if (!fake_fd(dirfd)) {
		return __real_unlinkat(dirfd, name, flags);
	}
	if (strcmp(name, ENT_SEED_NAME) != 0 || flags != 0) {
		abort();	/* it only ever removes its own seed */
	}
	if (f->ctl & 0x10) {
		errno = EROFS;
		return -1;
	}
	f->unlinked = 1;
	return 0;
}

int __wrap_fsync(int fd)
{
	struct fz *f = cur;

	if (!fake_fd(fd)) {
		return __real_fsync(fd);
	}
	if (f->ctl & 0x20) {
		errno = EIO;
		return -1;
	}
	if (fd == DIRFD && f->unlinked) {
		f->dir_synced_after_unlink = 1;
	}
	return 0;
}

uid_t __wrap_geteuid(void)
{
	return cur != NULL ? 0 : __real_geteuid();
}

static int fz_rnd_add(const void *buf, size_t len, unsigned int bits)
{
	struct fz *f = cur;

	if (bits == 0) {
		f->mixes++;
		if (len > f->len || memcmp(buf, f->file, len) != 0) {
			f->mix_foreign = 1;
		}
		return 0;
	}
	if (!(f->unlinked && f->dir_synced_after_unlink)) {
		f->credit_before_removal = 1;
	}
	if (f->ctl & 0x40) {
		errno = EPERM;
		return -1;
	}
	f->credits++;
	return 0;
}

static ssize_t fz_read_file(const char *path, char *buf, size_t len)
{
	size_t n = strlen(SERIAL);

	if (strcmp(path, "/sys/devices/soc0/serial_number") != 0 || len == 0) {
		errno = ENOENT;
		return -1;
	}
	if (n > len - 1) {
		n = len - 1;
	}
	memcpy(buf, SERIAL, n);
	buf[n] = '\0';
	return (ssize_t)n;
}

static ssize_t fz_list_dir(const char *path, char *buf, size_t len)
{
	(void)path;
	(void)buf;
	(void)len;
	errno = ENOENT;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct entropy_config cfg;
	struct ent_ops ops;
	struct ent_log log;
	struct ent_seed st;
	struct fz f;
	unsigned char dev[ENT_SHA256_LEN], sum[ENT_SHA256_LEN];
	int r, want;

	if (size < 1) {
		return 0;
	}
	memset(&f, 0, sizeof(f));
	f.ctl = data[0];
	f.len = size - 1;
	f.file = malloc(f.len + 1);
	if (f.file == NULL) {
		return 0;
	}
	memcpy(f.file, data + 1, f.len);
	ent_seed_hash(dev, "dropbear-entropy device v2", IDENT, strlen(IDENT));
	if ((f.ctl & 0x02) && f.len >= OFF_SEED) {
		memcpy(f.file + OFF_DEVICE, dev, ENT_SHA256_LEN);
	}
	if ((f.ctl & 0x01) && f.len >= OFF_SUM + ENT_SHA256_LEN) {
		ent_seed_hash(sum, "dropbear-entropy seed file v1", f.file, OFF_SUM);
		memcpy(f.file + OFF_SUM, sum, ENT_SHA256_LEN);
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.policy = (f.ctl & 0x08) ? ENTROPY_POLICY_STRICT : ENTROPY_POLICY_DEFAULT;
	memset(&ops, 0, sizeof(ops));
	cur = &f;
	ops.rnd_add = fz_rnd_add;
	ops.read_file = fz_read_file;
	ops.list_dir = fz_list_dir;
	memset(&log, 0, sizeof(log));
	log.ops = &ops;

	r = ent_seed_load(&cfg, &ops, &log, &st);

	want = f.len == ENT_SEED_FILE_LEN
		&& memcmp(f.file, "DBESEED1", 8) == 0
		&& (ent_seed_hash(sum, "dropbear-entropy seed file v1", f.file, OFF_SUM),
			memcmp(sum, f.file + OFF_SUM, ENT_SHA256_LEN) == 0)
		&& (f.file[OFF_FLAGS] & 0x3) == 0x3
		&& memcmp(f.file + OFF_DEVICE, dev, ENT_SHA256_LEN) == 0
		&& !(f.ctl & 0x04) && !(f.ctl & 0x80)
		&& !(f.ctl & 0x08)
		&& !(f.ctl & 0x10) && !(f.ctl & 0x20);
	if (f.credit_before_removal) {
		abort();	/* a crash now could credit the same seed again */
	}
	if (f.credits > 1 || (f.credits == 1) != (want && !(f.ctl & 0x40))) {
		abort();
	}
	if (r != (f.credits == 1 ? ENT_SEED_CREDIT_BITS : 0) || st.credited_bits != r) {
		abort();
	}
	if (f.mix_foreign) {
		abort();
	}
	/* whatever happened, the name is gone unless removing it failed */
	if (!f.unlinked && !(f.ctl & 0x10)) {
		abort();
	}
	cur = NULL;
	free(f.file);
	return 0;
}
