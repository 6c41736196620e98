/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of the seed file (ent_seed.c) and SHA-256, on the simulated
 * kernel's in-memory seed directory (sim.c). Called from test_entropy.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "ent_config.h"
#include "ent_identity.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_seed.h"
#include "ent_wait.h"
#include "entropy.h"
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
	hash_state h;
	unsigned char d[ENT_SHA256_LEN];
	char x[65];
	int i;

	for (i = 0; i < 3; i++) {
		sha256_init(&h);
		sha256_process(&h, (const unsigned char *)in[i], strlen(in[i]));
		ent_sha256_done(&h, d);
		hex(d, x);
		CHECK(strcmp(x, want[i]) == 0, "sha256 vector %d: %s", i, x);
	}
	/* A million 'a' in uneven pieces: block boundaries and the length */
	sha256_init(&h);
	for (i = 0; i < 1000000; i += 999) {
		static const unsigned char a[999] = { [0 ... 998] = 'a' };

		sha256_process(&h, a, 1000000 - i < 999 ? (unsigned long)(1000000 - i) : 999);
	}
	ent_sha256_done(&h, d);
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

/* Hardware for the simulated kernel; NULL keeps sim.c's default, the
 * rig's guest (virtio disk with a serial, qemu's default MAC) */
typedef void (*hw_fn)(struct sim *s);

/* Nothing at all in sysfs, the seed directory on tmpfs */
static void hw_none(struct sim *s)
{
	sim_sysfs_clear(s);
	s->dir_dev = makedev(0, 23);
}

/* qemu's aarch64 virt board: no DMI, no device-tree serial, a virtio disk
 * without a serial, and the MAC that every qemu guest has */
static void hw_qemu_bare(struct sim *s)
{
	sim_sysfs_set(s, "/sys/block/vda/serial", NULL);
}

/* The rig's disk cloned (dd) to another disk with another serial */
static void hw_rig_clone(struct sim *s)
{
	sim_sysfs_set(s, "/sys/block/vda/serial", "dbe-rig-0002");
}

/* A PC board whose firmware left its fields unset */
static void hw_placeholder_dmi(struct sim *s)
{
	hw_none(s);
	sim_sysfs_set(s, "/sys/class/dmi/id/product_serial", "To Be Filled By O.E.M.\n");
	sim_sysfs_set(s, "/sys/class/dmi/id/board_serial", "Default string\n");
	sim_sysfs_set(s, "/sys/class/dmi/id/product_uuid",
			"03000200-0400-0500-0006-000700080009\n");
}

/* A NIC whose MAC software chose (the locally administered bit) */
static void hw_local_mac(struct sim *s)
{
	hw_none(s);
	sim_sysfs_set(s, "/sys/class/net/end0/device/uevent", "DRIVER=st_gmac\n");
	sim_sysfs_set(s, "/sys/class/net/end0/address", "02:81:7c:3a:19:e4\n");
	sim_sysfs_set(s, "/sys/class/net/end0/addr_assign_type", "0\n");
}

/* The same NIC with its vendor's MAC from an EEPROM */
static void hw_universal_mac(struct sim *s)
{
	hw_local_mac(s);
	sim_sysfs_set(s, "/sys/class/net/end0/address", "00:1a:2b:3c:4d:5e\n");
}

/* An eMMC board: the seed on partition 2 of mmcblk0, which has a CID */
static void hw_emmc(struct sim *s)
{
	hw_none(s);
	s->dir_dev = makedev(179, 2);
	sim_sysfs_set(s, "/sys/dev/block/179:2/uevent",
			"MAJOR=179\nMINOR=2\nDEVNAME=mmcblk0p2\nDEVTYPE=partition\n");
	sim_sysfs_set(s, "/sys/class/block/mmcblk0p2/partition", "2\n");
	sim_sysfs_set(s, "/sys/block/mmcblk0/mmcblk0p2/partition", "2\n");
	sim_sysfs_set(s, "/sys/block/mmcblk0/mmcblk0p1/partition", "1\n");
	sim_sysfs_set(s, "/sys/block/mmcblk0/device/cid", "150100424a544434520530a1e2c15f00\n");
	sim_sysfs_set(s, "/sys/block/mmcblk0/device/serial", "0x30a1e2c1\n");
	sim_sysfs_set(s, "/sys/block/mmcblk0boot0/device/cid", "150100424a544434520530a1e2c15f00\n");
	/* and the MAC the bootloader environment on that eMMC sets */
	sim_sysfs_set(s, "/sys/class/net/eth0/device/uevent", "DRIVER=fec\n");
	sim_sysfs_set(s, "/sys/class/net/eth0/address", "02:00:00:00:00:01\n");
}

/* The eMMC image written to another board's eMMC */
static void hw_emmc_clone(struct sim *s)
{
	hw_emmc(s);
	sim_sysfs_set(s, "/sys/block/mmcblk0/device/cid", "150100424a5444345205e7c04d125f00\n");
	sim_sysfs_set(s, "/sys/block/mmcblk0/device/serial", "0xe7c04d12\n");
}

/* First boot: no seed directory; the jitter collector seeds the kernel,
 * then a seed is written, creditable where the device has an identity.
 * Returns the seed file's bytes. */
static size_t first_boot(unsigned char *out, hw_fn hw, int identified)
{
	struct sim s;
	struct entropy_config cfg;
	struct sim_file *f;
	int r;

	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	if (hw != NULL) {
		hw(&s);
	}
	r = ent_wait(&cfg, sim_ops(&s));
	f = sim_file(&s, ENT_SEED_NAME);
	CHECK(r == 0 && s.dir_exists && (s.dir_mode & 0777) == 0700, "first boot: directory 0700");
	CHECK(f != NULL && f->len == ENT_SEED_FILE_LEN && (f->mode & 0777) == 0600,
			"first boot: seed file of %d bytes, 0600", ENT_SEED_FILE_LEN);
	CHECK(sim_file(&s, ENT_SEED_TMP) == NULL, "first boot: no temporary left");
	CHECK(sim_log_count(&s, identified ? "creditable at the next boot"
			: "mixed only at the next boot: no device identity (") == 1,
			"first boot: says whether creditable");
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
	return ent_wait(cfg, sim_ops(s));
}

static void test_seed_roundtrip(void)
{
	unsigned char seed[512];
	struct sim s;
	struct entropy_config cfg;
	struct sim_file *f;
	size_t n;
	int r;

	n = first_boot(seed, NULL, 1);

	/* Second boot: credited, nothing else starts */
	setup(&s, &cfg, 256);
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credited_bits == 256 && s.credit_calls == 1, "second boot: 256 bits credited");
	CHECK(s.sockets == 0 && !s.collector_spawned && s.block_reads == 0,
			"second boot: no stimulator started");
	CHECK(s.credit_before_sync == 0 && s.durable_unlinks == 1,
			"second boot: unlinked and directory synced before the credit");
	/* The file calls are the module's own system calls, seen here only
	 * through the link's --wrap: without it they would have gone to the
	 * real file system (and found no /sim/seed) */
	CHECK(s.fs_calls >= 8 && s.violations == 0,
			"second boot: its %lu file system calls reached the simulated directory",
			s.fs_calls);
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
	hw_rig_clone(&s);
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
			&& sim_log_count(&s, "policy=strict credits nothing") == 1, "strict: mixed only");

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
	r = ent_wait(&cfg, sim_ops(&s));
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
static void spoil_nlink(struct sim *s) { sim_file(s, ENT_SEED_NAME)->nlink = 2; }

static void test_seed_damage(void)
{
	unsigned char seed[512], big[512];
	size_t n;

	n = first_boot(seed, NULL, 1);
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

	/* Two names for one seed: one would outlive the unlink */
	damaged("two hard links", seed, n, spoil_nlink, "it has 2 hard links, not 1");

	/* Written with nothing to identify the device: never creditable,
	 * also where an identity appears later */
	n = first_boot(seed, hw_none, 0);
	damaged("unbound", seed, n, NULL, "not bound to a device");
}

static void test_seed_storage(void)
{
	unsigned char seed[512];
	struct sim s;
	struct entropy_config cfg;
	size_t n;
	int r;

	n = first_boot(seed, NULL, 1);

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
	r = ent_wait(&cfg, sim_ops(&s));
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
	r = ent_wait(&cfg, sim_ops(&s));
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
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credit_calls == 0 && sim_file(&s, ENT_SEED_NAME) != NULL
			&& sim_file(&s, ENT_SEED_TMP) == NULL, "stale temporary: ignored, cleaned");

	/* Saved while not ready (SIGTERM during the wait): not creditable */
	setup(&s, &cfg, 256);
	{
		struct ent_log p;
		struct ent_seed none;

		memset(&none, 0, sizeof(none));
		ent_log_init(&p, &cfg, sim_ops(&s));
		r = ent_seed_save(&cfg, sim_ops(&s), &p, &none);
	}
	CHECK(r == 0 && sim_log_count(&s, "not ready") == 1 && s.violations == 0,
			"save unready: written, marked");
	n = sim_file(&s, ENT_SEED_NAME) != NULL ? sim_file(&s, ENT_SEED_NAME)->len : 0;
	memcpy(seed, sim_file(&s, ENT_SEED_NAME) != NULL ? sim_file(&s, ENT_SEED_NAME)->data
			: seed, n);
	damaged("unready seed", seed, n, NULL, "before getrandom() was ready");
}

/* The identity that ent_identity.c finds on hw */
static void identity_of(hw_fn hw, struct ent_identity *id)
{
	struct sim s;

	sim_init(&s, 256);
	if (hw != NULL) {
		hw(&s);
	}
	ent_identity_collect(sim_ops(&s), s.dir_dev, SIM_SEED_DIR, id);
	CHECK(s.violations == 0, "identity: no misuse of the simulated kernel");
}

static const char *one_serial;

static void hw_one_serial(struct sim *s)
{
	hw_none(s);
	sim_sysfs_set(s, "/sys/devices/soc0/serial_number", one_serial);
}

static void hw_scsi(struct sim *s)
{
	static const unsigned char pg80[] = {
		0x00, 0x80, 0x00, 0x0c, 'W', 'D', '-', 'W', 'X', '1', '2', 'A', '3', ' ', ' ', ' '
	};

	hw_none(s);
	s->dir_dev = makedev(8, 0);
	sim_sysfs_set(s, "/sys/dev/block/8:0/uevent", "MAJOR=8\nMINOR=0\nDEVNAME=sda\nDEVTYPE=disk\n");
	sim_sysfs_bin(s, "/sys/block/sda/device/vpd_pg80", pg80, sizeof(pg80));
}

/* dm-crypt on partition 3 of an NVMe disk */
static void hw_dm_nvme(struct sim *s)
{
	hw_none(s);
	s->dir_dev = makedev(253, 0);
	sim_sysfs_set(s, "/sys/dev/block/253:0/uevent", "MAJOR=253\nMINOR=0\nDEVNAME=dm-0\nDEVTYPE=disk\n");
	sim_sysfs_set(s, "/sys/block/dm-0/slaves/nvme0n1p3/partition", "3\n");
	sim_sysfs_set(s, "/sys/class/block/nvme0n1p3/partition", "3\n");
	sim_sysfs_set(s, "/sys/block/nvme0n1/nvme0n1p3/partition", "3\n");
	sim_sysfs_set(s, "/sys/block/nvme0n1/device/serial", "S4EWNX0R123456     \n");
}

/* A board with a SoC serial and a device-tree serial, and a universal
 * MAC that must then stay out (NICs may come late) */
static void hw_soc(struct sim *s)
{
	hw_universal_mac(s);
	sim_sysfs_set(s, "/sys/devices/soc0/serial_number", "0x2A1F0C3D5E6B7788\n");
	sim_sysfs_bin(s, "/proc/device-tree/serial-number", "1000000087a3c2f1\0", 17);
}

/* Both copies of the device tree, as most kernels show them */
static void hw_soc_both(struct sim *s)
{
	hw_soc(s);
	sim_sysfs_bin(s, "/sys/firmware/devicetree/base/serial-number", "1000000087a3c2f1\0", 17);
}

static void hw_mac_set(struct sim *s)
{
	hw_universal_mac(s);
	sim_sysfs_set(s, "/sys/class/net/end0/addr_assign_type", "3\n");
}

static void hw_mac_virtual(struct sim *s)
{
	hw_universal_mac(s);
	sim_sysfs_set(s, "/sys/class/net/end0/device/uevent", NULL);
	sim_sysfs_set(s, "/sys/class/net/end0/carrier", "1\n");
}

/* NICs for the identity's MACs (issue 22, 3): names longer together than
 * an address line, and an IPoIB port whose 20-byte address (59
 * characters) is longer than a short listing */
static const char *const nic_files[][4] = {
	{ "/sys/class/net/enp0s31f6/device/uevent", "/sys/class/net/enp0s31f6/addr_assign_type",
		"/sys/class/net/enp0s31f6/address", "00:1b:21:aa:bb:cc\n" },
	{ "/sys/class/net/enx001e0611aabb/device/uevent",
		"/sys/class/net/enx001e0611aabb/addr_assign_type",
		"/sys/class/net/enx001e0611aabb/address", "00:1e:06:11:aa:bb\n" },
	{ "/sys/class/net/wlp2s0/device/uevent", "/sys/class/net/wlp2s0/addr_assign_type",
		"/sys/class/net/wlp2s0/address", "00:0e:8e:12:34:56\n" },
	{ "/sys/class/net/ib0/device/uevent", "/sys/class/net/ib0/addr_assign_type",
		"/sys/class/net/ib0/address",
		"80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:de\n" },
};
static const char *nic_order;	/* indexes into nic_files, in listing order */

static void hw_nics(struct sim *s)
{
	const char *o;

	hw_none(s);
	for (o = nic_order; *o != '\0'; o++) {
		const char *const *f = nic_files[*o - '0'];

		sim_sysfs_set(s, f[0], "DRIVER=e1000e\n");
		sim_sysfs_set(s, f[1], "0\n");
		sim_sysfs_set(s, f[2], f[3]);
	}
}

/* The same NICs give the same identity in every listing order, and an
 * IPoIB port anywhere in it changes nothing */
static void test_identity_nics(void)
{
	static const char *const orders[] = {
		"012", "021", "102", "120", "201", "210", "3012", "0312", "1203", "2103", "2013",
		"3", "30", "03",
	};
	struct ent_identity id;
	size_t i;

	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		nic_order = orders[i];
		identity_of(hw_nics, &id);
		if (strlen(orders[i]) == 1) {
			CHECK(id.len == 0, "identity: an IPoIB port alone gives none: %s", id.text);
		} else if (strlen(orders[i]) == 2) {
			CHECK(strcmp(id.text, "mac=00:1b:21:aa:bb:cc\n") == 0,
					"identity: IPoIB then a NIC, order %s: %s", orders[i], id.text);
		} else {
			CHECK(strcmp(id.text, "mac=00:0e:8e:12:34:56\nmac=00:1b:21:aa:bb:cc\n"
					"mac=00:1e:06:11:aa:bb\n") == 0,
					"identity: three NICs in listing order %s, sorted: %s", orders[i],
					id.text);
		}
	}
}

/* The eMMC board as a qemu "virt" guest with an emulated SD card */
static void hw_emmc_virt(struct sim *s)
{
	hw_emmc(s);
	sim_sysfs_bin(s, "/sys/firmware/devicetree/base/compatible", "linux,dummy-virt\0", 17);
}

/* An NVMe disk on an x86 guest: CPUID's hypervisor bit in the flags */
static void hw_nvme_x86_guest(struct sim *s)
{
	hw_dm_nvme(s);
	sim_text(s, "/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n"
			"flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\nbogomips\t: 4000\n\n"
			"processor\t: 1\n");
}

/* The same on bare metal, where the word is only a prefix of another */
static void hw_nvme_x86_metal(struct sim *s)
{
	hw_dm_nvme(s);
	sim_text(s, "/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme hypervisorx\n"
			"bugs\t\t: hypervisor\n");
}

static void hw_nvme_dmi_qemu(struct sim *s)
{
	hw_dm_nvme(s);
	sim_sysfs_set(s, "/sys/class/dmi/id/sys_vendor", "QEMU\n");
}

/* A board whose only serial is the device tree's (U-Boot's serial#) */
static void hw_dt_only(struct sim *s)
{
	hw_none(s);
	sim_sysfs_bin(s, "/proc/device-tree/serial-number", "1000000087a3c2f1\0", 17);
}

/* What each identity's class is (issue 22 item 6) */
static void test_identity_classes(void)
{
	static const struct {
		hw_fn hw;
		const char *cls, *text, *what;
	} cases[] = {
		{ NULL, "software", "set by software: a copy of the medium may carry it",
			"the rig's virtio-blk serial" },
		{ hw_emmc, "hardware", "fused into the hardware", "eMMC CID" },
		{ hw_emmc_virt, "software", "set by the hypervisor: a clone of the VM keeps it",
			"an emulated SD card on qemu's virt board" },
		{ hw_dm_nvme, "hardware", "fused into the hardware", "NVMe controller serial" },
		{ hw_nvme_x86_guest, "software", "set by the hypervisor: a clone of the VM keeps it",
			"NVMe on an x86 guest (CPUID hypervisor flag)" },
		{ hw_nvme_x86_metal, "hardware", "fused into the hardware",
			"NVMe on x86 without the flag" },
		{ hw_nvme_dmi_qemu, "software", "set by the hypervisor: a clone of the VM keeps it",
			"NVMe where DMI names QEMU" },
		{ hw_scsi, "software", "set by software: a copy of the medium may carry it",
			"SCSI VPD 0x80" },
		{ hw_soc, "hardware", "fused into the hardware", "SoC serial and device tree" },
		{ hw_dt_only, "software", "set by software: a copy of the medium may carry it",
			"device-tree serial alone" },
		{ hw_universal_mac, "software", "set by software: a copy of the medium may carry it",
			"a permanent universal MAC" },
		{ hw_none, "", "", "nothing" },
	};
	struct ent_identity id;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		identity_of(cases[i].hw, &id);
		CHECK(strcmp(ent_identity_class(&id), cases[i].cls) == 0
				&& strcmp(ent_identity_class_text(&id), cases[i].text) == 0,
				"identity class: %s: %s (%s)", cases[i].what, ent_identity_class(&id),
				ent_identity_class_text(&id));
	}
}

static void test_identity_sources(void)
{
	static const char *const placeholders[] = {
		"To Be Filled By O.E.M.", "Default string", "None", "0", "Not Specified",
		"00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
		"  System Serial Number \n", "0123456789", "XXXXXXXXXX", "123", "",
	};
	struct ent_identity id;
	size_t i;

	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		one_serial = placeholders[i];
		identity_of(hw_one_serial, &id);
		CHECK(id.len == 0, "identity: placeholder \"%s\" ignored (got %s)", placeholders[i],
				id.text);
	}
	one_serial = "  PF3XK9QZ\n";
	identity_of(hw_one_serial, &id);
	CHECK(strcmp(id.text, "soc-serial=PF3XK9QZ\n") == 0, "identity: a real serial, trimmed: %s",
			id.text);

	identity_of(NULL, &id);
	CHECK(strcmp(id.text, "medium-serial=dbe-rig-0001\n") == 0,
			"identity: the rig's virtio disk serial, not qemu's MAC: %s", id.text);
	CHECK(strcmp(id.sources, "medium-serial") == 0, "identity: sources named: %s", id.sources);
	identity_of(hw_qemu_bare, &id);
	CHECK(id.len == 0 && strcmp(id.missing, "no SoC/board serial, no serial of the medium "
			"holding " SIM_SEED_DIR " (vda has none), no universally administered MAC") == 0,
			"identity: bare qemu guest has none: %s", id.missing);
	identity_of(hw_none, &id);
	CHECK(id.len == 0 && strstr(id.missing, "(not on a block device)") != NULL,
			"identity: tmpfs seed directory: %s", id.missing);
	identity_of(hw_emmc, &id);
	CHECK(strcmp(id.text, "medium-cid=150100424a544434520530a1e2c15f00\n") == 0,
			"identity: eMMC partition -> disk -> CID, not the bootloader's MAC: %s", id.text);
	identity_of(hw_scsi, &id);
	CHECK(strcmp(id.text, "medium-vpd80=WD-WX12A3\n") == 0, "identity: SCSI VPD 0x80: %s",
			id.text);
	identity_of(hw_dm_nvme, &id);
	CHECK(strcmp(id.text, "medium-serial=S4EWNX0R123456\n") == 0,
			"identity: dm-crypt -> NVMe partition -> controller serial: %s", id.text);
	identity_of(hw_soc, &id);
	CHECK(strcmp(id.text, "soc-serial=0x2A1F0C3D5E6B7788\ndt-serial=1000000087a3c2f1\n") == 0,
			"identity: SoC and device-tree serials, no MAC: %s", id.text);
	identity_of(hw_soc_both, &id);
	CHECK(strcmp(id.text, "soc-serial=0x2A1F0C3D5E6B7788\ndt-serial=1000000087a3c2f1\n") == 0,
			"identity: the device-tree serial once, from sysfs or /proc alike: %s", id.text);
	identity_of(hw_placeholder_dmi, &id);
	CHECK(id.len == 0, "identity: placeholder DMI fields: %s", id.text);
	identity_of(hw_local_mac, &id);
	CHECK(id.len == 0, "identity: locally administered MAC ignored: %s", id.text);
	identity_of(hw_universal_mac, &id);
	CHECK(strcmp(id.text, "mac=00:1a:2b:3c:4d:5e\n") == 0, "identity: universal MAC: %s",
			id.text);
	identity_of(hw_mac_set, &id);
	CHECK(id.len == 0, "identity: MAC set from userspace (addr_assign_type 3) ignored");
	identity_of(hw_mac_virtual, &id);
	CHECK(id.len == 0, "identity: MAC of an interface without a device ignored");
}

/* Boot 1 on hw1 writes a seed, boot 2 on hw2 reads it; s is boot 2 */
static void two_boots(struct sim *s, hw_fn hw1, int identified, hw_fn hw2)
{
	unsigned char seed[512];
	struct entropy_config cfg;
	size_t n;
	int r;

	n = first_boot(seed, hw1, identified);
	setup(s, &cfg, 256);
	s->has_jitter = 1;
	if (hw2 != NULL) {
		hw2(s);
	}
	r = boot_with(s, &cfg, seed, n);
	CHECK(r == 0 && s->violations == 0 && sim_fds_open(s) == 0, "boot 2: clean");
}

static void test_identity_credit(void)
{
	struct sim s;

	/* qemu virt guest with the well-known MAC only: every clone of
	 * its image would be the "same device" */
	two_boots(&s, hw_qemu_bare, 0, hw_qemu_bare);
	CHECK(s.credit_calls == 0 && s.mix_calls == 1, "qemu MAC only: mixed, not credited");
	CHECK(sim_log_count(&s, "seed file mixed in without credit: no device identity (no "
			"SoC/board serial, no serial of the medium holding " SIM_SEED_DIR
			" (vda has none), no universally administered MAC)") == 1,
			"qemu MAC only: one line names what is missing");
	CHECK(sim_log_count(&s, "no device identity") == 2, "qemu MAC only: once on read, "
			"once on the new seed");

	two_boots(&s, hw_placeholder_dmi, 0, hw_placeholder_dmi);
	CHECK(s.credit_calls == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "without credit: no device identity") == 1,
			"placeholder DMI serials: mixed, not credited");

	two_boots(&s, hw_local_mac, 0, hw_local_mac);
	CHECK(s.credit_calls == 0 && s.mix_calls == 1
			&& sim_log_count(&s, "without credit: no device identity") == 1,
			"locally administered MAC: mixed, not credited");

	two_boots(&s, hw_universal_mac, 1, hw_universal_mac);
	CHECK(s.credited_bits == 256, "universal MAC: credited");

	two_boots(&s, hw_emmc, 1, hw_emmc);
	CHECK(s.credited_bits == 256 && s.credit_calls == 1, "eMMC CID: credited");
	CHECK(sim_log_count(&s, "seed file credited 256 bits (made while getrandom() was ready, "
			"on this device; its identity is fused into the hardware)") == 1,
			"eMMC CID: the credit line names the class");
	two_boots(&s, hw_emmc, 1, hw_emmc_clone);
	CHECK(s.credit_calls == 0 && s.mix_calls == 1 && sim_log_count(&s, "another device") == 1,
			"eMMC image on another card (other CID): mixed, not credited");

	/* Set by the hypervisor, and still credited (dropbear-entropy.8,
	 * SEED FILE: what binding proves); the line says which it is */
	two_boots(&s, NULL, 1, NULL);
	CHECK(s.credited_bits == 256, "rig's virtio disk serial: credited");
	CHECK(sim_log_count(&s, "on this device; its identity is set by software: a copy of "
			"the medium may carry it)") == 1, "virtio disk serial: the credit line names "
			"the class");
	two_boots(&s, NULL, 1, hw_rig_clone);
	CHECK(s.credit_calls == 0 && sim_log_count(&s, "another device") == 1,
			"rig's disk cloned to another serial: mixed, not credited");
	/* Placeholders never count, so an identity made of a real serial and
	 * placeholders is the real serial's */
	two_boots(&s, hw_soc, 1, hw_soc);
	CHECK(s.credited_bits == 256, "SoC serial: credited");
}

/* A directory named seed or seed.new: never "removed", one line that
 * says what to do, and every save that cannot happen says so */
static void test_seed_dirnames(void)
{
	unsigned char seed[512];
	struct sim s;
	struct entropy_config cfg;
	struct sim_file *f;
	struct ent_log p;
	size_t n;
	int r;

	n = first_boot(seed, NULL, 1);

	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_exists = 1;
	f = sim_file_add(&s, ENT_SEED_NAME, NULL, 0);
	f->mode = S_IFDIR | 0700;
	r = ent_wait(&cfg, sim_ops(&s));
	f = sim_file(&s, ENT_SEED_NAME);
	CHECK(r == 0 && f != NULL && S_ISDIR(f->mode), "directory seed: left in place");
	CHECK(s.credit_calls == 0 && s.mix_calls == 0, "directory seed: nothing credited or mixed");
	CHECK(sim_log_count(&s, "removed") == 0, "directory seed: never called removed");
	CHECK(sim_log_count(&s, SIM_SEED_DIR "/seed is a directory, not a seed file: nothing "
			"credited, and no seed can be saved while it is there") == 1,
			"directory seed: one warning that says what to do");
	CHECK(sim_log_count(&s, "cannot write a seed file in " SIM_SEED_DIR ": seed there is a "
			"directory (remove it)") == 1, "directory seed: the save says it cannot");
	CHECK(sim_file(&s, ENT_SEED_TMP) == NULL && sim_fds_open(&s) == 0 && s.violations == 0,
			"directory seed: nothing left behind");
	/* The save at SIGTERM: one line again, not silence */
	ent_log_init(&p, &cfg, sim_ops(&s));
	r = ent_seed_save(&cfg, sim_ops(&s), &p, &(struct ent_seed){ 0 });
	CHECK(r == -1 && sim_log_count(&s, "seed there is a directory (remove it)") == 2,
			"directory seed: a later save says it cannot, each time");

	/* A directory named seed.new: the good seed is still credited, the
	 * save says it cannot write */
	setup(&s, &cfg, 256);
	s.dir_exists = 1;
	f = sim_file_add(&s, ENT_SEED_TMP, NULL, 0);
	f->mode = S_IFDIR | 0700;
	r = boot_with(&s, &cfg, seed, n);
	CHECK(r == 0 && s.credited_bits == 256, "directory seed.new: the seed is credited");
	CHECK(sim_log_count(&s, "seed.new there is a directory (remove it)") == 1
			&& sim_log_count(&s, "removed") == 0 && sim_file(&s, ENT_SEED_TMP) != NULL
			&& S_ISDIR(sim_file(&s, ENT_SEED_TMP)->mode),
			"directory seed.new: one line, left in place");

	/* A FIFO named seed is removed (its name), and says so truly */
	setup(&s, &cfg, 256);
	s.has_jitter = 1;
	s.dir_exists = 1;
	f = sim_file_add(&s, ENT_SEED_NAME, NULL, 0);
	f->mode = S_IFIFO | 0600;
	s.fail_op = "unlinkat";
	s.fail_errno = EBUSY;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.credit_calls == 0 && sim_log_count(&s, "removed, nothing") == 0
			&& sim_log_count(&s, "could not be removed (Device or resource busy)") == 1,
			"FIFO seed whose unlink fails: not called removed");
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
	test_identity_sources();
	test_identity_nics();
	test_identity_classes();
	test_identity_credit();
	test_seed_dirnames();
}
