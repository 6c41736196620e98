/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: ICMP echo ping-pong with the default gateway(s), or
 * with on-link neighbours where there is no default route.
 *
 * Each echo reply that arrives raises a NIC receive interrupt, and device
 * interrupts are what the kernel credits. A request goes out when one
 * came back: one in flight per gateway at first, up to a window of
 * ENT_ICMP_WINDOW_MAX where that raises more device interrupts a second
 * (ent_pace_update()), so the load follows the round trip and never
 * floods: this is paced for interrupts, not for throughput. Replies are
 * checked (source, type, id, sequence,
 * and on the raw socket the ICMP checksum) before they count. Packets are
 * bounded per wait; the wait loop stops the stimulator as soon as the
 * CRNG is ready. Every request leaves with IP TTL 1 (the socket is opened
 * so, ent_sys.c) and only to a host on the link (find_targets() below).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#include "ent_icmp.h"
#include "ent_internal.h"
#include "ent_interrupts.h"
#include "ent_progress.h"
#include "ent_route.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"

#define ENT_ICMP_PAYLOAD	"dbentrpy"
#define ENT_ICMP_LEN		(8 + 8)
#define ENT_RECV_BATCH		64	/* datagrams read per wake-up at most */
#define ENT_RETRY_US		1000	/* after ENOBUFS / EAGAIN on send */
#define ENT_ROUTE_RETRY_US	1000000	/* look for a default route again */
#define ENT_ROUTE_FAST_US	100000	/* no target yet, in the first seconds */
#define ENT_ROUTE_FAST_FOR_US	10000000

static const char *ipv4_text(struct in_addr a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET, &a, buf, (socklen_t)len) == NULL) {
		return "?";
	}
	return buf;
}

uint16_t ent_icmp_checksum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)((p[0] << 8) | p[1]);
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		sum += (uint32_t)(p[0] << 8);
	}
	while (sum >> 16) {
		sum = (sum & 0xffff) + (sum >> 16);
	}
	/* Computed big-endian, returned ready to store in network order */
	return htons((uint16_t)~sum);
}

void ent_pace_init(struct ent_pace *pc, int64_t now, const struct ent_irq_count *irq)
{
	memset(pc, 0, sizeof(*pc));
	pc->dir = 1;
	pc->window = 1;
	pc->last_rate = -1.0;
	pc->last_yield = -1.0;
	pc->t_window = now;
	if (irq != NULL) {
		pc->have_irq = 1;
		pc->irq_window = irq->device;
	}
}

/* May the level move one step in dir? One more request in flight only
 * while each comes back within a millisecond (a peer that drops or
 * delays replies never gets more) and replies still raise interrupts
 * (each packet of the per-boot bound buys some); a gap only where replies
 * go without an interrupt each (coalescing, NAPI polling) */
static int pace_can(const struct ent_pace *pc, int dir, double secs, double yield,
		unsigned long events)
{
	if (dir > 0) {
		return pc->level < 0 || (pc->level < ENT_PACE_LEVEL_MAX
				&& yield >= ENT_PACE_RAISE_YIELD
				&& (double)events >= secs * ENT_PACE_SLOT_RATE * pc->window);
	}
	return pc->level > 0 || (pc->level < 0 ? pc->level > ENT_PACE_LEVEL_MIN
			: yield < ENT_PACE_GOOD_YIELD);
}

int ent_pace_update(struct ent_pace *pc, int64_t now, uint64_t irq_device,
		unsigned long events)
{
	double secs, rate, yield;
	uint64_t dirq;

	if (!pc->have_irq) {
		/* Blind: ping-pong, one request in flight, paced by the round trip */
		return 0;
	}
	secs = (double)(now - pc->t_window) / 1e6;
	dirq = irq_device >= pc->irq_window ? irq_device - pc->irq_window : 0;
	pc->t_window = now;
	pc->irq_window = irq_device;
	if (events == 0 || secs <= 0.0) {
		return pc->level;
	}
	rate = (double)dirq / secs;
	yield = (double)dirq / (double)events;
	pc->last_yield = yield;
	/* A hill climb on device interrupts per second that keeps a step
	 * only where it bought more, and looks around again only when they
	 * fall well below where it stands (not on noise): it settles at the
	 * knee */
	if (pc->moved && rate < pc->last_rate * ENT_PACE_GAIN) {
		pc->level -= pc->dir;	/* back; the rate before the step stands */
		pc->dir = -pc->dir;
		pc->moved = 0;
	} else {
		if (pc->moved || pc->last_rate < 0.0 || rate < pc->last_rate * ENT_PACE_FALL) {
			if (!pc->moved && !pace_can(pc, pc->dir, secs, yield, events)) {
				pc->dir = -pc->dir;	/* looking around: that way is shut */
			}
			pc->moved = pace_can(pc, pc->dir, secs, yield, events);
			pc->level += pc->moved ? pc->dir : 0;
		}
		pc->last_rate = rate;
	}
	pc->gap_us = pc->level < 0 ? 50u << (-pc->level - 1) : 0;
	pc->window = pc->level > 0 ? 1u << pc->level : 1;
	return pc->level;
}

int ent_icmp_open(struct ent_icmp *ic, const struct ent_ops *ops,
		struct ent_log *log, const struct in_addr *targets,
		int ntargets, unsigned long max_packets)
{
	int i, raw_errno;

	memset(ic, 0, sizeof(*ic));
	ic->ops = ops;
	ic->log = log;
	ic->max_packets = max_packets;
	ic->pace.window = 1;
	if (ntargets > ENT_GW_MAX) {
		ntargets = ENT_GW_MAX;
	}
	for (i = 0; i < ntargets; i++) {
		ic->t[i].addr = targets[i];
	}
	ic->ntargets = ntargets;
	ic->id = (uint16_t)(getpid() & 0xffff);
	ic->fd = ops->icmp_socket(1);
	ic->raw = ic->fd >= 0;
	if (ic->fd < 0) {
		/* Not root: the ICMP datagram socket, if ping_group_range
		 * includes our group */
		raw_errno = errno;
		ic->fd = ops->icmp_socket(0);
		if (ic->fd < 0) {
			int saved = errno;

			ent_log(log, LOG_WARNING, "no ICMP socket with TTL 1 (raw: %s, "
					"datagram: %s; net.ipv4.ping_group_range must include our group): "
					"ICMP stimulator off", strerror(raw_errno), strerror(saved));
			ic->fd = -1;
			return -1;
		}
	}
	ic->active = ntargets > 0;
	return 0;
}

static void target_lost(struct ent_icmp *ic, struct ent_icmp_target *t, int64_t now)
{
	char a[INET_ADDRSTRLEN];

	/* The window's requests: one loss, as one request was before */
	t->in_flight = 0;
	t->losses++;
	t->next_send = now;
	if ((t->replies == 0 && t->losses >= ENT_ICMP_DEAD_FIRST)
			|| t->losses >= ENT_ICMP_DEAD_LATER) {
		t->dead = 1;
		ent_log(ic->log, LOG_WARNING, "gateway %s %s (%u lost in a row): "
				"ICMP to it stopped", ipv4_text(t->addr, a, sizeof(a)),
				t->replies == 0 ? "does not answer echo requests" : "stopped answering",
				t->losses);
	}
}

static void target_send(struct ent_icmp *ic, struct ent_icmp_target *t, int64_t now)
{
	unsigned char pkt[ENT_ICMP_LEN];
	struct icmphdr *h = (struct icmphdr *)(void *)pkt;
	struct sockaddr_in to;
	ssize_t r;

	memset(pkt, 0, sizeof(pkt));
	h->type = ICMP_ECHO;
	h->code = 0;
	h->un.echo.id = htons(ic->id);
	h->un.echo.sequence = htons((uint16_t)(t->seq + 1));
	memcpy(pkt + 8, ENT_ICMP_PAYLOAD, 8);
	h->checksum = ent_icmp_checksum(pkt, sizeof(pkt));
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr = t->addr;
	r = ic->ops->sendto(ic->fd, pkt, sizeof(pkt), &to);
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS
				|| errno == EINTR) {
			/* Transient: queue full. Try again shortly. */
			t->next_send = now + ENT_RETRY_US;
			return;
		}
		/* Unreachable, or a firewall said no: counts as a loss */
		target_lost(ic, t, now);
		return;
	}
	if (t->in_flight == 0) {
		t->sent_at = now;
	}
	/* A request 32 sends old went unanswered while later ones were: lost */
	t->seq++;
	t->in_flight = t->in_flight << 1 | 1;
	ic->sent++;
}

/* Sends what is due, times out what is lost. Returns the next deadline
 * (monotonic us) or -1 when nothing is scheduled. */
static int64_t icmp_service(struct ent_icmp *ic, int64_t now)
{
	struct ent_icmp_target *t;
	int64_t next = -1, due;
	int i, room, busy = 0;

	if (!ic->active) {
		return -1;
	}
	for (i = 0; i < ic->ntargets; i++) {
		t = &ic->t[i];
		if (t->in_flight && !t->dead && now - t->sent_at >= ENT_ICMP_TIMEOUT_US) {
			/* No reply for so long: the window is lost */
			target_lost(ic, t, now);
		}
		/* Up to the window in flight, one until it answers and after a
		 * loss; a failed send is dead or due later */
		room = (t->replies && !t->losses ? (int)ic->pace.window : 1)
				- __builtin_popcount(t->in_flight);
		while (!t->dead && room > 0 && now >= t->next_send && ic->sent < ic->max_packets) {
			target_send(ic, t, now);
			room--;
		}
		if (t->dead) {
			continue;
		}
		due = t->in_flight ? t->sent_at + ENT_ICMP_TIMEOUT_US : -1;
		if (ic->sent < ic->max_packets && room > 0 && (due < 0 || t->next_send < due)) {
			due = t->next_send;
		}
		if (due < 0) {
			continue;
		}
		busy = 1;
		if (next < 0 || due < next) {
			next = due;
		}
	}
	if (!busy) {
		/* Every gateway dead, or the bound is spent and nothing is out */
		ic->active = 0;
	}
	return next;
}

/* 1 when the reply completed one of our requests, else 0 */
static int handle_reply(struct ent_icmp *ic, const unsigned char *buf, ssize_t len,
		const struct sockaddr_in *from, int64_t now)
{
	const struct icmphdr *h;
	struct ent_icmp_target *t;
	uint16_t back;
	size_t ihl;
	int i;

	if (ic->raw) {
		/* A raw socket hands over the IP header too */
		if (len < 20 || (buf[0] >> 4) != 4) {
			ic->invalid++;
			return 0;
		}
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		if (ihl < 20 || (size_t)len < ihl + 8 || buf[9] != IPPROTO_ICMP) {
			ic->invalid++;
			return 0;
		}
		buf += ihl;
		len -= (ssize_t)ihl;
	}
	if (len < 8) {
		ic->invalid++;
		return 0;
	}
	/* The raw socket gets its copy before the kernel's ICMP code has
	 * looked at the checksum, so a corrupted reply would complete a
	 * request. Summing a message with its checksum field gives 0 when
	 * it is intact. The datagram socket is only handed replies the
	 * kernel already checked. */
	if (ic->raw && ent_icmp_checksum(buf, (size_t)len) != 0) {
		ic->invalid++;
		return 0;
	}
	h = (const struct icmphdr *)(const void *)buf;
	if (h->type != ICMP_ECHOREPLY || h->code != 0) {
		ic->invalid++;
		return 0;
	}
	/* The datagram socket rewrites the id and the kernel only hands it
	 * replies carrying its own; on the raw socket we must check. */
	if (ic->raw && ntohs(h->un.echo.id) != ic->id) {
		ic->invalid++;
		return 0;
	}
	for (i = 0; i < ic->ntargets; i++) {
		t = &ic->t[i];
		/* One of the requests in flight, each answered once */
		back = (uint16_t)(t->seq - ntohs(h->un.echo.sequence));
		if (t->addr.s_addr == from->sin_addr.s_addr && !t->dead && back < 32
				&& (t->in_flight >> back & 1)) {
			t->in_flight &= ~(1u << back);
			t->losses = 0;
			t->sent_at = now;
			t->replies++;
			ic->replies++;
			t->next_send = now + (int64_t)ic->pace.gap_us;
			return 1;
		}
	}
	/* Late duplicate, another pinger's reply, or a stranger */
	ic->invalid++;
	return 0;
}

static int any_in_flight(const struct ent_icmp *ic)
{
	int i;

	for (i = 0; i < ic->ntargets; i++) {
		if (ic->t[i].in_flight && !ic->t[i].dead) {
			return 1;
		}
	}
	return 0;
}

void ent_icmp_receive(struct ent_icmp *ic, int64_t now)
{
	unsigned char buf[256];
	struct sockaddr_in from;
	ssize_t r;
	int i;

	if (ic->fd < 0) {
		return;
	}
	for (i = 0; i < ENT_RECV_BATCH; i++) {
		r = ic->ops->recvfrom(ic->fd, buf, sizeof(buf), &from);
		if (r < 0) {
			/* EAGAIN: drained. Other errors (ICMP errors queued on the
			 * socket) show up as lost requests by their timeout. */
			return;
		}
		if (handle_reply(ic, buf, r, &from, now) && !any_in_flight(ic)) {
			/* Nothing more is due: skip the read that would only
			 * say EAGAIN (a syscall per reply, a quarter of the
			 * loop's). Anything else queued makes the next poll()
			 * return at once and is read then. */
			return;
		}
	}
}

void ent_icmp_close(struct ent_icmp *ic)
{
	if (ic->fd >= 0) {
		(void)ic->ops->close(ic->fd);
		ic->fd = -1;
	}
	ic->active = 0;
}

/* ---- its runner in the wait (ent_wait.c) ---- */
/* Whom to ping: -X gateway= if it is on the link, else the default
 * gateways of this namespace's routing table, else (no default route)
 * on-link neighbours from the ARP table. At boot the network often comes
 * up after the server: without a target the wait looks again (quietly)
 * every 100 ms in its first 10 s, then every second, and while it pings
 * neighbours it keeps looking for a default route, which it prefers. */
static int find_targets(struct ent_wait_state *w, struct in_addr *gw, int quiet)
{
	const char *gateway = w->cfg->gateway;
	struct in_addr option;
	int n, via;

	if (gateway[0] != '\0' && inet_pton(AF_INET, gateway, &option) != 1) {
		ent_log(&w->log, LOG_WARNING, "gateway %.64s is no IPv4 address: "
				"ICMP stimulator off", gateway);
		return 0;
	}
	if (w->ops->read_file(ENT_PATH_ROUTE, w->text, ENT_TEXT_MAX) < 0) {
		if (gateway[0] != '\0') {
			ent_log(&w->log, LOG_WARNING, "cannot read %s (%s) to check that "
					"gateway %.64s is on the link: refused, ICMP stimulator off",
					ENT_PATH_ROUTE, strerror(errno), gateway);
			return 0;
		}
		if (!quiet) {
			ent_log(&w->log, LOG_WARNING, "cannot read %s (%s): no ICMP "
					"until it can be read", ENT_PATH_ROUTE, strerror(errno));
		}
		w->route_retry = 1;
		return 0;
	}
	n = ent_route_targets(w->ops, gateway[0] != '\0' ? &option : NULL, w->text,
			ENT_TEXT_MAX, w->icmp_via != ENT_VIA_ARP_DONE, gw, w->via_dev, &via);
	if (gateway[0] != '\0') {
		if (n == 0) {
			ent_log(&w->log, LOG_WARNING, "gateway %.64s is not on the link "
					"(no connected route covers it): refused, ICMP stimulator off",
					gateway);
		}
		return n;
	}
	/* Looked at again every second: for a default route in any case,
	 * for neighbours until some were pinged */
	w->route_retry = n == 0 || via == ENT_VIA_ARP;
	if (n > 0) {
		w->icmp_via = via;
		return n;
	}
	if (!quiet) {
		ent_log(&w->log, LOG_WARNING, "no IPv4 default route and no neighbour "
				"in the ARP table on an interface that is up: no ICMP until one appears "
				"(-X gateway=A.B.C.D names a neighbour that answers ping)");
	}
	return 0;
}

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
	n = find_targets(w, gw, quiet);
	if (n == 0 || (was_arp && w->icmp_via == ENT_VIA_ARP)) {
		return;	/* nothing to ping, or the same neighbours go on */
	}
	/* A default route appeared while neighbours were pinged */
	ent_icmp_close(&w->icmp);
	if (ent_icmp_open(&w->icmp, w->ops, &w->log, gw, n, max_packets) == 0) {
		ent_pace_init(&w->icmp.pace, now, ent_wait_irqs(w, &irq) == 0 ? &irq : NULL);
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
	} else if (begin || !w->route_retry || now < w->t_route) {
		return;
	} else {
		/* No target yet, or neighbours only: look at the routes again */
		icmp_open(w, now, 1);
	}
	/* While there is no target, in the first seconds, often: a client's
	 * first packet makes the neighbour entry just after the server
	 * listens. Then, and while neighbours are pinged, once a second. */
	w->t_route = now + (!w->icmp.active && now - w->t_stim_start < ENT_ROUTE_FAST_FOR_US
			? ENT_ROUTE_FAST_US : ENT_ROUTE_RETRY_US);
}

static int icmp_fd(const struct ent_wait_state *w)
{
	return w->icmp.active ? w->icmp.fd : -1;
}

static int64_t icmp_deadline(const struct ent_wait_state *w)
{
	if (w->icmp.active) {
		return w->icmp_due;
	}
	/* The often looks wake the loop; the later ones wait for its turn */
	return w->route_retry && w->t_route - w->t_stim_start <= ENT_ROUTE_FAST_FOR_US
			? w->t_route : -1;
}

/* One pacing decision per window from the device interrupts that the
 * replies raised */
static void icmp_pace(struct ent_wait_state *w, int64_t now)
{
	struct ent_irq_count irq;

	if (!w->icmp.pace.have_irq || now - w->icmp.pace.t_window < ENT_PACE_WINDOW_US) {
		return;
	}
	if (ent_wait_irqs(w, &irq) < 0) {
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
	w->icmp_due = icmp_service(&w->icmp, now);
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

/* At the stimulation bound, and at the end */
static void icmp_stop(struct ent_wait_state *w)
{
	ent_icmp_close(&w->icmp);
	w->route_retry = 0;
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
	ent_text_part(t, "ICMP echo to%s", w->icmp_via != ENT_VIA_ARP ? ""
			: alive > 1 ? " neighbours" : " neighbour");
	for (i = 0; i < w->icmp.ntargets; i++) {
		if (!w->icmp.t[i].dead) {
			ent_text_add(t, " %s", ipv4_text(w->icmp.t[i].addr, a, sizeof(a)));
		}
	}
	if (w->icmp_via == ENT_VIA_ARP) {
		ent_text_add(t, " on %s from the ARP table, no default route", w->via_dev);
	}
	if (!detail) {
		ent_text_add(t, " (%s socket, at most %lu packets)", w->icmp.raw ? "raw" : "datagram",
				w->icmp.max_packets);
		return;
	}
	ent_text_add(t, " (%lu sent, %lu replies, window %u, gap %u us", w->icmp.sent,
			w->icmp.replies, w->icmp.pace.window, w->icmp.pace.gap_us);
	if (w->icmp.pace.last_yield >= 0.0) {
		ent_text_add(t, ", %.0f irq/s, %.2f irq/event", w->icmp.pace.last_rate,
				w->icmp.pace.last_yield);
	}
	ent_text_add(t, ")");
}

const struct ent_runner ent_icmp_runner = {
	1, icmp_start, icmp_fd, icmp_deadline, icmp_step, icmp_stop, icmp_describe
};
