/*
 * dropbear-entropy: wait for the kernel CRNG and help it along.
 *
 * The policy: where getrandom(GRND_NONBLOCK) already works, return after
 * that one call. Otherwise start what can raise credited entropy - the
 * collector child, ICMP ping-pong with the gateway, O_DIRECT reads - and
 * run them from one poll() loop that probes readiness at least every
 * ENT_STOP_LATENCY_US while anything is stimulating, so stimulation ends
 * within 100 ms of readiness. When nothing helps, sleep in poll() with long
 * timeouts: the wait goes on, but costs no CPU. The only ways out are a
 * ready CRNG (0) or the caller's stop flag / a broken kernel interface
 * (-1, and the caller takes upstream's own blocking path). The
 * stimulators credit nothing themselves (the kernel credits the
 * interrupts they raise); the sources this loop runs - seed file, CPU
 * RNG, /dev/hwrng, our jitter collector - credit only what
 * ent_credit_bits() allows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ent_internal.h"

#define ENT_TEXT_MAX		65536	/* /proc/interrupts, /proc/net/route */
#define ENT_BITS_EVERY_US	250000
#define ENT_LINE_US_IDLE	60000000	/* progress once a minute when stuck */
#define ENT_ROUTE_RETRY_US	1000000	/* look for a default route again */
/* A working kernel jitter collector seeds within about a second of a
 * blocking getrandom(); twice that without readiness means it gave up */
#define ENT_COLLECTOR_SILENT_US	2000000
#define ENT_BOOT_RETRY_US	1000000	/* a waiter looks at the lock again */
#define ENT_VIA_ROUTE		0	/* -X gateway= or the default route */
#define ENT_VIA_ARP		1	/* on-link neighbours, no default route */
#define ENT_VIA_ARP_DONE	2	/* they stopped answering: not again */

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

static const char *ipv4_text(struct in_addr a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET, &a, buf, (socklen_t)len) == NULL) {
		return "?";
	}
	return buf;
}

/* Whom to ping: -X gateway= if it is on the link, else the default
 * gateways of this namespace's routing table, else (no default route)
 * on-link neighbours from the ARP table. At boot the network often comes
 * up after the server: without a target the wait looks again every second
 * (quietly), and while it pings neighbours it keeps looking for a default
 * route, which it prefers. */
static int find_gateways(struct ent_wait_state *w, struct in_addr *gw, int quiet)
{
	const struct ent_ops *ops = w->ops;
	struct ent_link_route links[ENT_LINK_MAX];
	int n, nlinks;

	if (w->cfg->gateway[0] != '\0') {
		if (inet_pton(AF_INET, w->cfg->gateway, &gw[0]) != 1) {
			ent_log(&w->log, LOG_WARNING, "gateway %.64s is no IPv4 address: "
					"ICMP stimulator off", w->cfg->gateway);
			return 0;
		}
		/* On the link only: a connected route must cover it, so the
		 * requests never go through a router */
		if (ops->read_file(ENT_PATH_ROUTE, w->text, ENT_TEXT_MAX) < 0) {
			ent_log(&w->log, LOG_WARNING, "cannot read %s (%s) to check that "
					"gateway %.64s is on the link: refused, ICMP stimulator off",
					ENT_PATH_ROUTE, strerror(errno), w->cfg->gateway);
			return 0;
		}
		nlinks = ent_route_links(w->text, links, ENT_LINK_MAX);
		if (ent_route_onlink(links, nlinks, gw[0], NULL) < 0) {
			ent_log(&w->log, LOG_WARNING, "gateway %.64s is not on the link "
					"(no connected route covers it): refused, ICMP stimulator off",
					w->cfg->gateway);
			return 0;
		}
		return 1;
	}
	if (ops->read_file(ENT_PATH_ROUTE, w->text, ENT_TEXT_MAX) < 0) {
		if (!quiet) {
			ent_log(&w->log, LOG_WARNING, "cannot read %s (%s): no ICMP "
					"until it can be read", ENT_PATH_ROUTE, strerror(errno));
		}
		w->route_retry = 1;
		return 0;
	}
	n = ent_route_gateways(w->text, gw, ENT_GW_MAX);
	if (n > 0) {
		w->route_retry = 0;
		w->icmp_via = ENT_VIA_ROUTE;
		return n;
	}
	/* Looked at again every second: for a default route in any case,
	 * for neighbours until some were pinged */
	w->route_retry = 1;
	if (w->icmp_via != ENT_VIA_ARP_DONE) {
		/* links come from the routing table that w->text held; the
		 * ARP table takes its place */
		nlinks = ent_route_links(w->text, links, ENT_LINK_MAX);
		n = 0;
		if (ops->read_file(ENT_PATH_ARP, w->text, ENT_TEXT_MAX) >= 0) {
			n = ent_route_up_neighbours(ops, w->text, links, nlinks, gw, w->via_dev);
		}
		if (n > 0) {
			w->icmp_via = ENT_VIA_ARP;
			return n;
		}
	}
	if (!quiet) {
		ent_log(&w->log, LOG_WARNING, "no IPv4 default route and no neighbour "
				"in the ARP table on an interface that is up: no ICMP until one appears "
				"(-X gateway=A.B.C.D names a neighbour that answers ping)");
	}
	return 0;
}

static int read_irqs(struct ent_wait_state *w, struct ent_irq_count *irq)
{
	const struct ent_ops *ops = w->ops;

	if (ops->read_file(ENT_PATH_INTERRUPTS, w->text, ENT_TEXT_MAX) < 0) {
		return -1;
	}
	return ent_irq_parse(w->text, irq);
}

/* A line being built from the parts each runner describes */
struct ent_text {
	char *buf;
	size_t len, used;
	int full;
};

static void text_vadd(struct ent_text *t, const char *sep, const char *fmt, va_list ap)
{
	int r;

	if (t->full) {
		return;
	}
	r = snprintf(t->buf + t->used, t->len - t->used, "%s", sep);
	if (r >= 0 && (size_t)r < t->len - t->used) {
		t->used += (size_t)r;
		r = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	}
	if (r < 0 || (size_t)r >= t->len - t->used) {
		/* What fits stays; nothing is appended after a cut part */
		t->full = 1;
		return;
	}
	t->used += (size_t)r;
}

/* A new part of the line, after ", " when there is one already */
static void __attribute__((format(printf, 2, 3))) text_part(struct ent_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vadd(t, t->used > 0 ? ", " : "", fmt, ap);
	va_end(ap);
}

/* More of the current part */
static void __attribute__((format(printf, 2, 3))) text_add(struct ent_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vadd(t, "", fmt, ap);
	va_end(ap);
}

/*
 * What the wait runs, one entry each in runners[]: the stimulators (the
 * kernel credits the interrupts they raise) and the sources that credit
 * through ent_credit_bits(). The loop knows no more of them than this;
 * an entry leaves NULL what it does not have.
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

/* ---- the kernel's jitter collector, woken by our child ---- */
static void collector_start(struct ent_wait_state *w, int64_t now, int begin)
{
	if (begin && (w->stim & ENTROPY_STIM_COLLECTOR)) {
		(void)ent_collector_start(&w->col, w->ops, &w->log);
		w->t_collector = now;
	}
}

static int collector_fd(const struct ent_wait_state *w)
{
	return w->col.running ? w->col.fd : -1;
}

static int collector_step(struct ent_wait_state *w, int64_t now, int readable)
{
	(void)now;
	if (!readable) {
		return 0;
	}
	/* The child left getrandom(): most likely ready now */
	ent_collector_finished(&w->col);
	return 1;
}

static void collector_stop(struct ent_wait_state *w)
{
	ent_collector_stop(&w->col);
}

static void collector_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	(void)detail;
	if (w->col.running) {
		text_part(t, "collector child %ld", (long)w->col.pid);
	} else if (w->col.finished) {
		/* Its getrandom() returned: the kernel's collector was in it */
		text_part(t, "collector child (returned)");
	}
}

/* ---- ICMP echo to the gateways or neighbours ---- */
static void icmp_open(struct ent_wait_state *w, int64_t now, int quiet)
{
	struct in_addr gw[ENT_GW_MAX];
	struct ent_irq_count irq;
	char a[INET_ADDRSTRLEN];
	unsigned long sent = w->icmp.sent, replies = w->icmp.replies;
	unsigned long max_packets = w->packets_left;	/* of this boot's budget */
	int n, was_arp = w->icmp_via == ENT_VIA_ARP && w->icmp.active;

	if (sent >= max_packets) {
		w->route_retry = 0;	/* the bound is per boot, not per socket */
		return;
	}
	n = find_gateways(w, gw, quiet);
	if (n == 0 || (was_arp && w->icmp_via == ENT_VIA_ARP)) {
		return;	/* nothing to ping, or the same neighbours go on */
	}
	/* A default route appeared while neighbours were pinged */
	ent_icmp_close(&w->icmp);
	if (ent_icmp_open(&w->icmp, w->ops, &w->log, gw, n, max_packets) == 0) {
		ent_pace_init(&w->icmp.pace, now, read_irqs(w, &irq) == 0 ? &irq : NULL);
		if (quiet && w->icmp_via == ENT_VIA_ARP) {
			ent_log(&w->log, LOG_INFO, "neighbour %s on %s from the ARP table, "
					"no default route: ICMP stimulator started",
					ipv4_text(gw[0], a, sizeof(a)), w->via_dev);
		} else if (quiet) {
			ent_log(&w->log, LOG_INFO, "default route via %s appeared: "
					"ICMP stimulator started%s", ipv4_text(gw[0], a, sizeof(a)),
					was_arp ? " (instead of the neighbours)" : "");
		}
	} else {
		/* No socket: counts as not wanted any more */
		w->route_retry = 0;
	}
	/* One packet bound per boot, whichever targets it went to */
	w->icmp.sent = sent;
	w->icmp.replies = replies;
}

static void icmp_start(struct ent_wait_state *w, int64_t now, int begin)
{
	if (begin && (w->stim & ENTROPY_STIM_ICMP)) {
		icmp_open(w, now, 0);
		w->t_route = now + ENT_ROUTE_RETRY_US;
	} else if (!begin && w->route_retry && now >= w->t_route) {
		/* No target yet, or neighbours only: look at the routes again */
		w->t_route = now + ENT_ROUTE_RETRY_US;
		icmp_open(w, now, 1);
	}
}

static int icmp_fd(const struct ent_wait_state *w)
{
	return w->icmp.active ? w->icmp.fd : -1;
}

static int64_t icmp_deadline(const struct ent_wait_state *w)
{
	return w->icmp.active ? w->icmp_due : -1;
}

/* One pacing decision per window from the device interrupts that the
 * replies raised */
static void icmp_pace(struct ent_wait_state *w, int64_t now)
{
	struct ent_irq_count irq;

	if (!w->icmp.pace.have_irq || now - w->icmp.pace.t_window < ENT_PACE_WINDOW_US) {
		return;
	}
	if (read_irqs(w, &irq) < 0) {
		w->icmp.pace.have_irq = 0;
		return;
	}
	(void)ent_pace_update(&w->icmp.pace, now, irq.device, w->icmp.replies - w->replies_seen);
	w->replies_seen = w->icmp.replies;
}

static int icmp_step(struct ent_wait_state *w, int64_t now, int readable)
{
	if (readable) {
		ent_icmp_receive(&w->icmp, now);
		return 0;
	}
	if (!w->icmp.active) {
		return 0;
	}
	icmp_pace(w, now);
	w->icmp_due = ent_icmp_service(&w->icmp, now);
	if (!w->icmp.active) {
		/* Every target dead, or the packet bound spent */
		if (w->icmp.sent >= w->icmp.max_packets) {
			ent_log(&w->log, LOG_WARNING, "ICMP bound of %lu packets reached",
					w->icmp.max_packets);
		}
		if (w->icmp_via == ENT_VIA_ARP) {
			/* The neighbours stopped answering: from now on only a
			 * default route starts ICMP again */
			w->icmp_via = ENT_VIA_ARP_DONE;
		}
		ent_icmp_close(&w->icmp);
	}
	return 0;
}

static void icmp_stop(struct ent_wait_state *w)
{
	ent_icmp_close(&w->icmp);
}

static void icmp_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	char a[INET_ADDRSTRLEN];
	int i, alive = 0;

	if (!w->icmp.active) {
		return;
	}
	for (i = 0; i < w->icmp.ntargets; i++) {
		alive += !w->icmp.t[i].dead;
	}
	text_part(t, "ICMP echo to%s", w->icmp_via != ENT_VIA_ARP ? ""
			: alive > 1 ? " neighbours" : " neighbour");
	for (i = 0; i < w->icmp.ntargets; i++) {
		if (!w->icmp.t[i].dead) {
			text_add(t, " %s", ipv4_text(w->icmp.t[i].addr, a, sizeof(a)));
		}
	}
	if (w->icmp_via == ENT_VIA_ARP) {
		text_add(t, " on %s from the ARP table, no default route", w->via_dev);
	}
	if (!detail) {
		text_add(t, " (%s socket, at most %lu packets)", w->icmp.raw ? "raw" : "datagram",
				w->icmp.max_packets);
		return;
	}
	text_add(t, " (%lu sent, %lu replies, gap %u us", w->icmp.sent, w->icmp.replies,
			w->icmp.pace.gap_us);
	if (w->icmp.pace.last_yield >= 0.0) {
		text_add(t, ", %.2f irq/event", w->icmp.pace.last_yield);
	}
	text_add(t, ")");
}

#if ENT_WITH_BLOCK
/* ---- O_DIRECT reads ---- */
/* Block reads come second: on a single-CPU board they compete with the
 * ICMP ping-pong for the same CPU, and measured on the rig they made
 * seeding slower, not faster, while ICMP ran well. So they start only
 * where ICMP does not run, stops, or raises too few device interrupts. */
static void block_start(struct ent_wait_state *w, int64_t now, int begin)
{
	(void)now;
	if (begin) {
		w->blk_pending = (w->stim & ENTROPY_STIM_BLOCK) != 0;
	}
	if (!w->blk_pending || (w->icmp.active && (w->icmp.pace.last_yield < 0.0
				|| w->icmp.pace.last_yield >= ENT_PACE_POOR_YIELD))) {
		return;
	}
	w->blk_pending = 0;
	(void)ent_block_open(&w->blk, w->ops, &w->log, w->cfg->block_device);
}

static int block_fd(const struct ent_wait_state *w)
{
	/* the reader child reports each read here */
	return w->blk.active ? w->blk.fd : -1;
}

static int block_step(struct ent_wait_state *w, int64_t now, int readable)
{
	(void)now;
	if (readable) {
		(void)ent_block_step(&w->blk, &w->log);
		return 0;
	}
	if (w->blk.fd >= 0 && !w->blk.active) {
		/* the reader child finished, failed or went away */
		if (w->blk.reads >= w->blk.max_reads) {
			ent_log(&w->log, LOG_INFO, "block read bound of %lu reads reached",
					w->blk.max_reads);
		}
		ent_block_close(&w->blk);
	}
	return 0;
}

static void block_stop(struct ent_wait_state *w)
{
	ent_block_close(&w->blk);
}

static void block_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	if (w->blk.active && detail) {
		text_part(t, "O_DIRECT reads of %s (%lu done)", w->blk.path, w->blk.reads);
	} else if (w->blk.active) {
		text_part(t, "O_DIRECT reads of %s (at most %lu)", w->blk.path, w->blk.max_reads);
	} else if (!detail && w->blk_pending) {
		text_part(t, "O_DIRECT reads if ICMP falls short");
	}
}

#endif

#if ENT_WITH_JITTER
/* ---- our CPU jitter collector (-X policy=jitter) ---- */
/* At once where the kernel has no jitter collector (by version: before
 * 5.4 and not one of the 2022 stable updates), else only once the count
 * has not risen for a grace period: ours never runs beside a collector
 * that works, which would credit the same CPU's timing noise a second
 * time */
static void jitter_start(struct ent_wait_state *w, int64_t now, int begin)
{
	if (!begin && w->cfg->policy == ENTROPY_POLICY_JITTER && !w->jit_tried
			&& (w->kernel_collector == 0 || (now - w->t0 >= ENT_JIT_GRACE_US
					&& now - w->t_gain >= ENT_JIT_GRACE_US))) {
		w->jit_tried = 1;
		(void)ent_jitter_start(&w->jit, w->ops, &w->log);
	}
}

static int64_t jitter_deadline(const struct ent_wait_state *w)
{
	/* back-to-back work, the poll only collects replies */
	return w->jit.active ? 0 : -1;
}

static int jitter_step(struct ent_wait_state *w, int64_t now, int readable)
{
	(void)now;
	return !readable && ent_jitter_step(&w->jit, w->cfg, w->ops, &w->log) > 0;
}

static void jitter_stop(struct ent_wait_state *w)
{
	ent_jitter_stop(&w->jit);
}

static void jitter_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	if (!detail && w->cfg->policy == ENTROPY_POLICY_JITTER && !w->jit_tried) {
		text_part(t, "CPU jitter (policy=jitter, %s)", w->kernel_collector == 0
				? "at once" : "if the kernel's own stalls 1 s");
	} else if (w->jit.active || w->jit.credited > 0) {
		text_part(t, "CPU jitter (%lu bits credited)", w->jit.credited);
	}
}

#endif

#if ENT_WITH_CPURNG
/* ---- the CPU's RNG instructions: one read as stimulation begins ---- */
static void cpurng_start(struct ent_wait_state *w, int64_t now, int begin)
{
	(void)now;
	if (begin) {
		w->cpu_bits = ent_cpurng_feed(w->cfg, w->ops, &w->log);
	}
}

static void cpurng_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	(void)detail;
	if (w->cpu_bits > 0) {
		text_part(t, "CPU RNG (%d bits)", w->cpu_bits);
	}
}

#endif

#if ENT_WITH_HWRNG
/* ---- /dev/hwrng, where the kernel does not read it itself ---- */
static void hwrng_start(struct ent_wait_state *w, int64_t now, int begin)
{
	(void)now;
	if (begin && w->cfg->policy != ENTROPY_POLICY_STRICT) {
		(void)ent_hwrng_open(&w->hw, w->cfg, w->ops, &w->log);
	}
}

static int64_t hwrng_deadline(const struct ent_wait_state *w)
{
	return w->hw.active ? w->hw.next : -1;
}

static int hwrng_step(struct ent_wait_state *w, int64_t now, int readable)
{
	return !readable && ent_hwrng_step(&w->hw, w->cfg, w->ops, &w->log, now) > 0;
}

static void hwrng_stop(struct ent_wait_state *w)
{
	ent_hwrng_close(&w->hw, w->ops);
}

static void hwrng_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	if (!detail && w->hw.active) {
		text_part(t, "/dev/hwrng %s (%s)", w->hw.name, w->hw.trusted
				? "health-tested, credited under -X trust-hwrng" : w->hw.why);
	} else if (!detail && w->hw.kernel_quality > 0) {
		text_part(t, "/dev/hwrng %s (credited by the kernel, quality %d)", w->hw.name,
				w->hw.kernel_quality);
	} else if (w->hw.active || w->hw.credited > 0) {
		text_part(t, "/dev/hwrng (%lu bits credited)", w->hw.credited);
	}
}

#endif

#if ENT_WITH_SEED
/* ---- the seed file: loaded before anything else, described here ---- */
static void seed_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	(void)detail;
	if (w->seed.credited_bits > 0) {
		text_part(t, "seed file (%d bits)", w->seed.credited_bits);
	}
}

#endif

/* In the order of the plan and the progress lines; a source this build
 * leaves out has no entry */
static const struct ent_runner runners[] = {
	{ 0, collector_start, collector_fd, NULL, collector_step,
		collector_stop, collector_describe },
	{ 1, icmp_start, icmp_fd, icmp_deadline, icmp_step, icmp_stop,
		icmp_describe },
#if ENT_WITH_BLOCK
	{ 1, block_start, block_fd, NULL, block_step, block_stop,
		block_describe },
#endif
#if ENT_WITH_JITTER
	{ 1, jitter_start, NULL, jitter_deadline, jitter_step, jitter_stop,
		jitter_describe },
#endif
#if ENT_WITH_CPURNG
	{ 0, cpurng_start, NULL, NULL, NULL, NULL, cpurng_describe },
#endif
#if ENT_WITH_HWRNG
	{ 1, hwrng_start, NULL, hwrng_deadline, hwrng_step, hwrng_stop,
		hwrng_describe },
#endif
#if ENT_WITH_SEED
	{ 0, NULL, NULL, NULL, NULL, NULL, seed_describe },
#endif
};
#define ENT_RUNNERS	(sizeof(runners) / sizeof(runners[0]))

static int64_t runner_deadline(const struct ent_runner *r, const struct ent_wait_state *w)
{
	return r->deadline != NULL ? r->deadline(w) : -1;
}

static int runner_fd(const struct ent_runner *r, const struct ent_wait_state *w)
{
	return r->fd != NULL ? r->fd(w) : -1;
}

/* 1 while anything that the stimulation bound stops runs */
static int stimulating(const struct ent_wait_state *w)
{
	size_t i;

	for (i = 0; i < ENT_RUNNERS; i++) {
		if (runners[i].bounded && (runner_fd(&runners[i], w) >= 0
					|| runner_deadline(&runners[i], w) >= 0)) {
			return 1;
		}
	}
	return 0;
}

static void start_stimulators(struct ent_wait_state *w, int64_t now)
{
	struct ent_irq_count irq;
	int have_irq;
	size_t i;

	have_irq = read_irqs(w, &irq) == 0;
	for (i = 0; i < ENT_RUNNERS; i++) {
		if (runners[i].start != NULL) {
			runners[i].start(w, now, 1);
		}
	}
	if ((w->icmp.fd >= 0 || w->blk.fd >= 0) && !have_irq) {
		ent_log(&w->log, LOG_INFO, "%s unreadable: pacing without interrupt counts",
				ENT_PATH_INTERRUPTS);
	}
}

/* Stimulation is one per boot across every process of the fork
 * (ent_boot.c): take it, or learn that another process has it, and start
 * within what is left of the boot's budget. Returns 1 when we stimulate. */
static int begin_stimulation(struct ent_wait_state *w, int64_t now)
{
	unsigned long max_packets = ent_config_max_packets(w->cfg);
	unsigned long max_seconds = ent_config_max_seconds(w->cfg);
	unsigned long seconds_left;

	w->t_end_stim = now;
	w->boot_role = ent_boot_acquire(&w->boot, w->ops);
	if (w->boot_role == 0) {
		w->t_boot_retry = now + ENT_BOOT_RETRY_US;
		return 0;
	}
	if (w->boot_role < 0) {
		ent_log(&w->log, LOG_INFO, "%s unusable (%s): the stimulation bounds "
				"are per wait, not per boot", ENT_RUN_DIR, w->boot.why);
	}
	w->packets_left = w->boot.packets_spent >= max_packets ? 0
		: max_packets - w->boot.packets_spent;
	seconds_left = w->boot.seconds_spent >= max_seconds ? 0
		: max_seconds - w->boot.seconds_spent;
	if (w->packets_left == 0 || seconds_left == 0) {
		ent_log(&w->log, LOG_WARNING, "this boot's stimulation budget is "
				"spent (%lu packets, %lu s by earlier processes): waiting without "
				"stimulating", w->boot.packets_spent, w->boot.seconds_spent);
		return 0;
	}
	w->t_stim_start = now;
	w->t_end_stim = now + (int64_t)seconds_left * 1000000;
	w->stim = ent_config_stimulators(w->cfg);
	start_stimulators(w, now);
	return 1;
}

static void record_spent(struct ent_wait_state *w, int64_t now)
{
	if (w->boot_role != 0 && w->t_stim_start != 0) {
		ent_boot_record(&w->boot, w->icmp.sent, (unsigned long)((now - w->t_stim_start)
				/ 1000000));
	}
}

/* "collector child 123, ICMP echo to 10.0.2.2 (raw socket, ...)" */
static void describe(struct ent_wait_state *w, char *buf, size_t len, int detail)
{
	struct ent_text t;
	size_t i;

	buf[0] = '\0';
	t.buf = buf;
	t.len = len;
	t.used = 0;
	t.full = 0;
	for (i = 0; i < ENT_RUNNERS; i++) {
		runners[i].describe(w, &t, detail);
	}
	if (t.used == 0 && w->boot_role == 0) {
		text_part(&t, "nothing: another process of this boot stimulates (%s/stimulate.lock)",
				ENT_RUN_DIR);
	} else if (t.used == 0) {
		text_part(&t, "nothing (the kernel on its own)");
	}
}

/* bounded_only: at the stimulation bound; else everything, at the end */
static void stop_runners(struct ent_wait_state *w, int bounded_only)
{
	size_t i;

	for (i = 0; i < ENT_RUNNERS; i++) {
		if (runners[i].stop != NULL && (runners[i].bounded || !bounded_only)) {
			runners[i].stop(w);
		}
	}
}

static void log_hint_once(struct ent_wait_state *w)
{
	if (w->hint_logged) {
		return;
	}
	w->hint_logged = 1;
	/* From now on a progress line a minute is plenty */
	w->prog.interval_us = ENT_LINE_US_IDLE;
	ent_log(&w->log, LOG_WARNING, "nothing here raises the kernel's entropy; "
			"waiting without load. To seed at boot give the system a source: "
			"a virtio-rng device (qemu -device virtio-rng-pci), rng-seed in the "
			"device tree /chosen node, a seed file restored at boot "
			"(seedrng, systemd-random-seed) or a hwrng driver");
}

static int64_t next_timeout(struct ent_wait_state *w, int64_t now)
{
	int64_t t, d;
	size_t i;

	t = w->prog.t_last_line + w->prog.interval_us - now;
	for (i = 0; i < ENT_RUNNERS; i++) {
		d = runner_deadline(&runners[i], w);
		if (d >= 0 && d - now < t) {
			t = d - now;
		}
	}
	if (stimulating(w)) {
		if (t > ENT_STOP_LATENCY_US) {
			t = ENT_STOP_LATENCY_US;
		}
	} else if (!w->col.running) {
		/* No child to tell us: look again every 100 ms, which is no load */
		if (t > ENT_IDLE_CHECK_US) {
			t = ENT_IDLE_CHECK_US;
		}
	} else if (t > ENT_IDLE_CHECK_US * 10) {
		/* The child wakes us at readiness; still keep the bound checks */
		t = ENT_IDLE_CHECK_US * 10;
	}
	return t < 0 ? 0 : t;
}

/* Starts, steps and bounds every runner once; returns 1 when one of them
 * may have made the CRNG ready */
static int run_turn(struct ent_wait_state *w, int64_t now)
{
	int check_now = 0;
	size_t i;

	if (now >= w->t_end_stim) {
		if (stimulating(w) && !w->bound_logged) {
			w->bound_logged = 1;
			ent_log(&w->log, LOG_WARNING, "stimulation bound of %lu s reached "
					"(%lu packets, %lu reads); waiting on",
					ent_config_max_seconds(w->cfg), w->icmp.sent, w->blk.reads);
		}
		stop_runners(w, 1);
		w->route_retry = 0;
		w->blk_pending = 0;
	}
	for (i = 0; i < ENT_RUNNERS; i++) {
		if (runners[i].start != NULL && now < w->t_end_stim && w->boot_role != 0) {
			runners[i].start(w, now, 0);
			now = w->ops->now_us();
		}
		/* Each looks at its own state: a finished reader child is
		 * closed here, a stopped source does nothing */
		if (runners[i].step != NULL) {
			check_now |= runners[i].step(w, now, 0);
			now = w->ops->now_us();
		}
	}
	return check_now;
}

int ent_wait(const struct entropy_config *cfg, const struct ent_ops *ops)
{
	struct ent_wait_state w;
	struct pollfd pfd[ENT_RUNNERS];
	size_t owner[ENT_RUNNERS];
	char plan[ENT_LINE_MAX / 2], running[ENT_LINE_MAX / 2], by[ENT_LINE_MAX / 2];
	int64_t now, t_check, timeout, t_ready = 0;
	int r, ret = -1, check_now;
	size_t i, nfds;

	r = ent_probe_ready(ops);
	if (r != 0) {
		return r == 1 ? 0 : -1;
	}
	if (cfg->stop_flag != NULL && *cfg->stop_flag) {
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	w.ops = ops;
	w.col.fd = -1;
	w.icmp.fd = -1;
	w.blk.fd = -1;
	ent_hwrng_init(&w.hw);
	ent_boot_init(&w.boot);
	w.boot_role = -1;	/* until begin_stimulation() */
	w.text = malloc(ENT_TEXT_MAX);
	now = w.t0 = ops->now_us();
	(void)ent_probe_generation(ops, &w.gen);
	w.kernel_collector = ent_probe_kernel_collector(ops, &w.gen, w.release,
			sizeof(w.release));
	ent_log_init(&w.log, cfg, ops);
	ent_progress_init(&w.prog, &w.log, w.gen.bits_needed, now);
	/* The seed file first: where it is credited, nothing else starts */
	if (ent_seed_load(cfg, ops, &w.log, &w.seed) > 0 && ent_probe_ready(ops) == 1) {
		t_ready = ops->now_us();
		ret = 0;
		goto done;
	}
	if (w.text == NULL) {
		ent_log(&w.log, LOG_WARNING, "out of memory; waiting without stimulation");
	} else {
		(void)begin_stimulation(&w, now);
	}
	if (ent_probe_bits(ops, &w.bits) < 0) {
		w.bits = 0;
	}
	w.t_bits = w.t_gain = now;
	describe(&w, plan, sizeof(plan), 0);
	ent_log(&w.log, LOG_WARNING, "kernel CRNG not initialised, getrandom() would "
			"block; %s; kernel jitter collector: %s%s%s; %d/%d bits; plan: %s",
			w.gen.name, w.kernel_collector == 1 ? "yes" : w.kernel_collector == 0
			? "none" : "unknown", w.release[0] != '\0' ? ", Linux " : "", w.release,
			w.bits, w.gen.bits_needed, plan);
	(void)ent_progress_tick(&w.prog, now, w.bits, plan);

	t_check = now;
	check_now = 0;
	for (;;) {
		if (cfg->stop_flag != NULL && *cfg->stop_flag) {
			ent_log(&w.log, LOG_INFO, "wait stopped after %.1f s, CRNG not seeded",
					(double)(ops->now_us() - w.t0) / 1e6);
			ret = -1;
			break;
		}
		now = ops->now_us();
		if (check_now || now - t_check >= ENT_READY_CHECK_US) {
			check_now = 0;
			t_check = now;
			r = ent_probe_ready(ops);
			if (r == 1) {
				t_ready = now;
				ret = 0;
				break;
			}
			if (r < 0) {
				ent_log(&w.log, LOG_WARNING, "getrandom() failed (%s); "
						"leaving the wait to the caller", strerror(errno));
				ret = -1;
				break;
			}
		}
		if (now - w.t_bits >= ENT_BITS_EVERY_US) {
			int b;

			if (ent_probe_bits(ops, &b) == 0) {
				if (b > w.bits) {
					w.t_gain = now;
				}
				w.bits = b;
			}
			w.t_bits = now;
		}
		check_now = run_turn(&w, now);
		now = ops->now_us();
		if (!stimulating(&w) && w.boot_role != 0
				&& (cfg->policy != ENTROPY_POLICY_JITTER || w.jit_tried)
				&& ((!w.col.running && !w.route_retry) || now - w.t_gain >= ENT_STALL_US)) {
			log_hint_once(&w);
		}
		if (w.boot_role == 0 && w.text != NULL && now >= w.t_boot_retry
				&& begin_stimulation(&w, now) == 1) {
			describe(&w, running, sizeof(running), 0);
			ent_log(&w.log, LOG_WARNING, "the process that stimulated is "
					"gone; taking over with what is left of this boot's budget: %s",
					running);
		}
		if (w.kernel_collector == 1 && w.col.running && !w.collector_silent_logged
				&& now - w.t_collector >= ENT_COLLECTOR_SILENT_US) {
			w.collector_silent_logged = 1;
			describe(&w, running, sizeof(running), 0);
			ent_log(&w.log, LOG_WARNING, "the kernel's jitter collector has "
					"not seeded the CRNG in %d s of a blocking getrandom(): it is "
					"not producing entropy on this board (it gives up where the "
					"cycle counter is too coarse); seeding with: %s",
					ENT_COLLECTOR_SILENT_US / 1000000, running);
			ent_boot_note_collector_silent(ops);
		}
		if (now - w.prog.t_last_line >= w.prog.interval_us) {
			/* Only build the text when a line is due: this loop turns
			 * once per ICMP reply */
			describe(&w, running, sizeof(running), 1);
			(void)ent_progress_tick(&w.prog, now, w.bits, running);
			record_spent(&w, now);
		}

		nfds = 0;
		for (i = 0; i < ENT_RUNNERS; i++) {
			pfd[nfds].fd = runner_fd(&runners[i], &w);
			if (pfd[nfds].fd >= 0) {
				pfd[nfds].events = POLLIN;
				pfd[nfds].revents = 0;
				owner[nfds++] = i;
			}
		}
		timeout = next_timeout(&w, now);
		r = ops->poll(pfd, (nfds_t)nfds, timeout);
		if (r < 0) {
			if (errno == EINTR) {
				continue;	/* the stop flag is looked at first */
			}
			ent_log(&w.log, LOG_WARNING, "poll() failed (%s); "
					"leaving the wait to the caller", strerror(errno));
			ret = -1;
			break;
		}
		now = ops->now_us();
		for (i = 0; i < nfds; i++) {
			if (pfd[i].revents != 0) {
				check_now |= runners[owner[i]].step(&w, now, 1);
			}
		}
	}

done:
	describe(&w, by, sizeof(by), 1);
	stop_runners(&w, 1);
	record_spent(&w, ops->now_us());
	ent_boot_release(&w.boot);
	stop_runners(&w, 0);
	if (ret == 0) {
		/* tests/vm/rig.py parses this line: keep its tail stable */
		if (ent_probe_bits(ops, &w.bits) < 0) {
			w.bits = w.gen.bits_needed;
		}
		ent_log(&w.log, LOG_NOTICE, "kernel CRNG seeded after %.1f s, while "
				"running: %s; %lu ICMP packets, %lu replies, %lu block reads",
				(double)(t_ready - w.t0) / 1e6, by, w.icmp.sent, w.icmp.replies,
				w.blk.reads);
		ent_boot_seeded(ops, cfg->program != NULL ? cfg->program : "dropbear",
				w.seed.credited_bits, w.hw.credited, w.cpu_bits, w.jit.credited,
				w.icmp.sent, w.blk.reads);
		/* getrandom() is ready: this seed will be creditable */
		(void)ent_seed_save(cfg, ops, &w.log, &w.seed);
	}
	/* the previous seed, kept to be hashed into the next one */
	explicit_bzero(w.seed.old, sizeof(w.seed.old));
	free(w.text);
	return ret;
}

void entropy_save_seed(const struct entropy_config *cfg)
{
	const struct ent_ops *ops = ent_sys_ops();
	struct entropy_config defaults;
	struct ent_log log;
	struct ent_seed none;

	if (cfg == NULL) {
		memset(&defaults, 0, sizeof(defaults));
		cfg = &defaults;
	}
	if (cfg->disabled) {
		return;
	}
	memset(&none, 0, sizeof(none));
	ent_log_init(&log, cfg, ops);
	(void)ent_seed_save(cfg, ops, &log, &none);
}

int entropy_ensure_seeded(const struct entropy_config *cfg)
{
	const struct ent_ops *ops = ent_sys_ops();
	struct entropy_config defaults;
	int r;

	/* The common case costs exactly this one syscall */
	r = ent_probe_ready(ops);
	if (r == 1) {
		return 0;
	}
	if (r < 0) {
		return -1;	/* ENOSYS: the caller falls back as upstream does */
	}
	if (cfg == NULL) {
		memset(&defaults, 0, sizeof(defaults));
		cfg = &defaults;
	}
	if (cfg->disabled) {
		return -1;
	}
	return ent_wait(cfg, ops);
}
