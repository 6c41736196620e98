/*
 * Unit tests of the seed file (ent_seed.c) and SHA-256, on the simulated
 * kernel's in-memory seed directory (sim.c). Called from test_entropy.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

static volatile int stop;

static void hex(const unsigned char *d, char *out)
{
	int i;

	for (i = 0; i < ENT_SHA256_LEN; i++) {
		sprintf(out + 2 * i, "%02x", d[i]);
	}
}

static void test_sha256(void)
{
	static const char *const in[] = {
		"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
	};
	static const char *const want[] = {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	};
	struct ent_sha256 h;
	unsigned char d[ENT_SHA256_LEN];
	char x[65];
	int i;

	for (i = 0; i < 3; i++) {
		ent_sha256_init(&h);
		ent_sha256_update(&h, in[i], strlen(in[i]));
		ent_sha256_final(&h, d);
		hex(d, x);
		CHECK(strcmp(x, want[i]) == 0, "sha256 vector %d: %s", i, x);
	}
	/* A million 'a' in uneven pieces: block boundaries and the length */
	ent_sha256_init(&h);
	for (i = 0; i < 1000000; i += 999) {
		static const char a[999] = { [0 ... 998] = 'a' };

		ent_sha256_update(&h, a, 1000000 - i < 999 ? (size_t)(1000000 - i) : 999);
	}
	ent_sha256_final(&h, d);
	hex(d, x);
	CHECK(strcmp(x, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
			"sha256 million a: %s", x);
}

static void setup(struct sim *s, struct entropy_config *cfg, int poolsize)
{
	sim_init(s, poolsize);
	sim_config(s, cfg, &stop);
	snprintf(cfg->seed_dir, sizeof(cfg->seed_dir), "%s", SIM_SEED_DIR);
}

/* First boot: no seed directory; the jitter collector seeds the kernel,
 * then a creditable seed is written. Returns the seed file's bytes. */
static size_t first_boot(unsigned char *out, const char *identity)
{
	struct sim s;
	struct entropy_config cfg;
	struct sim_file *f;
	int r;

	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.identity = identity;
	r = ent_wait(&cfg, sim_ops(&s), NULL);
	f = sim_file(&s, ENT_SEED_NAME);
	CHECK(r == 0 && s.dir_exists && (s.dir_mode & 0777) == 0700, "first boot: directory 0700");
	CHECK(f != NULL && f->len == ENT_SEED_FILE_LEN && (f->mode & 0777) == 0600,
			"first boot: seed file of %d bytes, 0600", ENT_SEED_FILE_LEN);
	CHECK(sim_file(&s, ENT_SEED_TMP) == NULL, "first boot: no temporary left");
	CHECK(sim_log_count(&s, identity != NULL && identity[0] == '\0' ? "mixed only at the next"
			: "creditable at the next boot") == 1, "first boot: says whether creditable");
	CHECK(s.credit_calls == 0 && sim_fds_open(&s) == 0 && s.violations == 0,
			"first boot: nothing credited, no descriptor left");
	if (f == NULL) {
		return 0;
	}
	memcpy(out, f->data, f->len);
	return f->len;
}

/* A boot with the given seed file; returns the wait's result */
static int boot_with(struct sim *s, struct entropy_config *cfg, const unsigned char *seed,
		size_t len)
{
	s->dir_exists = 1;
	if (seed != NULL) {
		(void)sim_file_add(s, ENT_SEED_NAME, seed, len);
	}
	return ent_wait(cfg, sim_ops(s), NULL);
}

static void test_seed_roundtrip(void)
{
	unsigned char seed[512];
	struct sim s;
	struct entropy_config cfg;
	struct sim_file *f;
	size_t n;
	int r;

	n = first_boot(seed, NULL);

	/* Second boot: credited, nothing else starts */
	setup(&s, &cfg, 256);
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credited_bits == 256 && s.credit_calls == 1, "second boot: 256 bits credited");
	CHECK(s.sockets == 0 && !s.collector_spawned && s.block_reads == 0,
			"second boot: no stimulator started");
	CHECK(s.credit_before_sync == 0 && s.durable_unlinks == 1,
			"second boot: unlinked and directory synced before the credit");
	CHECK(sim_log_count(&s, "while running: seed file (256 bits)") == 1,
			"second boot: final line names the seed file");
	f = sim_file(&s, ENT_SEED_NAME);
	CHECK(f != NULL && f->len == n && memcmp(f->data, seed, n) != 0,
			"second boot: a different seed replaces it");
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "second boot: clean");

	/* Old kernel: 256 bits credited is more than its 128 */
	setup(&s, &cfg, 4096);
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credited_bits == 256 && s.sockets == 0, "old kernel: seeded by the file");

	/* A cloned disk image on another device */
	setup(&s, &cfg, 256);
	s.identity = "mac=52:54:00:ab:cd:ef\n";
	s.has_jitter = 1;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credit_calls == 0 && s.mix_calls == 1, "foreign device: mixed, not credited");
	CHECK(sim_log_count(&s, "another device") == 1, "foreign device: the log says why");
	CHECK(sim_file(&s, ENT_SEED_NAME) != NULL, "foreign device: a seed of its own is written");

	/* policy=strict credits nothing */
	setup(&s, &cfg, 256);
	cfg.policy = ENTROPY_POLICY_STRICT;
	s.has_jitter = 1;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credit_calls == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "policy strict") == 1, "strict: mixed only");

	/* Not root: one warning, mixed */
	setup(&s, &cfg, 256);
	s.euid = 1000;
	s.dir_uid = 1000;
	s.has_jitter = 1;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credited_bits == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "CAP_SYS_ADMIN") == 1, "non-root: one warning, mixed");
}

/* Each damaged seed: nothing credited, the log names the reason, the
 * file is gone and a new one written */
static void damaged(const char *what, const unsigned char *seed, size_t n,
		void (*spoil)(struct sim *), const char *reason)
{
	struct sim s;
	struct entropy_config cfg;
	int r;

	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_exists = 1;
	(void)sim_file_add(&s, ENT_SEED_NAME, seed, n);
	if (spoil != NULL) {
		spoil(&s);
	}
	r = ent_wait(&cfg, sim_ops(&s), NULL);
	CHECK(r == 0 && s.credit_calls == 0, "%s: not credited", what);
	CHECK(sim_log_count(&s, reason) == 1, "%s: log says \"%s\"", what, reason);
	CHECK(sim_file(&s, ENT_SEED_NAME) != NULL && sim_file(&s, ENT_SEED_NAME)->len
			== ENT_SEED_FILE_LEN && S_ISREG(sim_file(&s, ENT_SEED_NAME)->mode),
			"%s: replaced by a good seed", what);
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "%s: clean", what);
}

static void spoil_symlink(struct sim *s) { sim_file(s, ENT_SEED_NAME)->mode = S_IFLNK | 0777; }
static void spoil_fifo(struct sim *s) { sim_file(s, ENT_SEED_NAME)->mode = S_IFIFO | 0600; }
static void spoil_owner(struct sim *s) { sim_file(s, ENT_SEED_NAME)->uid = 1000; }
static void spoil_mode(struct sim *s) { sim_file(s, ENT_SEED_NAME)->mode = S_IFREG | 0644; }
static void spoil_byte(struct sim *s) { sim_file(s, ENT_SEED_NAME)->data[50] ^= 1; }

static void test_seed_damage(void)
{
	unsigned char seed[512], big[512];
	size_t n;

	n = first_boot(seed, NULL);
	damaged("truncated", seed, n - 1, NULL, "truncated");
	damaged("empty", seed, 0, NULL, "truncated");
	memcpy(big, seed, n);
	big[n] = 0;
	damaged("oversized", big, n + 1, NULL, "oversized");
	damaged("flipped bit", seed, n, spoil_byte, "checksum mismatch");
	damaged("symlink", seed, n, spoil_symlink, "removed unread");
	damaged("fifo", seed, n, spoil_fifo, "no regular file");
	damaged("wrong owner", seed, n, spoil_owner, "wrong owner or mode");
	damaged("mode 0644", seed, n, spoil_mode, "wrong owner or mode");

	/* Written with nothing to identify the device: never creditable */
	n = first_boot(seed, "");
	damaged("unbound", seed, n, NULL, "not bound to a device");
}

static void test_seed_storage(void)
{
	unsigned char seed[512];
	struct sim s;
	struct entropy_config cfg;
	size_t n;
	int r;

	n = first_boot(seed, NULL);

	/* Read-only root: the seed cannot be removed, so it is not credited */
	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_rofs = 1;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credit_calls == 0 && sim_log_count(&s, "could not remove it durably") == 1,
			"EROFS: not credited");
	CHECK(sim_log_count(&s, "cannot write a seed file") == 1, "EROFS: one line on the write");

	/* Read-only root without the directory: one line, no loop */
	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_rofs = 1;
	r = ent_wait(&cfg, sim_ops(&s), NULL);
	CHECK(r == 0 && sim_log_count(&s, "cannot create seed directory") == 1
			&& sim_log_count(&s, "seed") == 3, "EROFS, no directory: one line each way");

	/* A failed directory fsync after the unlink: not credited */
	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.fail_op = "fsync";
	s.fail_errno = EIO;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credit_calls == 0, "fsync EIO: not credited");

	/* ENOSPC while writing: temporary removed, no seed */
	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_enospc = 1;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credited_bits == 256 && sim_file(&s, ENT_SEED_NAME) == NULL
			&& sim_file(&s, ENT_SEED_TMP) == NULL
			&& sim_log_count(&s, "No space left") == 1, "ENOSPC: nothing left behind");

	/* A failed rename: the temporary is removed */
	setup(&s, &cfg, 256);
	s.fail_op = "renameat";
	s.fail_errno = EIO;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && sim_file(&s, ENT_SEED_TMP) == NULL && sim_file(&s, ENT_SEED_NAME) == NULL,
			"rename EIO: temporary removed");

	/* A directory that is not ours: the seed is left alone */
	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_exists = 1;
	s.dir_mode = S_IFDIR | 0755;
	(void)sim_file_add(&s, ENT_SEED_NAME, seed, n);
	r = ent_wait(&cfg, sim_ops(&s), NULL);
	CHECK(r == 0 && s.credit_calls == 0 && s.mix_calls == 0 && sim_file(&s, ENT_SEED_NAME) != NULL
			&& memcmp(sim_file(&s, ENT_SEED_NAME)->data, seed, n) == 0,
			"directory 0755: seed left alone");
	CHECK(sim_log_count(&s, "mode 0700") == 2, "directory 0755: a line on read and on write");

	/* Another instance holds the lock */
	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_locked = 1;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credit_calls == 0 && sim_file(&s, ENT_SEED_NAME) != NULL
			&& sim_log_count(&s, "locked") == 2, "locked: left alone");

	/* A stale temporary from a crash is never read, and replaced */
	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_exists = 1;
	(void)sim_file_add(&s, ENT_SEED_TMP, seed, n);
	r = ent_wait(&cfg, sim_ops(&s), NULL);
	CHECK(r == 0 && s.credit_calls == 0 && sim_file(&s, ENT_SEED_NAME) != NULL
			&& sim_file(&s, ENT_SEED_TMP) == NULL, "stale temporary: ignored, cleaned");

	/* Saved while not ready (SIGTERM during the wait): not creditable */
	setup(&s, &cfg, 256);
	{
		struct ent_progress p;
		struct ent_seed none;

		memset(&none, 0, sizeof(none));
		ent_progress_init(&p, &cfg, sim_ops(&s), 256, s.now);
		r = ent_seed_save(&cfg, sim_ops(&s), &p, &none);
		ent_progress_close(&p);
	}
	CHECK(r == 0 && sim_log_count(&s, "not ready") == 1 && s.violations == 0,
			"save unready: written, marked");
	n = sim_file(&s, ENT_SEED_NAME) != NULL ? sim_file(&s, ENT_SEED_NAME)->len : 0;
	memcpy(seed, sim_file(&s, ENT_SEED_NAME) != NULL ? sim_file(&s, ENT_SEED_NAME)->data
			: seed, n);
	damaged("unready seed", seed, n, NULL, "before getrandom() was ready");
}

static void test_seed_config(void)
{
	struct entropy_config cfg;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	CHECK(entropy_config_set(&cfg, "policy=strict", err, sizeof(err)) == 0
			&& cfg.policy == ENTROPY_POLICY_STRICT, "policy=strict");
	CHECK(entropy_config_set(&cfg, "policy=default", err, sizeof(err)) == 0
			&& cfg.policy == ENTROPY_POLICY_DEFAULT, "policy=default");
	CHECK(entropy_config_set(&cfg, "policy=lax", err, sizeof(err)) == -1
			&& strstr(err, "-X policy") != NULL && strstr(err, "strict|default") != NULL,
			"policy bad: %s", err);
	CHECK(entropy_config_set(&cfg, "policy", err, sizeof(err)) == -1, "policy without value");
	CHECK(entropy_config_set(&cfg, "seed-dir=/data/seed", err, sizeof(err)) == 0
			&& strcmp(cfg.seed_dir, "/data/seed") == 0, "seed-dir");
	CHECK(entropy_config_set(&cfg, "seed-dir=rel", err, sizeof(err)) == -1
			&& strstr(err, "-X seed-dir") != NULL, "seed-dir relative: %s", err);
	CHECK(entropy_config_set(&cfg, "seed-dir=/", err, sizeof(err)) == -1, "seed-dir /");
	memset(&cfg, 0, sizeof(cfg));
	CHECK(strcmp(ent_config_seed_dir(&cfg), "/var/lib/dropbear-entropy") == 0,
			"seed-dir default");
	CHECK(strstr(entropy_config_usage(), "policy=") != NULL
			&& strstr(entropy_config_usage(), "seed-dir=") != NULL, "usage names the keys");
}

void test_seed(int *passed, int *failed)
{
	np = passed;
	nf = failed;
	test_sha256();
	test_seed_config();
	test_seed_roundtrip();
	test_seed_damage();
	test_seed_storage();
}
