/*
 * dropbear-entropy: declarations shared by the files of entropy/.
 *
 * Nothing here is used outside entropy/ except by the tests. Every access
 * to the kernel goes through the primitives of struct ent_ops (the child
 * processes' bodies and the files of ent_file.c aside) so that the unit
 * tests run the real logic against a simulated kernel (tests/unit/sim.c)
 * and the drivers of the other suites replace single calls.
 */
#ifndef DROPBEAR_ENT_INTERNAL_H
#define DROPBEAR_ENT_INTERNAL_H

#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "entropy.h"

/*
 * Optional sources, each built unless the build says otherwise
 * (configure --with-entropy-sources=LIST, entropy/module.mk
 * ENTROPY_SOURCES=LIST). The core - probe, progress, the collector child
 * and ICMP - is always built. A source left out costs no code: its file
 * compiles to nothing, the stubs below stand in, and its -X options say
 * "not in this build".
 */
#ifndef ENT_WITH_BLOCK
#define ENT_WITH_BLOCK		1	/* O_DIRECT reads (ent_block.c) */
#endif
#ifndef ENT_WITH_SEED
#define ENT_WITH_SEED		1	/* seed file (ent_seed.c) */
#endif
#ifndef ENT_WITH_JITTER
#define ENT_WITH_JITTER		1	/* policy=jitter (ent_jitter.c) */
#endif
#ifndef ENT_WITH_HWRNG
#define ENT_WITH_HWRNG		1	/* /dev/hwrng (ent_hwrng.c) */
#endif
#ifndef ENT_WITH_CPURNG
#define ENT_WITH_CPURNG		1	/* RDSEED/RNDR (ent_cpurng.c) */
#endif
/* SHA-256 serves the seed file and the health-tested pools */
#define ENT_WITH_SHA256		(ENT_WITH_SEED || ENT_WITH_JITTER || ENT_WITH_HWRNG)
#if ENT_WITH_SHA256
/* libtomcrypt's header: dropbear's bundled one (with dropbear's options)
 * inside its build, the system's where dropbear links the system's */
#include <tomcrypt.h>
#endif

/* Defaults and hard limits */
#define ENT_DEFAULT_MAX_PACKETS	65536UL	/* about four times what a 6.1 guest needed */
#define ENT_DEFAULT_MAX_SECONDS	60UL	/* of active stimulation per wait */
#define ENT_LIMIT_MAX_PACKETS	10000000UL
#define ENT_LIMIT_MAX_SECONDS	86400UL
#define ENT_GW_MAX		4	/* default gateways we ping at most */
#define ENT_ICMP_TIMEOUT_US	200000	/* a reply later than this is lost */
#define ENT_ICMP_DEAD_FIRST	3	/* losses before any reply: give up */
#define ENT_ICMP_DEAD_LATER	10	/* consecutive losses after replies */
#define ENT_PACE_WINDOW_US	200000	/* interrupt yield is measured per window */
#define ENT_PACE_MAX_GAP_US	2000
#define ENT_PACE_GOOD_YIELD	0.9	/* device interrupts per reply deemed fine */
#define ENT_PACE_POOR_YIELD	0.5	/* below this, block reads join in */
#define ENT_BLOCK_MAX_BYTES	(16UL * 1024 * 1024)
#define ENT_BLOCK_MAX_READS	32768UL
#define ENT_BLOCK_ALIGN		4096
#define ENT_READY_CHECK_US	1000	/* getrandom() probe at most this often */
#define ENT_STOP_LATENCY_US	50000	/* poll never sleeps longer while stimulating */
#define ENT_IDLE_CHECK_US	100000	/* readiness probe when nothing runs */
#define ENT_STALL_US		10000000	/* no credit for this long: nothing helps */
#define ENT_LINE_MAX		512

#define ENT_PATH_ENTROPY_AVAIL	"/proc/sys/kernel/random/entropy_avail"
#define ENT_PATH_POOLSIZE	"/proc/sys/kernel/random/poolsize"
#define ENT_PATH_OSRELEASE	"/proc/sys/kernel/osrelease"
#define ENT_PATH_ROUTE		"/proc/net/route"
#define ENT_PATH_INTERRUPTS	"/proc/interrupts"

/*
 * The kernel, as the module sees it: the primitives below and nothing
 * else, so that the unit tests run every decision of the module against
 * a simulated kernel (tests/unit/sim.c) and the drivers of the other
 * suites replace single calls. Each has the meaning of the syscall it is
 * named after and returns -1 with errno set on failure. Descriptors are
 * always close-on-exec. Files below a directory of ours are no part of
 * it: see ent_file.c.
 */
struct ent_ops {
	/* Whole small file into buf, NUL-terminated; returns its length */
	ssize_t (*read_file)(const char *path, char *buf, size_t len);
	/* The names in directory path (not . and ..), each followed by a
	 * NUL, in no particular order; returns their bytes, or -1 (ENOBUFS
	 * when they do not all fit) */
	ssize_t (*list_dir)(const char *path, char *buf, size_t len);
	int (*stat)(const char *path, struct stat *st);

	ssize_t (*getrandom)(void *buf, size_t len, unsigned int flags);
	/* RNDGETENTCNT, for when /proc is not mounted */
	int (*rnd_count)(int *bits);
	/* bits 0: mixes buf (a write to /dev/urandom); bits > 0: mixes it and
	 * credits bits with RNDADDENTROPY (CAP_SYS_ADMIN) */
	int (*rnd_add)(const void *buf, size_t len, unsigned int bits);
	/* One word of the CPU's seed-grade RNG instruction (RDSEED or
	 * RNDRRS, else RDRAND): 1 valid, 0 not this time, -1 (ENOTSUP) none;
	 * *name says which */
	int (*cpu_rng)(unsigned long *word, const char **name);

	int64_t (*now_us)(void);	/* CLOCK_MONOTONIC */
	int (*clock_ns)(uint64_t *ns);	/* the finest clock, for jitter */
	/* timeout_us < 0 waits for ever; returns as poll() (EINTR included) */
	int (*poll)(struct pollfd *fds, nfds_t n, int64_t timeout_us);
	ssize_t (*read)(int fd, void *buf, size_t len);
	int (*close)(int fd);

	/* ICMP: raw = 1 for SOCK_RAW (root), 0 for the ICMP datagram socket */
	int (*icmp_socket)(int raw);
	ssize_t (*sendto)(int fd, const void *buf, size_t len, const struct sockaddr_in *to);
	ssize_t (*recvfrom)(int fd, void *buf, size_t len, struct sockaddr_in *from);

	/* A block device only, O_RDONLY | O_DIRECT; its size and sector.
	 * Called in the block reader child only: it may block on a hung
	 * disk, and the server must not */
	int (*open_direct)(const char *path, uint64_t *bytes, unsigned int *sector);
	/* O_RDONLY | O_NONBLOCK, for /dev/hwrng */
	int (*open_read)(const char *path);
	/* A helper child: child(out, arg) runs with only the write end of a
	 * pipe (out) and keep (>= 0 or -1) open, default signal
	 * dispositions, dying with its parent. Returns its pid and the
	 * non-blocking read end in *fd, which hangs up when it exits. */
	pid_t (*spawn)(void (*child)(int out, const void *arg), const void *arg, int keep,
			int *fd);
	/* SIGKILL (kill_it) and reap; without block, a child that cannot
	 * die yet is left to the server's SIGCHLD handler. ECHILD is success. */
	int (*reap)(pid_t pid, int kill_it, int block);
	/* One record to /dev/kmsg */
	int (*kmsg_write)(const char *line, size_t len);
};

/* The real kernel (ent_sys.c) */
const struct ent_ops *ent_sys_ops(void);

/* ---- files below a directory of ours (ent_file.c) ----
 * The seed directory and ENT_RUN_DIR hold the only files the module
 * writes. It reaches them with plain system calls (mkdir, fstat, unlinkat,
 * fsync, renameat, geteuid and the helpers below), as seedrng does; the
 * tests interpose those calls with the linker's --wrap (tests/lib/fs-wrap.h). */
/* O_RDONLY | O_DIRECTORY | O_NOFOLLOW: a symlink in its place is refused */
int ent_dir_open(const char *path);
/* flock(LOCK_EX | LOCK_NB), EINTR retried */
int ent_dir_lock(int dirfd);
/* name in dirfd (no '/'), O_NOFOLLOW | O_CLOEXEC | O_NOCTTY added */
int ent_file_open(int dirfd, const char *name, int flags, mode_t mode);
/* Up to len bytes, fewer only at the end of the file; the count or -1 */
ssize_t ent_read_all(int fd, void *buf, size_t len);
/* All of buf, EINTR retried, or -1 (ENOSPC when a write took nothing);
 * also the block reader child's pipe */
int ent_write_all(int fd, const void *buf, size_t len);
/* close(); EINTR counts as closed, as Linux has released the descriptor */
int ent_close(int fd);

/* ---- probe (ent_probe.c) ---- */
struct ent_gen {
	int poolsize;		/* as read, 0 when unreadable */
	int bits_needed;	/* 256 rewritten RNG, 128 old one */
	const char *name;	/* for the log */
};
/* 1 ready, 0 not yet, -1 error (errno: ENOSYS, ...) */
int ent_probe_ready(const struct ent_ops *ops);
/* Fills gen; returns -1 (and guesses the rewritten RNG) when unknown */
int ent_probe_generation(const struct ent_ops *ops, struct ent_gen *gen);
/* The kernel's own jitter collector, by RNG generation and version:
 * 1 present, 0 absent, -1 unknown; release gets the version text ("" if
 * unreadable) */
int ent_probe_kernel_collector(const struct ent_ops *ops, const struct ent_gen *gen,
		char *release, size_t len);
/* Credited bits so far, from /proc or RNDGETENTCNT; -1 when neither works */
int ent_probe_bits(const struct ent_ops *ops, int *bits);

/* ---- log and progress lines (ent_progress.c) ---- */
/* The module's log: the caller's function and, with -X kmsg, a copy to
 * /dev/kmsg */
struct ent_log {
	void (*fn)(int priority, const char *format, ...);
	const struct ent_ops *ops;
	int kmsg;		/* copying to /dev/kmsg */
	const char *tag;	/* the kernel log's name for us */
};
void ent_log_init(struct ent_log *l, const struct entropy_config *cfg, const struct ent_ops *ops);
/* One line to the log (and /dev/kmsg), "entropy: " put before it */
void ent_log(struct ent_log *l, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The progress lines of a wait, written to log */
struct ent_progress {
	struct ent_log *log;
	int64_t t_last_line;
	int64_t t_rate;		/* start of the current rate window */
	int bits_rate;		/* bits at t_rate */
	double rate;		/* bits per second, smoothed; < 0 unknown */
	int bits_needed;
	int64_t interval_us;	/* between progress lines, 1 s at first */
};
void ent_progress_init(struct ent_progress *p, struct ent_log *log, int bits_needed,
		int64_t now);
/* Formats "112/256 bits, 57 bits/s, ETA 3 s"; returns snprintf's value */
int ent_progress_format(char *buf, size_t len, int bits, int needed, double rate);
/* Writes a progress line when at least a second has passed since the last
 * one; returns 1 when it wrote. */
int ent_progress_tick(struct ent_progress *p, int64_t now, int bits,
		const char *running);

/* ---- config (ent_config.c) ---- */
unsigned int ent_config_stimulators(const struct entropy_config *cfg);
unsigned long ent_config_max_packets(const struct entropy_config *cfg);
unsigned long ent_config_max_seconds(const struct entropy_config *cfg);
/* -X seed-dir=, else the default */
const char *ent_config_seed_dir(const struct entropy_config *cfg);

/* ---- /proc/net/route (ent_route.c) ---- */
/* IPv4 default gateways, in route order, at most max; returns the count */
int ent_route_gateways(const char *text, struct in_addr *gw, int max);
#define ENT_IFNAME_MAX		16	/* IFNAMSIZ, with the NUL */
#define ENT_LINK_MAX		16	/* connected routes looked at */
#define ENT_PATH_ARP		"/proc/net/arp"
#define ENT_PATH_OPERSTATE	"/sys/class/net/%s/operstate"
/* A connected route: up, no gateway, a non-zero mask (s_addr order) */
struct ent_link_route {
	uint32_t net;
	uint32_t mask;
	char dev[ENT_IFNAME_MAX];
};
struct ent_neighbour {
	struct in_addr addr;
	char dev[ENT_IFNAME_MAX];
};
/* Connected routes of /proc/net/route, at most max; returns the count */
int ent_route_links(const char *text, struct ent_link_route *r, int max);
/* Index of the connected route (on dev, unless NULL) that has addr as a
 * host: never 0.x, loopback, multicast, reserved, a subnet's own or its
 * broadcast address; -1 when none, i.e. addr is not on the link */
int ent_route_onlink(const struct ent_link_route *r, int n, struct in_addr addr,
		const char *dev);
/* Complete, non-proxy entries of /proc/net/arp that are on the link of
 * their own interface, in table order, without duplicates, at most max */
int ent_route_neighbours(const char *arp_text, const struct ent_link_route *r, int nr,
		struct ent_neighbour *nb, int max);
/* 1 when /sys/class/net/IF/operstate reads "up" or "unknown" */
int ent_route_oper_up(const char *text);
#define ENT_VIA_ROUTE		0	/* -X gateway= or the default route */
#define ENT_VIA_ARP		1	/* on-link neighbours, no default route */
#define ENT_VIA_ARP_DONE	2	/* the wait's: they stopped answering */
/* Whom the ICMP stimulator pings, from the routing table in text (read
 * from ENT_PATH_ROUTE; a buffer of len bytes): *gateway (-X gateway=)
 * alone, when a connected route covers it; without one, the default
 * gateways (*via ENT_VIA_ROUTE), else, unless arp is 0, the neighbours
 * of ent_route_neighbours() on the first interface whose operstate is up
 * (*via ENT_VIA_ARP, that interface's name to dev unless NULL, the ARP
 * table read into text in the routing table's place). At most ENT_GW_MAX;
 * returns the count. */
int ent_route_targets(const struct ent_ops *ops, const struct in_addr *gateway,
		char *text, size_t len, int arp, struct in_addr gw[ENT_GW_MAX], char *dev,
		int *via);

/* ---- /proc/interrupts (ent_interrupts.c) ---- */
struct ent_irq_count {
	uint64_t device;	/* interrupts that feed the kernel RNG */
	uint64_t percpu;	/* timers, IPIs, PMU: they credit nothing */
	int rows;		/* device rows seen */
};
int ent_irq_parse(const char *text, struct ent_irq_count *count);

/* ---- ICMP stimulator (ent_icmp.c) ---- */
struct ent_icmp_target {
	struct in_addr addr;
	uint16_t seq;		/* of the request in flight */
	int in_flight;
	int dead;
	int64_t sent_at;
	int64_t next_send;	/* when not in flight */
	unsigned int losses;	/* consecutive */
	unsigned long replies;
};
struct ent_pace {
	unsigned int gap_us;	/* pause between a reply and the next request */
	int dir;		/* +1 lengthening the gap, -1 shortening */
	double last_rate;	/* device interrupts per second, last window */
	double last_yield;	/* device interrupts per reply, last window */
	int64_t t_window;
	uint64_t irq_window;
	unsigned long events_window;
	int have_irq;		/* /proc/interrupts readable */
};
struct ent_icmp {
	const struct ent_ops *ops;
	struct ent_log *log;
	int fd;
	int raw;
	uint16_t id;
	int ntargets;
	struct ent_icmp_target t[ENT_GW_MAX];
	unsigned long max_packets;
	unsigned long sent;	/* over all targets */
	unsigned long replies;
	unsigned long invalid;	/* datagrams that failed validation */
	int active;
	struct ent_pace pace;
};
/* Opens the socket (raw first) for the given targets.
 * Returns 0, or -1 after logging a warning (the wait goes on without). */
int ent_icmp_open(struct ent_icmp *ic, const struct ent_ops *ops,
		struct ent_log *log, const struct in_addr *targets,
		int ntargets, unsigned long max_packets);
/* Reads and validates all pending replies */
void ent_icmp_receive(struct ent_icmp *ic, int64_t now);
void ent_icmp_close(struct ent_icmp *ic);
/* One pacing decision per window from device interrupt counts */
void ent_pace_init(struct ent_pace *pc, int64_t now, const struct ent_irq_count *irq);
int ent_pace_update(struct ent_pace *pc, int64_t now, uint64_t irq_device,
		unsigned long events);
uint16_t ent_icmp_checksum(const void *data, size_t len);

/* ---- block stimulator (ent_block.c) ---- */
struct ent_block {
	const struct ent_ops *ops;
	int fd;			/* the reader child's pipe */
	pid_t pid;		/* the reader child */
	unsigned long reads;
	unsigned long max_reads;
	int active;
	char path[ENTROPY_PATH_MAX];
};
/* Byte offset of read i: sectors scattered over the whole device */
uint64_t ent_block_offset(unsigned long i, uint64_t nsectors, unsigned int sector);
/* What the reader child does: opens path with ops->open_direct (a block
 * device only), then reads one sector at each of ent_block_offset(0 ..
 * n-1), n from the sector size and the bounds above */
struct ent_block_job {
	const struct ent_ops *ops;
	const char *path;
};
/* The reader child (ops->spawn). The server never opens the device: an
 * open() or BLKGETSIZE64 of a hung disk blocks, and only the child may.
 * Its messages on out, each written at once:
 *   'o' s   opened and checked, the sector is 1 << s bytes;
 *   'r'     one read done;
 *   'E' err the open or its checks failed (errno; ENOTBLK: no block device);
 *   'U' 0|1 no usable block device: 0 empty, 1 sector size;
 *   'e' err a read failed (errno). */
void ent_block_child(int out, const void *job);
/* Reads the child makes of a device with this sector size */
unsigned long ent_block_max_reads(unsigned int sector);
/* The block device that holds "/", else the first usual disk */
int ent_block_root_device(const struct ent_ops *ops, char *path, size_t len);
#if ENT_WITH_BLOCK
/* Starts the reader child, which opens the device (a block device only) */
int ent_block_open(struct ent_block *b, const struct ent_ops *ops,
		struct ent_log *log, const char *path);
#endif

/* ---- collector waker (ent_collector.c) ---- */
struct ent_collector {
	pid_t pid;
	int fd;
	int running;
	int finished;	/* the child returned from getrandom() or died */
};
/* The child: blocks in getrandom(buf, 1, 0) and exits when it returns */
void ent_collector_child(int out, const void *arg);

/* ---- SHA-256, when ENT_WITH_SHA256 ----
 * libtomcrypt's (hash_state, sha256_init, sha256_process, sha256_done),
 * which every dropbear program links already. sha256_process() fails only
 * on a NULL argument or past 2^61 bytes, neither of which can happen here,
 * so its result is not looked at. */
#define ENT_SHA256_LEN	32
#if ENT_WITH_SHA256
/* sha256_done(), then the state wiped: what was hashed is secret (seeds,
 * pooled samples) and sha256_done() leaves its last block in the state */
static inline void ent_sha256_done(hash_state *h, unsigned char out[ENT_SHA256_LEN])
{
	(void)sha256_done(h, out);
	explicit_bzero(h, sizeof(*h));
}
#endif

/* ---- seed file (ent_seed.c) ---- */
#define ENT_SEED_NAME		"seed"
#define ENT_SEED_TMP		"seed.new"
#define ENT_SEED_BYTES		32	/* the secret part */
#define ENT_SEED_CREDIT_BITS	256	/* what a creditable seed is worth */
#define ENT_SEED_FILE_LEN	(8 + 4 + ENT_SHA256_LEN + ENT_SEED_BYTES + ENT_SHA256_LEN)
#define ENT_IDENTITY_MAX	2048
struct ent_seed {
	int have_old;			/* old holds the seed read at start */
	unsigned char old[ENT_SEED_BYTES];
	int credited_bits;		/* out of ent_seed_load() */
};
/* The seed file as ent_seed_load() would judge it, read only: nothing is
 * locked, unlinked, credited or mixed (for dropbear-entropy status) */
struct ent_seed_peek {
	int dir_usable;		/* the directory opened and is ours, mode 0700 */
	int present;		/* a regular file named seed */
	int creditable;		/* every check passed and the policy credits it */
	int identity_matches;	/* 1 yes, 0 another device, -1 not known */
	char identity[128];	/* the sources of this device's identity */
	const char *identity_class;	/* ent_identity_class(), "" without one */
	const char *identity_class_text;	/* ent_identity_class_text() */
	char why[360];		/* why not creditable, or why it is */
};
/* Reads, unlinks (durably) and then credits or mixes the seed file.
 * Returns the bits credited, 0 when the seed was only mixed or absent. */
#if ENT_WITH_SEED
int ent_seed_load(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log, struct ent_seed *st);
/* Writes a fresh seed (old one hashed in) by temporary file and rename.
 * Returns 0 when a seed was written durably, -1 otherwise (logged). */
int ent_seed_save(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log, const struct ent_seed *st);
void ent_seed_peek(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_seed_peek *pk);
/* What tells this device from a clone of its disk image (ent_identity.c):
 * serials of the SoC, board and of the medium behind st_dev medium (the
 * seed directory's), else universally administered permanent MACs */
struct ent_identity {
	char text[ENT_IDENTITY_MAX];	/* "source=value\n" lines, stable order */
	size_t len;			/* 0: nothing identifies this device */
	char sources[128];		/* the sources used, for the log */
	char missing[320];		/* when len is 0: what was looked for */
	int fused;			/* sources fused into the hardware among them */
	int vm;				/* on a hypervisor: none is fused */
};
void ent_identity_collect(const struct ent_ops *ops, dev_t medium, const char *seed_dir,
		struct ent_identity *id);
/* "hardware" where a source is fused into the hardware (a clone on other
 * hardware differs), "software" where every one is set by software or a
 * hypervisor (a clone may carry them), "" without an identity; and the
 * same in words, for the log and status */
const char *ent_identity_class(const struct ent_identity *id);
const char *ent_identity_class_text(const struct ent_identity *id);
/* The hash a seed file is bound to; only for id->len > 0 */
void ent_identity_hash(const struct ent_identity *id, unsigned char out[ENT_SHA256_LEN]);
/* SHA-256 of label (with its NUL) then data: the seed file's checksum and
 * the device hash (ent_seed.c; the seed fuzz target builds valid files) */
void ent_seed_hash(unsigned char out[ENT_SHA256_LEN], const char *label,
		const void *data, size_t len);
#else
/* No seed file in this build: nothing is read, credited or written */
static inline int ent_seed_load(const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log, struct ent_seed *st)
{
	(void)cfg; (void)ops; (void)log; (void)st;
	return 0;
}
static inline int ent_seed_save(const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log, const struct ent_seed *st)
{
	(void)cfg; (void)ops; (void)log; (void)st;
	return -1;
}
#endif

/* ---- health tests (ent_health.c) and CPU jitter collector (ent_jitter.c) ---- */
#define ENT_JIT_STARTUP		1024	/* samples of the start-up test */
#define ENT_JIT_APT_W		512	/* adaptive proportion window */
#define ENT_JIT_BATCH		256	/* samples hashed per credit */
#define ENT_JIT_MEM		(128 * 1024)	/* beyond L1, for cache timing */
#define ENT_JIT_GRACE_US	1000000	/* kernel collector's chance first */
/* Continuous health tests, SP 800-90B 4.4, alpha = 2^-20 */
struct ent_health {
	unsigned int rct_cutoff, apt_cutoff;
	unsigned int rct_count, rct_last;
	unsigned int apt_n, apt_count, apt_ref;
	int failed;
	const char *why;	/* the failed test */
};
struct ent_jitter {
	double h;		/* assessed min-entropy per sample, start-up test */
	struct ent_health health;
	int active;
#if ENT_WITH_JITTER
	hash_state pool;	/* SHA-256 */
#endif
	unsigned int pooled;	/* healthy samples in pool */
	unsigned long credited;
	void *mem;
};
/* SP 800-90B 6.3 non-IID estimators (ent_estimate.c), each as NIST's
 * ea_non_iid applies it; figures in bits, < 0 where not run */
enum {
	ENT_EST_MCV, ENT_EST_COLLISION, ENT_EST_MARKOV, ENT_EST_COMPRESSION,
	ENT_EST_TTUPLE, ENT_EST_LRS, ENT_EST_MULTIMCW, ENT_EST_LAG,
	ENT_EST_MULTIMMC, ENT_EST_LZ78Y, ENT_EST_COUNT
};
struct ent_estimates {
	double literal[ENT_EST_COUNT];	/* per sample, on the symbols */
	double bitstring[ENT_EST_COUNT];	/* per bit, when > 2 symbols */
	double h_original, h_bitstring;	/* the smallest of each */
	double assessed;	/* min(width, H_original, width * H_bitstring) */
	unsigned int distinct;	/* symbols seen */
};
/* Assessed min-entropy per sample of the low `width` bits of sym[0..n),
 * in bits; < 0 when it cannot run (bad arguments, out of memory) */
double ent_estimate_min_entropy(const uint8_t *sym, size_t n, unsigned int width,
		struct ent_estimates *detail);
/* ent_health.c, when ENT_WITH_JITTER || ENT_WITH_HWRNG */
double ent_log2(double x);
double ent_sqrt(double x);
/* Start-up test of n samples (their low 8 bits are the symbols): the
 * estimators above plus the refusal of a counter too coarse; 0 and the
 * assessed min-entropy in *h, or -1 and why */
int ent_health_startup(const uint64_t *d, size_t n, double *h, const char **why);
/* Cutoffs for an assessed min-entropy per sample h (4.4.1, 4.4.2) */
unsigned int ent_health_rct_cutoff(double h);
unsigned int ent_health_apt_cutoff(double h);
void ent_health_init(struct ent_health *ht, double h);
/* 0 healthy, -1 on the first failure (then stays failed) */
int ent_health_sample(struct ent_health *ht, unsigned int sym);
#if ENT_WITH_JITTER
/* Start-up test; 0 when crediting may begin (logged either way) */
int ent_jitter_start(struct ent_jitter *j, const struct ent_ops *ops,
		struct ent_log *log);
#endif

/* ---- /dev/hwrng (ent_hwrng.c) ---- */
#define ENT_HWRNG_BLOCK		32	/* bytes per read and per repeat check */
#define ENT_HWRNG_SEEN		64	/* blocks a repeat is looked for among */
#define ENT_HWRNG_MIX_BYTES	64	/* read and mixed without the opt-in */
#define ENT_HWRNG_MAX_BYTES	4096	/* per wait */
#define ENT_HWRNG_RETRY_US	10000	/* after EAGAIN */
struct ent_hwrng {
	int fd;
	int active;
	int trusted;		/* ent_credit_bits() would credit a healthy device */
	const char *why;	/* its rule, for the log */
	char name[32];		/* the kernel's current hwrng */
	int kernel_quality;	/* the kernel's credit per 1024 bits, -1 unknown */
	double h;		/* assessed min-entropy per byte */
	struct ent_health health;
#if ENT_WITH_HWRNG
	hash_state pool;	/* SHA-256 */
#endif
	unsigned int pooled;	/* healthy bytes in pool */
	unsigned long credited;
	uint64_t *startup;	/* the start-up test's bytes, then NULL */
	unsigned int nstartup;
	unsigned char blk[ENT_HWRNG_BLOCK];	/* the block being filled */
	unsigned int blk_len;
	uint64_t seen[ENT_HWRNG_SEEN];	/* fingerprints of recent blocks */
	unsigned int nseen;
	unsigned long bytes;
	int64_t next;		/* no read before this (EAGAIN) */
};
#if ENT_WITH_HWRNG
void ent_hwrng_init(struct ent_hwrng *hw);
/* The kernel's current hwrng (name, "none" or "?") and the quality it
 * credits it with (-1 when this kernel does not say); opens nothing */
void ent_hwrng_kernel_view(struct ent_hwrng *hw, const struct ent_ops *ops);
/* Opens the device where it is worth reading: not where the kernel
 * credits it itself; mixed only unless ent_credit_bits() allows credit */
int ent_hwrng_open(struct ent_hwrng *hw, const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log);
#else
/* No /dev/hwrng reader in this build: it stays inactive */
static inline void ent_hwrng_init(struct ent_hwrng *hw)
{
	hw->fd = -1;
	hw->active = 0;
	hw->credited = 0;
}
#endif

/* ---- CPU RNG instructions (ent_cpurng.c) ---- */
#if ENT_WITH_CPURNG
/* 1 when 64 bytes of output hold no zero, all-ones or repeated word */
int ent_cpurng_sane(const unsigned char *buf, size_t len);
/* 1 when /proc/cpuinfo's text lists rdseed, rdrand (x86) or rng (arm64) */
int ent_cpurng_kernel_lists(const char *cpuinfo);
/* Mixes (or, where ent_credit_bits() allows, credits) one read; returns
 * bits credited */
int ent_cpurng_feed(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log);
#endif

/* ---- one stimulation per boot (ent_boot.c) ---- */
#ifndef ENT_RUN_DIR
#define ENT_RUN_DIR		"/run/dropbear-entropy"
#endif
#define ENT_PATH_BOOT_ID	"/proc/sys/kernel/random/boot_id"
#define ENT_BOOT_ID_MAX		40	/* a UUID, 36 characters */
struct ent_boot {
	int dirfd, lock_fd;	/* lock_fd >= 0: we hold the lock */
	char boot_id[ENT_BOOT_ID_MAX];	/* tells this boot's record */
	unsigned long packets_spent;	/* by earlier holders this boot */
	unsigned long seconds_spent;
	const char *why;	/* strerror() of the last failure */
};
void ent_boot_init(struct ent_boot *b);
/* 1: we hold the lock and may stimulate within what is left of the boot's
 * budget; 0: another process holds it, wait without stimulating; -1: no
 * usable ENT_RUN_DIR (b->why), the bounds are per wait */
int ent_boot_acquire(struct ent_boot *b, const struct ent_ops *ops);
/* What this holder spent so far (cumulative), for a later holder */
void ent_boot_record(struct ent_boot *b, unsigned long packets, unsigned long seconds);
void ent_boot_release(struct ent_boot *b);
/* The boot record ENT_RUN_DIR/ENT_BOOT_SEEDED: who saw the CRNG become
 * ready while waiting, when, and what was credited and stimulated. Written
 * once per boot (a record of this boot is never replaced); quiet when
 * ENT_RUN_DIR is unusable. by is "dropbear" or "seed". */
#define ENT_BOOT_SEEDED		"seeded"
#define ENT_BOOT_WAITING	"waiting"
void ent_boot_seeded(const struct ent_ops *ops, const char *by, int seed_bits,
		unsigned long hwrng_bits, int cpu_bits, unsigned long jitter_bits,
		unsigned long icmp_sent, unsigned long block_reads);
/* ENT_RUN_DIR/ENT_BOOT_WAITING: "boot=<boot id> pid=<pid> collector=silent",
 * left by a waiting process whose blocking getrandom() has not seeded the
 * CRNG in ENT_COLLECTOR_SILENT_US; what status tells the collector by */
void ent_boot_note_collector_silent(const struct ent_ops *ops);
/* The kernel's boot id (ENT_PATH_BOOT_ID), "unknown" when unreadable: it
 * tells this boot's records from stale ones where /run is not a tmpfs */
void ent_boot_id(const struct ent_ops *ops, char *id, size_t len);

/* ---- credit rules (ent_credit.c): every credited bit is decided here ---- */
enum ent_source {
	ENT_SOURCE_SEED,	/* the seed file */
	ENT_SOURCE_HWRNG,	/* /dev/hwrng, read by us */
	ENT_SOURCE_CPURNG,	/* RDSEED/RDRAND, RNDRRS/RNDR */
	ENT_SOURCE_JITTER	/* our CPU jitter collector */
};
struct ent_credit_facts {
	int checks_passed;	/* the source's own checks or health tests */
	int kernel_credits;	/* hwrng: the kernel credits the device itself */
	int kernel_usable;	/* CPU RNG: the kernel lists the instruction */
	int kernel_collector;	/* jitter: the kernel's own collector produces */
	double h_per_unit;	/* hwrng, jitter: assessed min-entropy per sample */
	const char *other_seed_tool;	/* seed: ent_credit_other_seed_tool() */
};
/* Bits that may be credited for n units (bytes, samples) of src: 0 means
 * mix only. *why names the rule that decided, for the log. */
unsigned int ent_credit_bits(const struct entropy_config *cfg, enum ent_source src,
		const struct ent_credit_facts *f, size_t n, const char **why);
#if ENT_WITH_SEED
/* Another tool that restores a seed at boot, whose seed and ours come
 * from the same pool: "seedrng" (its directory /var/lib/seedrng exists),
 * "systemd-random-seed" (systemd is this boot's init and
 * /var/lib/systemd/random-seed exists), or NULL */
const char *ent_credit_other_seed_tool(const struct ent_ops *ops);
#endif

/* ---- the wait (ent_wait.c) and what it runs ---- */
/* 0 once the CRNG is ready, -1 on the stop flag or a broken kernel
 * interface; what it did is in its log lines */
int ent_wait(const struct entropy_config *cfg, const struct ent_ops *ops);
#define ENT_TEXT_MAX		65536	/* /proc/interrupts, /proc/net/route */
/* One wait: the loop's own state and every runner's, which a runner may
 * read across (block reads start when ICMP falls short) */
struct ent_wait_state {
	const struct entropy_config *cfg;
	const struct ent_ops *ops;
	struct ent_log log;
	struct ent_progress prog;
	struct ent_gen gen;
	int kernel_collector;	/* 1 the kernel has one, 0 not, -1 unknown */
	char release[32];	/* its version, for the log */
	int collector_silent_logged;
	int64_t t_collector;	/* our child's blocking getrandom() began */
	struct ent_boot boot;
	int boot_role;		/* ent_boot_acquire(): 1 we stimulate, 0 another does */
	int64_t t_boot_retry;	/* a waiter tries the lock again */
	int64_t t_stim_start;
	unsigned long packets_left;	/* of this boot's budget */
	struct ent_collector col;
	struct ent_icmp icmp;
	struct ent_block blk;
	struct ent_seed seed;
	struct ent_jitter jit;
	int jit_tried;
	struct ent_hwrng hw;
	int cpu_bits;
	int blk_pending;	/* in -X stim=, not started yet */
	char *text;		/* scratch for /proc files, ENT_TEXT_MAX */
	int bits;
	int64_t t_bits;
	int64_t t_gain;		/* last time the bit count rose */
	int64_t t_end_stim;	/* stimulation time bound */
	unsigned long replies_seen;	/* at the last pacing window */
	int64_t icmp_due;	/* the ICMP stimulator's next send or timeout */
	int hint_logged;
	int bound_logged;
	int route_retry;	/* ICMP wanted, but no route yet */
	int64_t t_route;	/* next look at the routing table */
	int icmp_via;		/* ENT_VIA_*: where the ICMP targets came from */
	char via_dev[ENT_IFNAME_MAX];	/* the neighbours' interface */
	int64_t t0;		/* the wait began */
	unsigned int stim;	/* ENTROPY_STIM_* to start */
};
/* /proc/interrupts into w->text, parsed; -1 when unreadable */
int ent_wait_irqs(struct ent_wait_state *w, struct ent_irq_count *irq);
/* A line being built from the parts each runner describes
 * (ent_progress.c): what fits stays, nothing is appended after a cut part */
struct ent_text {
	char *buf;
	size_t len, used;
	int full;
};
/* A new part of the line, after ", " when there is one already */
void ent_text_part(struct ent_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* More of the current part */
void ent_text_add(struct ent_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * What the wait runs, one entry each in ent_wait.c's table: the
 * stimulators (the kernel credits the interrupts they raise) and the
 * sources that credit through ent_credit_bits(). Each lives in its
 * source's file; the loop knows no more of them than this, and an entry
 * leaves NULL what it does not have.
 */
struct ent_runner {
	/* Stopped at the stimulation bound (the collector child only waits) */
	int bounded;
	/* begin: stimulation begins (with the stimulators in w->stim);
	 * else a later turn of the loop, within the stimulation bound */
	void (*start)(struct ent_wait_state *w, int64_t now, int begin);
	/* Its descriptor for poll() while it runs, else -1 */
	int (*fd)(const struct ent_wait_state *w);
	/* When it wants its next step (monotonic us) while it runs, else
	 * -1; a runner runs while it has a descriptor or a deadline */
	int64_t (*deadline)(const struct ent_wait_state *w);
	/* Once a turn (readable 0) and when its descriptor polled readable
	 * (1); returns 1 when the CRNG may be ready now */
	int (*step)(struct ent_wait_state *w, int64_t now, int readable);
	void (*stop)(struct ent_wait_state *w);
	/* Its part of the plan (detail 0) or of a progress line (1) */
	void (*describe)(struct ent_wait_state *w, struct ent_text *t, int detail);
};
extern const struct ent_runner ent_collector_runner;	/* ent_collector.c */
extern const struct ent_runner ent_icmp_runner;		/* ent_icmp.c */
#if ENT_WITH_BLOCK
extern const struct ent_runner ent_block_runner;	/* ent_block.c */
#endif
#if ENT_WITH_JITTER
extern const struct ent_runner ent_jitter_runner;	/* ent_jitter.c */
#endif
#if ENT_WITH_CPURNG
extern const struct ent_runner ent_cpurng_runner;	/* ent_cpurng.c */
#endif
#if ENT_WITH_HWRNG
extern const struct ent_runner ent_hwrng_runner;	/* ent_hwrng.c */
#endif

/* ---- dropbear-entropy status (ent_status.c, the companion program only) ---- */
#define ENT_STATUS_CREDITED_MAX	4
struct ent_status {
	int ready;		/* 1 ready, 0 not, -1 getrandom() failed */
	struct ent_gen gen;
	int gen_known;		/* poolsize read and recognised */
	int bits;		/* credited so far, -1 unknown */
	char release[64];
	int collector;		/* ent_probe_kernel_collector() */
	const char *producing;	/* "yes", "no", "unknown" */
	char why[256];		/* why not producing, as far as userspace tells */
	unsigned long long counter_hz;	/* the counter userspace reads, 0 unknown */
	/* /dev/hwrng */
	int hw_present;
	char hw_driver[32];
	int hw_quality;
	int hw_kernel_credits;
	const char *hw_verdict;
	/* CPU RNG */
	int cpu_lists;
	int trust_cpu;		/* -X trust-cpu */
	const char *cpu_verdict;
	const char *cpu_why;
	/* seed file */
	const char *seed_dir;
	int seed_built;		/* the seed file is part of this build */
	struct ent_seed_peek seed;
	const char *other_seed_tool;	/* NULL: none */
	/* ICMP */
	const char *icmp_via;	/* "route", "neighbours", "gateway option", "none" */
	struct in_addr targets[ENT_GW_MAX];
	int ntargets;
	char icmp_verdict[192];
	/* block reads */
	char block_device[ENTROPY_PATH_MAX];
	char block_verdict[192];
	/* this boot */
	const char *seeded_by;	/* "dropbear", "seed", "kernel", "none" */
	double at;		/* seconds since boot, < 0 unknown */
	int ncredited;
	char credited_src[ENT_STATUS_CREDITED_MAX][16];
	long credited_bits[ENT_STATUS_CREDITED_MAX];
	char stimulated[64];	/* the record's "icmp:N,block:N" */
	char record[160];	/* the record's path, or "unavailable: why" */
};
/* Gathers every fact without sending, reading /dev/hwrng, crediting,
 * mixing or blocking; returns st->ready */
int ent_status_gather(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_status *st);
/* The counter userspace reads (arm64: CNTFRQ_EL0), 0 when unknown */
unsigned long long ent_status_counter_hz(void);
/* One screen of text, and one JSON object (the fields of the man page) */
void ent_status_text(const struct ent_status *st, FILE *out);
void ent_status_json(const struct ent_status *st, FILE *out);

#endif /* DROPBEAR_ENT_INTERNAL_H */
