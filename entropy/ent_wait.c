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
 * (-1, and the caller takes upstream's own blocking path). Nothing here
 * credits entropy or produces random bytes.
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
	int icmp_open;
	int blk_pending;	/* in -X stim=, not started yet */
	int blk_open;
	char *text;		/* scratch for /proc files, ENT_TEXT_MAX */
	int bits;
	int64_t t_bits;
	int64_t t_gain;		/* last time the bit count rose */
	int64_t t_end_stim;	/* stimulation time bound */
	unsigned long events_seen;	/* replies + reads at last pace window */
	int hint_logged;
	int bound_logged;
	int route_retry;	/* ICMP wanted, but no route yet */
	int64_t t_route;	/* next look at the routing table */
	int icmp_via;		/* ENT_VIA_*: where the ICMP targets came from */
	char via_dev[ENT_IFNAME_MAX];	/* the neighbours' interface */
	struct ent_wait_extra *extra;
};

static const char *ipv4_text(struct in_addr a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET, &a, buf, (socklen_t)len) == NULL) {
		return "?";
	}
	return buf;
}

/* The neighbours to ping where there is no default route: complete
 * entries of the ARP table that are on the link of an interface that is
 * up, all on the first such interface. links come from the routing table,
 * which w->text held; the ARP table takes its place. */
static int find_neighbours(struct ent_wait_state *w, const struct ent_link_route *links,
		int nlinks, struct in_addr *gw)
{
	const struct ent_ops *ops = w->ops;
	struct ent_neighbour nb[ENT_GW_MAX * 4];
	char path[64], state[32];
	int n, i, up = -1, found = 0;

	if (ops->read_file(ops->ctx, ENT_PATH_ARP, w->text, ENT_TEXT_MAX) < 0) {
		return 0;
	}
	n = ent_route_neighbours(w->text, links, nlinks, nb, ENT_GW_MAX * 4);
	for (i = 0; i < n && found < ENT_GW_MAX; i++) {
		if (up >= 0 && strcmp(nb[i].dev, nb[up].dev) != 0) {
			continue;
		}
		if (up < 0) {
			/* The name passed ent_route's interface name rules: no
			 * '/', no "..", so the path stays below /sys/class/net.
			 * operstate, not flags: flags says only that the
			 * interface was set up, operstate also that it has a
			 * link ("down" whenever it is administratively down). */
			(void)snprintf(path, sizeof(path), ENT_PATH_OPERSTATE, nb[i].dev);
			if (ops->read_file(ops->ctx, path, state, sizeof(state)) < 0
					|| !ent_route_oper_up(state)) {
				continue;
			}
			up = i;
			memcpy(w->via_dev, nb[i].dev, sizeof(w->via_dev));
		}
		gw[found++] = nb[i].addr;
	}
	return found;
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
			ent_log(&w->prog, LOG_WARNING, "entropy: gateway %.64s is no IPv4 address: "
					"ICMP stimulator off", w->cfg->gateway);
			return 0;
		}
		/* On the link only: a connected route must cover it, so the
		 * requests never go through a router */
		if (ops->read_file(ops->ctx, ENT_PATH_ROUTE, w->text, ENT_TEXT_MAX) < 0) {
			ent_log(&w->prog, LOG_WARNING, "entropy: cannot read %s (%s) to check that "
					"gateway %.64s is on the link: refused, ICMP stimulator off",
					ENT_PATH_ROUTE, strerror(errno), w->cfg->gateway);
			return 0;
		}
		nlinks = ent_route_links(w->text, links, ENT_LINK_MAX);
		if (ent_route_onlink(links, nlinks, gw[0], NULL) < 0) {
			ent_log(&w->prog, LOG_WARNING, "entropy: gateway %.64s is not on the link "
					"(no connected route covers it): refused, ICMP stimulator off",
					w->cfg->gateway);
			return 0;
		}
		return 1;
	}
	if (ops->read_file(ops->ctx, ENT_PATH_ROUTE, w->text, ENT_TEXT_MAX) < 0) {
		if (!quiet) {
			ent_log(&w->prog, LOG_WARNING, "entropy: cannot read %s (%s): no ICMP "
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
		nlinks = ent_route_links(w->text, links, ENT_LINK_MAX);
		n = find_neighbours(w, links, nlinks, gw);
		if (n > 0) {
			w->icmp_via = ENT_VIA_ARP;
			return n;
		}
	}
	if (!quiet) {
		ent_log(&w->prog, LOG_WARNING, "entropy: no IPv4 default route and no neighbour "
				"in the ARP table on an interface that is up: no ICMP until one appears "
				"(-X gateway=A.B.C.D names a neighbour that answers ping)");
	}
	return 0;
}

static int read_irqs(struct ent_wait_state *w, struct ent_irq_count *irq)
{
	const struct ent_ops *ops = w->ops;

	if (ops->read_file(ops->ctx, ENT_PATH_INTERRUPTS, w->text, ENT_TEXT_MAX) < 0) {
		return -1;
	}
	return ent_irq_parse(w->text, irq);
}

static void start_icmp(struct ent_wait_state *w, int64_t now, int quiet)
{
	struct in_addr gw[ENT_GW_MAX];
	struct ent_irq_count irq;
	char a[INET_ADDRSTRLEN];
	unsigned long sent = w->icmp.sent, replies = w->icmp.replies;
	unsigned long max_packets = w->packets_left;	/* of this boot's budget */
	int n, was_arp = w->icmp_via == ENT_VIA_ARP && w->icmp_open;

	if (was_arp && !w->icmp.active) {
		/* The neighbours stopped answering (or the bound is spent):
		 * from now on only a default route starts ICMP again */
		w->icmp_via = ENT_VIA_ARP_DONE;
		was_arp = 0;
	}
	if (sent >= max_packets) {
		w->route_retry = 0;	/* the bound is per boot, not per socket */
		return;
	}
	n = find_gateways(w, gw, quiet);
	if (n == 0 || (was_arp && w->icmp_via == ENT_VIA_ARP)) {
		return;	/* nothing to ping, or the same neighbours go on */
	}
	if (w->icmp_open) {
		/* A default route appeared while neighbours were pinged */
		ent_icmp_close(&w->icmp);
		w->icmp_open = 0;
	}
	if (ent_icmp_open(&w->icmp, w->ops, &w->prog, gw, n, max_packets,
				w->extra != NULL && w->extra->force_dgram) == 0) {
		w->icmp_open = 1;
		ent_pace_init(&w->icmp.pace, now, read_irqs(w, &irq) == 0 ? &irq : NULL);
		if (quiet && w->icmp_via == ENT_VIA_ARP) {
			ent_log(&w->prog, LOG_INFO, "entropy: neighbour %s on %s from the ARP table, "
					"no default route: ICMP stimulator started",
					ipv4_text(gw[0], a, sizeof(a)), w->via_dev);
		} else if (quiet) {
			ent_log(&w->prog, LOG_INFO, "entropy: default route via %s appeared: "
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

/* Block reads come second: on a single-CPU board they compete with the
 * ICMP ping-pong for the same CPU, and measured on the rig they made
 * seeding slower, not faster, while ICMP ran well. So they start only
 * where ICMP does not run, stops, or raises too few device interrupts. */
static void start_block(struct ent_wait_state *w)
{
	if (!w->blk_pending) {
		return;
	}
	w->blk_pending = 0;
	if (ent_block_open(&w->blk, w->ops, &w->prog, w->cfg->block_device) == 0) {
		w->blk_open = 1;
	}
}

static int icmp_falls_short(const struct ent_wait_state *w)
{
	return !w->icmp.active || (w->icmp.pace.last_yield >= 0.0
			&& w->icmp.pace.last_yield < ENT_PACE_POOR_YIELD);
}

static void start_stimulators(struct ent_wait_state *w, unsigned int stim, int64_t now)
{
	struct ent_irq_count irq;
	int have_irq;

	w->cpu_bits = ent_cpurng_feed(w->cfg, w->ops, &w->prog);
	if (w->cfg->policy != ENTROPY_POLICY_STRICT) {
		(void)ent_hwrng_open(&w->hw, w->cfg, w->ops, &w->prog);
	}
	if (stim & ENTROPY_STIM_COLLECTOR) {
		(void)ent_collector_start(&w->col, w->ops, &w->prog);
		w->t_collector = now;
	}
	have_irq = read_irqs(w, &irq) == 0;
	if (stim & ENTROPY_STIM_ICMP) {
		start_icmp(w, now, 0);
		w->t_route = now + ENT_ROUTE_RETRY_US;
	}
	w->blk_pending = (stim & ENTROPY_STIM_BLOCK) != 0;
	if (!w->icmp_open) {
		start_block(w);
	}
	if ((w->icmp_open || w->blk_open) && !have_irq) {
		ent_log(&w->prog, LOG_INFO, "entropy: %s unreadable: pacing without interrupt counts",
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
		ent_log(&w->prog, LOG_INFO, "entropy: %s unusable (%s): the stimulation bounds "
				"are per wait, not per boot", ENT_RUN_DIR, w->boot.why);
	}
	w->packets_left = w->boot.packets_spent >= max_packets ? 0
		: max_packets - w->boot.packets_spent;
	seconds_left = w->boot.seconds_spent >= max_seconds ? 0
		: max_seconds - w->boot.seconds_spent;
	if (w->packets_left == 0 || seconds_left == 0) {
		ent_log(&w->prog, LOG_WARNING, "entropy: this boot's stimulation budget is "
				"spent (%lu packets, %lu s by earlier processes): waiting without "
				"stimulating", w->boot.packets_spent, w->boot.seconds_spent);
		return 0;
	}
	w->t_stim_start = now;
	w->t_end_stim = now + (int64_t)seconds_left * 1000000;
	start_stimulators(w, ent_config_stimulators(w->cfg), now);
	return 1;
}

static void record_spent(struct ent_wait_state *w, int64_t now)
{
	if (w->boot_role != 0 && w->t_stim_start != 0) {
		ent_boot_record(&w->boot, w->ops, w->icmp.sent,
				(unsigned long)((now - w->t_stim_start) / 1000000));
	}
}

/* "collector, icmp 10.0.2.2 (raw), block /dev/vda" */
static void describe(struct ent_wait_state *w, char *buf, size_t len, int detail)
{
	char a[INET_ADDRSTRLEN];
	size_t used = 0;
	int i, r;

	buf[0] = '\0';
#define ADD(...) do { \
		r = snprintf(buf + used, len - used, __VA_ARGS__); \
		if (r < 0 || (size_t)r >= len - used) { \
			return; \
		} \
		used += (size_t)r; \
	} while (0)
	if (w->col.running) {
		ADD("%scollector child %ld", used ? ", " : "", (long)w->col.pid);
	} else if (w->col.finished) {
		/* Its getrandom() returned: the kernel's collector was in it */
		ADD("%scollector child (returned)", used ? ", " : "");
	}
	if (w->icmp.active) {
		int alive = 0;

		for (i = 0; i < w->icmp.ntargets; i++) {
			alive += !w->icmp.t[i].dead;
		}
		ADD("%sICMP echo to%s", used ? ", " : "", w->icmp_via != ENT_VIA_ARP ? ""
				: alive > 1 ? " neighbours" : " neighbour");
		for (i = 0; i < w->icmp.ntargets; i++) {
			if (!w->icmp.t[i].dead) {
				ADD(" %s", ipv4_text(w->icmp.t[i].addr, a, sizeof(a)));
			}
		}
		if (w->icmp_via == ENT_VIA_ARP) {
			ADD(" on %s from the ARP table, no default route", w->via_dev);
		}
		if (detail) {
			ADD(" (%lu sent, %lu replies, gap %u us", w->icmp.sent, w->icmp.replies,
					w->icmp.pace.gap_us);
			if (w->icmp.pace.last_yield >= 0.0) {
				ADD(", %.2f irq/event", w->icmp.pace.last_yield);
			}
			ADD(")");
		} else {
			ADD(" (%s socket, at most %lu packets)",
					w->icmp.raw ? "raw" : "datagram", w->icmp.max_packets);
		}
	}
	if (ENT_WITH_BLOCK && w->blk.active) {
		if (detail) {
			ADD("%sO_DIRECT reads of %s (%lu done)", used ? ", " : "", w->blk.path,
					w->blk.reads);
		} else {
			ADD("%sO_DIRECT reads of %s (at most %lu)", used ? ", " : "", w->blk.path,
					w->blk.max_reads);
		}
	}
	if (ENT_WITH_BLOCK && !detail && w->blk_pending) {
		ADD("%sO_DIRECT reads if ICMP falls short", used ? ", " : "");
	}
	if (ENT_WITH_JITTER && !detail && w->cfg->policy == ENTROPY_POLICY_JITTER
			&& !w->jit_tried) {
		ADD("%sCPU jitter (policy=jitter, %s)", used ? ", " : "",
				w->kernel_collector == 0 ? "at once" : "if the kernel's own stalls 1 s");
	}
	if (ENT_WITH_CPURNG && w->cpu_bits > 0) {
		ADD("%sCPU RNG (%d bits)", used ? ", " : "", w->cpu_bits);
	}
	if (ENT_WITH_HWRNG && !detail && w->hw.active) {
		ADD("%s/dev/hwrng %s (%s)", used ? ", " : "", w->hw.name, w->hw.trusted
				? "health-tested, credited under -X trust-hwrng" : w->hw.why);
	} else if (ENT_WITH_HWRNG && !detail && w->hw.kernel_quality > 0) {
		ADD("%s/dev/hwrng %s (credited by the kernel, quality %d)", used ? ", " : "",
				w->hw.name, w->hw.kernel_quality);
	} else if (ENT_WITH_HWRNG && (w->hw.active || w->hw.credited > 0)) {
		ADD("%s/dev/hwrng (%lu bits credited)", used ? ", " : "", w->hw.credited);
	}
	if (ENT_WITH_JITTER && (w->jit.active || w->jit.credited > 0)) {
		ADD("%sCPU jitter (%lu bits credited)", used ? ", " : "", w->jit.credited);
	}
	if (ENT_WITH_SEED && w->seed.credited_bits > 0) {
		ADD("%sseed file (%d bits)", used ? ", " : "", w->seed.credited_bits);
	}
	if (used == 0 && w->boot_role == 0) {
		ADD("nothing: another process of this boot stimulates (%s/stimulate.lock)",
				ENT_RUN_DIR);
	} else if (used == 0) {
		ADD("nothing (the kernel on its own)");
	}
#undef ADD
}

static void stop_stimulation(struct ent_wait_state *w)
{
	if (ENT_WITH_JITTER && w->jit.active) {
		ent_jitter_stop(&w->jit);
	}
	if (ENT_WITH_HWRNG && w->hw.active) {
		ent_hwrng_close(&w->hw, w->ops);
	}
	if (w->icmp_open) {
		ent_icmp_close(&w->icmp);
	}
	if (ENT_WITH_BLOCK && w->blk_open) {
		ent_block_close(&w->blk);
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
	ent_log(&w->prog, LOG_WARNING, "entropy: nothing here raises the kernel's entropy; "
			"waiting without load. To seed at boot give the system a source: "
			"a virtio-rng device (qemu -device virtio-rng-pci), rng-seed in the "
			"device tree /chosen node, a seed file restored at boot "
			"(seedrng, systemd-random-seed) or a hwrng driver");
}

static int64_t next_timeout(struct ent_wait_state *w, int64_t now, int64_t icmp_due)
{
	int64_t t;

	if (ENT_WITH_JITTER && w->jit.active) {
		return 0;	/* back-to-back work, the poll only collects replies */
	}
	if (ENT_WITH_HWRNG && w->hw.active) {
		t = w->hw.next - now;
		return t > 0 ? t : 0;
	}
	t = w->prog.t_last_line + w->prog.interval_us - now;
	if (w->icmp.active || (ENT_WITH_BLOCK && w->blk.active)) {
		if (w->icmp.active && icmp_due >= 0 && icmp_due - now < t) {
			t = icmp_due - now;
		}
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

static void pace_window(struct ent_wait_state *w, int64_t now)
{
	struct ent_irq_count irq;
	unsigned long events;

	if (!w->icmp.active || !w->icmp.pace.have_irq
			|| now - w->icmp.pace.t_window < ENT_PACE_WINDOW_US) {
		return;
	}
	if (read_irqs(w, &irq) < 0) {
		w->icmp.pace.have_irq = 0;
		return;
	}
	events = w->icmp.replies + w->blk.reads;
	(void)ent_pace_update(&w->icmp.pace, now, irq.device, events - w->events_seen);
	w->events_seen = events;
}

static void check_bounds(struct ent_wait_state *w, int64_t now, int icmp_was_active)
{
	if (now >= w->t_end_stim && (w->icmp.active || w->blk.active || w->jit.active
				|| w->hw.active)) {
		stop_stimulation(w);
		if (!w->bound_logged) {
			w->bound_logged = 1;
			ent_log(&w->prog, LOG_WARNING, "entropy: stimulation bound of %lu s reached "
					"(%lu packets, %lu reads); waiting on",
					ent_config_max_seconds(w->cfg), w->icmp.sent, w->blk.reads);
		}
		return;
	}
	if (icmp_was_active && !w->icmp.active) {
		if (w->icmp.sent >= w->icmp.max_packets) {
			ent_log(&w->prog, LOG_WARNING, "entropy: ICMP bound of %lu packets reached",
					w->icmp.max_packets);
		}
		ent_icmp_close(&w->icmp);
	}
	if (ENT_WITH_BLOCK && w->blk.fd >= 0 && !w->blk.active) {
		/* the reader child finished, failed or went away */
		if (w->blk.reads >= w->blk.max_reads) {
			ent_log(&w->prog, LOG_INFO, "entropy: block read bound of %lu reads reached",
					w->blk.max_reads);
		}
		ent_block_close(&w->blk);
	}
}

int ent_wait(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_wait_extra *extra)
{
	struct ent_wait_state w;
	struct pollfd pfd[3];
	char plan[ENT_LINE_MAX / 2], running[ENT_LINE_MAX / 2], by[ENT_LINE_MAX / 2];
	int64_t now, t0, t_check, icmp_due, timeout, t_ready = 0;
	int r, ret = -1, nfds, icmp_idx, col_idx, blk_idx, check_now, icmp_was;

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
	now = t0 = ops->now_us(ops->ctx);
	(void)ent_probe_generation(ops, &w.gen);
	w.kernel_collector = ent_probe_kernel_collector(ops, &w.gen, w.release,
			sizeof(w.release));
	ent_progress_init(&w.prog, cfg, ops, w.gen.bits_needed, now);
	/* The seed file first: where it is credited, nothing else starts */
	if (ent_seed_load(cfg, ops, &w.prog, &w.seed) > 0 && ent_probe_ready(ops) == 1) {
		t_ready = ops->now_us(ops->ctx);
		ret = 0;
		goto done;
	}
	if (w.text == NULL) {
		ent_log(&w.prog, LOG_WARNING, "entropy: out of memory; waiting without stimulation");
	} else {
		w.extra = extra;
		(void)begin_stimulation(&w, now);
	}
	if (ent_probe_bits(ops, &w.bits) < 0) {
		w.bits = 0;
	}
	w.t_bits = w.t_gain = now;
	describe(&w, plan, sizeof(plan), 0);
	ent_log(&w.prog, LOG_WARNING, "entropy: kernel CRNG not initialised, getrandom() would "
			"block; %s; kernel jitter collector: %s%s%s; %d/%d bits; plan: %s",
			w.gen.name, w.kernel_collector == 1 ? "yes" : w.kernel_collector == 0
			? "none" : "unknown", w.release[0] != '\0' ? ", Linux " : "", w.release,
			w.bits, w.gen.bits_needed, plan);
	(void)ent_progress_tick(&w.prog, now, w.bits, plan);

	t_check = now;
	check_now = 0;
	for (;;) {
		if (cfg->stop_flag != NULL && *cfg->stop_flag) {
			ent_log(&w.prog, LOG_INFO, "entropy: wait stopped after %.1f s, CRNG not seeded",
					(double)(ops->now_us(ops->ctx) - t0) / 1e6);
			ret = -1;
			break;
		}
		now = ops->now_us(ops->ctx);
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
				ent_log(&w.prog, LOG_WARNING, "entropy: getrandom() failed (%s); "
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
		icmp_was = w.icmp.active;
		pace_window(&w, now);
		/* policy=jitter: at once where the kernel has no jitter
		 * collector (by version: before 5.4 and not one of the 2022
		 * stable updates), else only once the count has not risen
		 * for a grace period: ours never runs beside a collector
		 * that works, which would credit the same CPU's timing
		 * noise a second time */
		if (ENT_WITH_JITTER && cfg->policy == ENTROPY_POLICY_JITTER && !w.jit_tried
				&& now < w.t_end_stim
				&& (w.kernel_collector == 0 || (now - t0 >= ENT_JIT_GRACE_US
						&& now - w.t_gain >= ENT_JIT_GRACE_US))) {
			w.jit_tried = 1;
			(void)ent_jitter_start(&w.jit, ops, &w.prog);
			now = ops->now_us(ops->ctx);
		}
		if (ENT_WITH_HWRNG && w.hw.active && ent_hwrng_step(&w.hw, cfg, ops, &w.prog, now) > 0) {
			check_now = 1;
		}
		if (ENT_WITH_JITTER && w.jit.active) {
			if (ent_jitter_step(&w.jit, cfg, ops, &w.prog) > 0) {
				check_now = 1;
			}
			now = ops->now_us(ops->ctx);
		}
		if (w.route_retry && now >= w.t_route) {
			w.t_route = now + ENT_ROUTE_RETRY_US;
			if (now < w.t_end_stim) {
				start_icmp(&w, now, 1);
			} else {
				w.route_retry = 0;
			}
		}
		icmp_due = ent_icmp_service(&w.icmp, now);
		check_bounds(&w, now, icmp_was);
		if (ENT_WITH_BLOCK && w.blk_pending && now < w.t_end_stim && icmp_falls_short(&w)) {
			start_block(&w);
		}
		if (!w.icmp.active && !w.blk.active && !w.jit.active && !w.hw.active
				&& w.boot_role != 0
				&& (cfg->policy != ENTROPY_POLICY_JITTER || w.jit_tried)
				&& ((!w.col.running && !w.route_retry) || now - w.t_gain >= ENT_STALL_US)) {
			log_hint_once(&w);
		}
		if (w.boot_role == 0 && w.text != NULL && now >= w.t_boot_retry
				&& begin_stimulation(&w, now) == 1) {
			describe(&w, running, sizeof(running), 0);
			ent_log(&w.prog, LOG_WARNING, "entropy: the process that stimulated is "
					"gone; taking over with what is left of this boot's budget: %s",
					running);
		}
		if (w.kernel_collector == 1 && w.col.running && !w.collector_silent_logged
				&& now - w.t_collector >= ENT_COLLECTOR_SILENT_US) {
			w.collector_silent_logged = 1;
			describe(&w, running, sizeof(running), 0);
			ent_log(&w.prog, LOG_WARNING, "entropy: the kernel's jitter collector has "
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
		icmp_idx = col_idx = blk_idx = -1;
		if (w.icmp.active) {
			icmp_idx = nfds;
			pfd[nfds].fd = w.icmp.fd;
			pfd[nfds].events = POLLIN;
			pfd[nfds].revents = 0;
			nfds++;
		}
		if (ENT_WITH_BLOCK && w.blk.active) {
			/* the reader child reports each read here */
			blk_idx = nfds;
			pfd[nfds].fd = w.blk.fd;
			pfd[nfds].events = POLLIN;
			pfd[nfds].revents = 0;
			nfds++;
		}
		if (w.col.running) {
			col_idx = nfds;
			pfd[nfds].fd = w.col.fd;
			pfd[nfds].events = POLLIN;
			pfd[nfds].revents = 0;
			nfds++;
		}
		timeout = next_timeout(&w, now, icmp_due);
		r = ops->poll(ops->ctx, pfd, (nfds_t)nfds, timeout);
		if (r < 0) {
			if (errno == EINTR) {
				continue;	/* the stop flag is looked at first */
			}
			ent_log(&w.prog, LOG_WARNING, "entropy: poll() failed (%s); "
					"leaving the wait to the caller", strerror(errno));
			ret = -1;
			break;
		}
		now = ops->now_us(ops->ctx);
		if (icmp_idx >= 0 && pfd[icmp_idx].revents != 0) {
			ent_icmp_receive(&w.icmp, now);
		}
		if (blk_idx >= 0 && pfd[blk_idx].revents != 0) {
			(void)ent_block_step(&w.blk, &w.prog);
		}
		if (col_idx >= 0 && pfd[col_idx].revents != 0) {
			/* The child left getrandom(): most likely ready now */
			ent_collector_finished(&w.col);
			check_now = 1;
		}
	}

done:
	describe(&w, by, sizeof(by), 1);
	stop_stimulation(&w);
	record_spent(&w, ops->now_us(ops->ctx));
	ent_boot_release(&w.boot, ops);
	if (extra != NULL) {
		extra->icmp_ready_latency_us = ret == 0 ? ops->now_us(ops->ctx) - t_ready : -1;
		extra->icmp_sent = w.icmp.sent;
		extra->icmp_replies = w.icmp.replies;
		extra->block_reads = w.blk.reads;
	}
	ent_collector_stop(&w.col);
	if (ret == 0) {
		/* tests/vm/rig.py parses this line: keep its tail stable */
		if (ent_probe_bits(ops, &w.bits) < 0) {
			w.bits = w.gen.bits_needed;
		}
		ent_log(&w.prog, LOG_NOTICE, "entropy: kernel CRNG seeded after %.1f s, while "
				"running: %s; %lu ICMP packets, %lu replies, %lu block reads",
				(double)(t_ready - t0) / 1e6, by, w.icmp.sent, w.icmp.replies,
				w.blk.reads);
		ent_boot_seeded(ops, cfg->program != NULL ? cfg->program : "dropbear",
				w.seed.credited_bits, w.hw.credited, w.cpu_bits, w.jit.credited,
				w.icmp.sent, w.blk.reads);
		/* getrandom() is ready: this seed will be creditable */
		(void)ent_seed_save(cfg, ops, &w.prog, &w.seed);
	}
	/* the previous seed, kept to be hashed into the next one */
	explicit_bzero(w.seed.old, sizeof(w.seed.old));
	if (extra != NULL) {
		extra->seed_bits = w.seed.credited_bits;
		extra->jitter_bits = w.jit.credited;
		extra->hwrng_bits = w.hw.credited;
		extra->cpu_bits = w.cpu_bits;
	}
	ent_progress_close(&w.prog);
	free(w.text);
	return ret;
}

void entropy_save_seed(const struct entropy_config *cfg)
{
	const struct ent_ops *ops = ent_sys_ops();
	struct entropy_config defaults;
	struct ent_progress prog;
	struct ent_seed none;

	if (cfg == NULL) {
		memset(&defaults, 0, sizeof(defaults));
		cfg = &defaults;
	}
	if (cfg->disabled) {
		return;
	}
	memset(&none, 0, sizeof(none));
	ent_progress_init(&prog, cfg, ops, 256, ops->now_us(ops->ctx));
	(void)ent_seed_save(cfg, ops, &prog, &none);
	ent_progress_close(&prog);
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
	return ent_wait(cfg, ops, NULL);
}
