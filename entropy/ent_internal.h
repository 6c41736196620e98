/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: what the files of entropy/ share - the build switches,
 * SHA-256, and the limits and paths that several of them use.
 *
 * Nothing in entropy/'s headers is used outside entropy/ except by the
 * tests. Every access to the kernel goes through the primitives of struct
 * ent_ops (the child processes' bodies and the files of ent_file.c aside)
 * so that the unit tests run the real logic against a simulated kernel
 * (tests/unit/sim.c) and the drivers of the other suites replace single
 * calls.
 *
 * The headers: each entropy/ent_X.c has its declarations in ent_X.h beside
 * it, and includes exactly the headers of what it uses.
 *   entropy.h          the interface the patches call (options, the wait, save)
 *   ent_internal.h     this file
 *   ent_sys.h          the kernel interface, struct ent_ops (ent_sys.c: the real one)
 *   ent_file.h         files below a directory of ours
 *   ent_probe.h        the CRNG's readiness, generation and credited bits
 *   ent_progress.h     the log (struct ent_log), progress lines, struct ent_text
 *   ent_config.h       the options' values and their defaults
 *   ent_route.h        /proc/net/route and /proc/net/arp: whom ICMP pings
 *   ent_interrupts.h   /proc/interrupts
 *   ent_icmp.h         the ICMP stimulator and its pacing (struct ent_pace)
 *   ent_block.h        the block stimulator
 *   ent_collector.h    the collector waker child
 *   ent_seed.h         the seed file (and its stubs when left out)
 *   ent_identity.h     what tells this device from a clone of its image
 *   ent_health.h       the continuous health tests
 *   ent_jitter.h       our CPU jitter collector
 *   ent_hwrng.h        /dev/hwrng (and its stub when left out)
 *   ent_cpurng.h       the CPU's RNG instructions
 *   ent_credit.h       the credit rules: every credited bit is decided there
 *   ent_boot.h         one stimulation per boot, the boot records
 *   ent_wait.h         the wait, its state and its runners (struct ent_runner)
 *   ent_status.h       dropbear-entropy status (the companion program only)
 */
#ifndef DROPBEAR_ENT_INTERNAL_H
#define DROPBEAR_ENT_INTERNAL_H

#include "entropy.h"

/*
 * Optional sources, each built unless the build says otherwise
 * (configure --with-entropy-sources=LIST, entropy/module.mk
 * ENTROPY_SOURCES=LIST). The core - probe, progress, the collector child
 * and ICMP - is always built. A source left out costs no code: its file
 * compiles to nothing, the stubs in its header stand in, and its -X options say
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
#define ENT_GW_MAX		4	/* default gateways we ping at most */
#define ENT_LINE_MAX		512
#define ENT_PATH_ROUTE		"/proc/net/route"

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

#endif /* DROPBEAR_ENT_INTERNAL_H */
