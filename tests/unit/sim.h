/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * A simulated kernel for the entropy module's unit tests.
 *
 * It implements struct ent_ops (without context: the primitives act on
 * the sim last passed to sim_ops()) on a virtual microsecond clock and models
 * the two RNG generations' credit rules:
 *   - rewritten RNG (poolsize 256): device interrupts gather in a fast
 *     pool that is mixed every 1024 interrupts or once a second, crediting
 *     count/64 bits (at least 1); ready at 256 bits;
 *   - old RNG (poolsize 4096): the first 256 interrupts go to the CRNG
 *     fast load and credit nothing, then 1 bit per 64 interrupts (or per
 *     second); ready at 128 bits.
 * A blocked getrandom() (the collector child) runs the 5.4+ jitter
 * collector when has_jitter is set. ICMP replies raise a NIC receive
 * interrupt, but only one in eight when they come closer together than
 * the interrupt moderation window (coalesce_us);
 * block reads raise a completion interrupt. Per-CPU timer interrupts tick
 * in /proc/interrupts and credit nothing. Everything is deterministic.
 */
#ifndef DBE_SIM_H
#define DBE_SIM_H

#include "ent_internal.h"
#include "ent_sys.h"
#include "entropy.h"

#define SIM_FD_ICMP	10
#define SIM_FD_BLOCK	11
#define SIM_FD_COLLECTOR 12
#define SIM_COLLECTOR_PID 777
#define SIM_FD_BLOCK_PIPE 23	/* the block reader child's pipe */
#define SIM_BLOCK_PID	778
#define SIM_BLOCK_DEV	"/dev/vda"	/* the root disk (dir_dev) */
#define SIM_LOG_MAX	256
#define SIM_FD_DIR	20
#define SIM_FD_FILE	21
#define SIM_FILES	8
#define SIM_SEED_DIR	"/sim/seed"
#define SIM_FD_HWRNG	22
#define SIM_HWRNG_NONE		0
#define SIM_HWRNG_GOOD		1
#define SIM_HWRNG_STUCK		2	/* good for 1100 bytes, then constant */
#define SIM_HWRNG_EIO		3
#define SIM_HWRNG_BIASED	4	/* two values only */
#define SIM_HWRNG_FIXED32	5	/* the same 32 bytes on every read */
#define SIM_HWRNG_CYCLE		6	/* a cycle of 40 distinct bytes */
#define SIM_HWRNG_EACCES	7	/* open() refused */
#define SIM_HWRNG_LATE_FIXED	8	/* good for 1024 bytes, then fixed 32 */
#define SIM_CPU_NONE		0
#define SIM_CPU_GOOD		1	/* varied words */
#define SIM_CPU_STUCK		2	/* the same byte over and over */
#define SIM_CPU_DRY		3	/* every read fails (not ready) */
#define SIM_TEXTS		8
#define SIM_QMAX		64	/* replies on their way at most */
#define SIM_JIT_HEALTHY		0
#define SIM_JIT_CONSTANT	1
#define SIM_JIT_PERIODIC	2
#define SIM_JIT_COARSE		3
#define SIM_JIT_NOCLOCK		4

/* One entry of the simulated seed directory */
struct sim_file {
	int used;
	char name[32];
	unsigned char data[512];
	size_t len;
	mode_t mode;		/* S_IFREG | 0600, S_IFLNK, S_IFIFO, S_IFDIR ... */
	uid_t uid;
	unsigned long nlink;	/* hard links; 1 when added */
};

/* One file of the simulated sysfs (the device identity's sources) */
#define SIM_SYSFS_MAX	40
struct sim_sysfs {
	const char *path;
	const char *data;
	size_t len;
};

struct sim_log {
	int priority;
	int64_t at;
	char text[ENT_LINE_MAX];
};

struct sim {
	/* kernel model, set by the test */
	int poolsize;		/* 256, 4096, or 0: no poolsize file */
	int has_jitter;
	double jitter_bits_per_s;
	double bg_irq_per_s;	/* background device interrupts */
	int enosys;
	int no_entropy_avail, no_ioctl, no_interrupts, no_route_file;
	const char *route_text;	/* NULL: the default table with 10.0.2.2 */
	int64_t route_at;	/* no default route before this time */
	const char *route_before;	/* the table before route_at; NULL: header only */
	const char *arp_text;	/* /proc/net/arp; NULL: no such file */
	const char *operstate;	/* "IF STATE" lines (carrier 1 where up or
				 * unknown); unlisted interfaces are up */
	int raw_eperm, dgram_eperm;
	int gw_answers;		/* 1: the gateway answers echo requests */
	const char *silent_gw;	/* a second default gateway that never answers */
	unsigned long sent_silent;
	int rtt_us;
	int coalesce_us;	/* 0: every reply raises an interrupt */
	int no_reply_irq;	/* replies raise no interrupt at all */
	int bad_before_each;	/* inject 3 invalid datagrams before each reply */
	int has_block, block_fails, root_has_block;
	const char *usual_disk;	/* a disk under a usual name, for a root on tmpfs */
	int block_hangs;	/* the first read never completes (a hung disk) */
	int block_open_hangs;	/* the child's open() never returns (a hung disk) */
	int block_chardev;	/* the path is a character device by the child's open */
	uint64_t block_bytes;
	unsigned int block_sector;
	int block_latency_us;
	int spawn_fails;
	int collector_error;	/* child returns at once although not ready */
	int kmsg_fails;
	int64_t stop_at;	/* raise *stop_flag at this virtual time, 0 never */
	int64_t limit;		/* hard end of a test: raise *stop_flag */
	volatile int *stop_flag;

	/* seed directory model: SIM_SEED_DIR only */
	int dir_exists;
	mode_t dir_mode;	/* S_IFDIR | 0700 by default */
	uid_t dir_uid;
	int dir_rofs;		/* EROFS on every change */
	int dir_enospc;		/* writes fail with ENOSPC */
	int dir_locked;		/* another instance holds the flock */
	uid_t euid;
	/* Device identity: sysfs files, and the seed directory's st_dev.
	 * By default the rig: virtio disk vda (254:0) with a serial, and
	 * eth0 with qemu's locally administered 52:54:00:12:34:56 */
	dev_t dir_dev;
	struct sim_sysfs sysfs[SIM_SYSFS_MAX];
	const char *fail_op;	/* op name that fails once with fail_errno */
	int fail_errno;
	struct sim_file files[SIM_FILES];

	/* CPU jitter: synthetic timing streams */
	int jit_stream;		/* SIM_JIT_* */
	unsigned long jit_stuck_after;	/* healthy, then constant from here */
	unsigned long jit_samples;
	uint32_t jit_x;
	uint64_t jit_clock_ns;	/* the fine clock, 0 before its first reading */
	/* A stream of the test's own (differences in ns), NULL: jit_stream's */
	uint64_t (*jit_fn)(struct sim *s, unsigned long i);
	uint64_t jit_y, jit_z;	/* the test stream's state */

	int cpu_rng;		/* SIM_CPU_*: the CPU's RNG instructions */
	/* more small files read_file serves: /proc/cpuinfo, sysfs, ... */
	const char *text_path[SIM_TEXTS];
	const char *text[SIM_TEXTS];
	unsigned long cpu_words;	/* words the instruction gave */

	/* /dev/hwrng */
	int hwrng;		/* SIM_HWRNG_* */
	int hwrng_eagain;	/* every other read fails with EAGAIN */
	int hwrng_open;
	unsigned long hwrng_bytes, hwrng_reads;
	uint32_t hwrng_x;

	/* state */
	int64_t now;
	int ready;
	int64_t ready_at;
	int old_fastload;	/* old RNG: interrupts left for the fast load */
	double bits;
	unsigned int fast_count;
	int64_t last_mix;
	double bg_acc, jitter_acc;
	uint64_t dev_irqs, percpu_irqs;
	int64_t last_rx_irq;	/* last reply arrival */
	unsigned long coalesced;
	int icmp_open, icmp_raw;
	/* replies in order: [q_head, q_head + q_arrived) arrived, unread;
	 * the rest of q_len on their way */
	int64_t q_at[SIM_QMAX];
	uint16_t q_id[SIM_QMAX], q_seq[SIM_QMAX];
	int q_head, q_len, q_arrived;
	uint16_t last_seq;	/* of the last reply read */
	int bad_queued;
	int bad_sent;		/* strangers already queued for the next reply */
	int block_open;
	/* the block reader child: one read every block_latency_us */
	int blk_child, blk_pipe_open, blk_err, blk_hung;
	unsigned long blk_left, blk_pending, blk_nsectors;
	unsigned char blk_msg[2];	/* the child's 'o', 'E' or 'U' message, unread */
	int blk_msg_len;
	unsigned long parent_opens;	/* ops->open_direct called: only the child may */
	int64_t blk_next;
	unsigned long children_stopped;
	int collector_running, collector_killed, collector_spawned;
	int dir_open, file_open, file_idx, file_wr;
	size_t file_off;
	unsigned long rnd_counter;

	/* what the tests check */
	unsigned long getrandom_calls, polls, zero_polls, sockets;
	unsigned long sent, replies, sent_after_ready, stray_dest, max_in_flight;
	unsigned long block_reads, block_misaligned;
	int64_t last_send_at;
	unsigned long violations;	/* blocking getrandom, bad close, ... */
	unsigned long fs_calls;		/* file system calls that reached the sim */
	unsigned long fifo_blocked;	/* opens of a FIFO that would block for ever */
	unsigned long link_truncated;	/* O_TRUNC of a file with another link */
	int hit_limit;
	unsigned long stop_returns;	/* EINTR returns after the stop */
	int nlog;
	struct sim_log log[SIM_LOG_MAX];
	unsigned long credit_calls, mix_calls, durable_unlinks;
	int credited_bits;	/* by RNDADDENTROPY */
	int unlinked_unsynced;	/* the seed left without a directory fsync */
	int credit_before_sync;	/* a credit while an unlink was not durable */
	int nkmsg;
	char kmsg_last[ENT_LINE_MAX + 64];
	char kmsg_seeded[ENT_LINE_MAX + 64];	/* last line with "seeded after" */
};

void sim_init(struct sim *s, int poolsize);
/* A default configuration that logs into s and whose stop flag (*stop,
 * cleared) s raises at stop_at or at its time limit */
void sim_config(struct sim *s, struct entropy_config *cfg, volatile int *stop);
const struct ent_ops *sim_ops(struct sim *s);
/* cfg->log for the tests: records into the current sim */
void sim_log_fn(int priority, const char *fmt, ...);
void sim_set_current(struct sim *s);
/* Lines logged that contain needle */
int sim_log_count(const struct sim *s, const char *needle);
int sim_fds_open(const struct sim *s);
/* The ICMP packets and replies that the wait's "seeded after" line
 * counts; -1 when there is no such line */
int sim_seeded_counts(const struct sim *s, unsigned long *sent, unsigned long *replies);
/* read_file() of path gives text from now on (NULL: ENOENT again) */
void sim_text(struct sim *s, const char *path, const char *text);
/* The seed directory entry called name, or NULL */
struct sim_file *sim_file(struct sim *s, const char *name);
struct sim_file *sim_file_add(struct sim *s, const char *name, const void *data, size_t len);
/* Sets the sysfs file path to text (NULL: removes it); sim_sysfs_bin for
 * binary contents. Directories exist while a file below them does. */
void sim_sysfs_set(struct sim *s, const char *path, const char *text);
void sim_sysfs_bin(struct sim *s, const char *path, const void *data, size_t len);
/* Removes every sysfs file: a device with nothing to identify it */
void sim_sysfs_clear(struct sim *s);

/* One check of a test file: counts into its own passed/failed counters
 * and names the failing line and condition. */
#define CHECK_COUNT(passed, failed, cond, ...) do { \
		if (cond) { \
			(passed)++; \
		} else { \
			(failed)++; \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__); \
			printf("  [%s]\n", #cond); \
		} \
	} while (0)

#endif /* DBE_SIM_H */
