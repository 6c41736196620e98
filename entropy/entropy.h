/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: the narrow interface that the patched upstream files call.
 *
 * The patches in ../patches/ use exactly what is declared here and nothing
 * else from entropy/:
 *   - svr-runopts.c parses every "-X key[=value]" argument with
 *     entropy_config_set() and prints entropy_config_usage() in -h;
 *   - svr-main.c calls entropy_ensure_seeded() once, after the listening
 *     sockets exist and after daemon(), before the accept loop;
 *   - dbrandom.c calls entropy_ensure_seeded() on the EAGAIN path of its
 *     getrandom() seeding (inetd mode, dropbearkey, dbclient);
 *   - svr-main.c calls entropy_save_seed() on SIGTERM before exiting;
 *   - dbmulti.c runs dropbear_entropy_main() for the name dropbear-entropy.
 *
 * A zero-initialised struct entropy_config means "defaults", so programs
 * that never parse options (dbclient, dropbearkey) need no set-up.
 *
 * Return values follow dropbear: 0 (DROPBEAR_SUCCESS) or -1 (DROPBEAR_FAILURE).
 */
#ifndef DROPBEAR_ENTROPY_H
#define DROPBEAR_ENTROPY_H

#include <stddef.h>

/* Stimulators, as bits of entropy_config.stimulators */
#define ENTROPY_STIM_COLLECTOR	0x1u	/* blocking getrandom() in a child: wakes the 5.4+ jitter collector */
#define ENTROPY_STIM_ICMP	0x2u	/* ICMP echo ping-pong with the gateway: NIC receive interrupts */
#define ENTROPY_STIM_BLOCK	0x4u	/* small O_DIRECT reads of a block device: completion interrupts */
#define ENTROPY_STIM_ALL	(ENTROPY_STIM_COLLECTOR | ENTROPY_STIM_ICMP | ENTROPY_STIM_BLOCK)

/* Credit policy, entropy_config.policy (see the man page for each level) */
#define ENTROPY_POLICY_DEFAULT	0	/* strict + a checked seed file */
#define ENTROPY_POLICY_STRICT	1	/* credit nothing ourselves, only mix */
#define ENTROPY_POLICY_JITTER	2	/* default + our CPU jitter collector */

#define ENTROPY_SEED_DIR	"/var/lib/dropbear-entropy"

#define ENTROPY_GATEWAY_MAX	64	/* dotted quad fits easily; checked when parsed */
#define ENTROPY_PATH_MAX	128

struct entropy_config {
	/* From options (-X). Zero means the default for every field. */
	int disabled;			/* -X off: plain blocking wait, as upstream */
	unsigned int stimulators;	/* ENTROPY_STIM_* mask, 0 = ENTROPY_STIM_ALL */
	int stimulators_set;		/* -X stim=... given (allows "none") */
	char gateway[ENTROPY_GATEWAY_MAX];	/* "" = IPv4 default route(s) */
	char block_device[ENTROPY_PATH_MAX];	/* "" = device behind / */
	int log_kmsg;			/* also write progress to /dev/kmsg */
	unsigned long max_packets;	/* ICMP bound per wait, 0 = built-in default */
	unsigned long max_seconds;	/* stimulation bound per wait, 0 = default */
	int policy;			/* ENTROPY_POLICY_* */
	char seed_dir[ENTROPY_PATH_MAX];	/* "" = ENTROPY_SEED_DIR */
	int trust_cpu;			/* credit CPU RNG instructions */
	int trust_hwrng;		/* credit /dev/hwrng at this quality per 1024 bits, 0 not */

	/* Filled by the caller, never by options. */
	void (*log)(int priority, const char *format, ...);	/* NULL: silent */
	volatile int *stop_flag;	/* non-zero asks the wait to return -1 */
	const char *program;	/* the boot record's "by=": NULL is "dropbear" */
};

/* Parse one "-X" argument into cfg. On failure returns -1 and writes a one
 * line message naming the option and the accepted form into err. */
int entropy_config_set(struct entropy_config *cfg, const char *arg,
		char *err, size_t errlen);

/* Lines for the server's -h text, each ending in '\n'. */
const char *entropy_config_usage(void);

/* Returns 0 as soon as getrandom(GRND_NONBLOCK) succeeds. Where the CRNG is
 * already ready this is a single syscall: no child, no socket, no log line.
 * Otherwise it logs why, stimulates and reports progress until the kernel
 * is seeded. It never returns 0 while the CRNG is unseeded. It returns -1,
 * having done nothing unsafe, when *stop_flag is raised, when the module is
 * disabled (-X off) or when getrandom() is missing (ENOSYS); the caller then
 * takes upstream's own path (a blocking getrandom() or /dev/urandom). */
int entropy_ensure_seeded(const struct entropy_config *cfg);

/* The server's SIGTERM path: replaces the seed file with a fresh one (the
 * old one hashed in), creditable at the next boot only when getrandom() is
 * ready now. Quiet when the seed directory is missing; never blocks; cfg
 * may be NULL for the defaults. */
void entropy_save_seed(const struct entropy_config *cfg);

/* The companion program dropbear-entropy (status, seed, save), for
 * dbmulti.c; a program of its own has main() call it */
int dropbear_entropy_main(int argc, char **argv);

#endif /* DROPBEAR_ENTROPY_H */
