/*
 * dropbear-entropy: ICMP echo ping-pong with the default gateway(s), or
 * with on-link neighbours where there is no default route.
 *
 * Each echo reply that arrives raises a NIC receive interrupt, and device
 * interrupts are what the kernel credits. One request is in flight per
 * gateway and the next goes out when the reply came back, so the load
 * follows the round trip and never floods: this is paced for interrupts,
 * not for throughput. Replies are checked (source, type, id, sequence,
 * and on the raw socket the ICMP checksum) before they count. Packets are
 * bounded per wait; the wait loop stops the stimulator as soon as the
 * CRNG is ready. Every request leaves with IP TTL 1 (the socket is opened
 * so, ent_sys.c) and only to a host on the link (ent_wait.c).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#include "ent_internal.h"

#define ENT_ICMP_PAYLOAD	"dbentrpy"
#define ENT_ICMP_LEN		(8 + 8)
#define ENT_RECV_BATCH		64	/* datagrams read per wake-up at most */
#define ENT_RETRY_US		1000	/* after ENOBUFS / EAGAIN on send */
#define ENT_PACE_STEP_US	50

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
	pc->last_rate = -1.0;
	pc->last_yield = -1.0;
	pc->t_window = now;
	if (irq != NULL) {
		pc->have_irq = 1;
		pc->irq_window = irq->device;
	}
}

int ent_pace_update(struct ent_pace *pc, int64_t now, uint64_t irq_device,
		unsigned long events)
{
	double secs, rate, yield;
	uint64_t dirq;

	if (!pc->have_irq) {
		/* Blind: back-to-back ping-pong is paced by the round trip */
		pc->gap_us = 0;
		return 0;
	}
	secs = (double)(now - pc->t_window) / 1e6;
	dirq = irq_device >= pc->irq_window ? irq_device - pc->irq_window : 0;
	pc->t_window = now;
	pc->irq_window = irq_device;
	if (events == 0 || secs <= 0.0) {
		return (int)pc->gap_us;
	}
	rate = (double)dirq / secs;
	yield = (double)dirq / (double)events;
	if (yield >= ENT_PACE_GOOD_YIELD && pc->gap_us == 0) {
		/* Every reply already interrupts: nothing to gain by waiting */
		pc->dir = 1;
	} else {
		/* Interrupt coalescing or NAPI polling swallows replies. Climb
		 * towards the gap that gives most device interrupts per second,
		 * turning round when the last step made it worse. */
		if (pc->last_rate >= 0.0 && rate < pc->last_rate * 0.95) {
			pc->dir = -pc->dir;
		}
		if (pc->dir > 0) {
			pc->gap_us = pc->gap_us == 0 ? ENT_PACE_STEP_US : pc->gap_us * 2;
			if (pc->gap_us > ENT_PACE_MAX_GAP_US) {
				pc->gap_us = ENT_PACE_MAX_GAP_US;
				pc->dir = -1;
			}
		} else {
			pc->gap_us /= 2;
			if (pc->gap_us < ENT_PACE_STEP_US) {
				pc->gap_us = 0;
				pc->dir = 1;
			}
		}
	}
	pc->last_rate = rate;
	pc->last_yield = yield;
	return (int)pc->gap_us;
}

int ent_icmp_open(struct ent_icmp *ic, const struct ent_ops *ops,
		struct ent_log *log, const struct in_addr *targets,
		int ntargets, unsigned long max_packets)
{
	int i, raw_errno = 0;

	memset(ic, 0, sizeof(*ic));
	ic->ops = ops;
	ic->log = log;
	ic->fd = -1;
	ic->max_packets = max_packets;
	if (ntargets > ENT_GW_MAX) {
		ntargets = ENT_GW_MAX;
	}
	for (i = 0; i < ntargets; i++) {
		ic->t[i].addr = targets[i];
	}
	ic->ntargets = ntargets;
	ic->id = (uint16_t)(getpid() & 0xffff);
	ic->fd = ops->icmp_socket(1);
	if (ic->fd >= 0) {
		ic->raw = 1;
	} else {
		raw_errno = errno;
	}
	if (ic->fd < 0) {
		/* Not root: the ICMP datagram socket, if ping_group_range
		 * includes our group */
		ic->fd = ops->icmp_socket(0);
		if (ic->fd < 0) {
			int saved = errno;

			ent_log(log, LOG_WARNING, "no ICMP socket with TTL 1 (raw: %s, "
					"datagram: %s; net.ipv4.ping_group_range must include our group): "
					"ICMP stimulator off",
					strerror(raw_errno),
					strerror(saved));
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

	t->in_flight = 0;
	t->losses++;
	t->next_send = now;
	if ((t->replies == 0 && t->losses >= ENT_ICMP_DEAD_FIRST)
			|| t->losses >= ENT_ICMP_DEAD_LATER) {
		t->dead = 1;
		if (inet_ntop(AF_INET, &t->addr, a, sizeof(a)) == NULL) {
			strcpy(a, "?");
		}
		ent_log(ic->log, LOG_WARNING, "gateway %s %s (%u lost in a row): "
				"ICMP to it stopped", a,
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
		t->in_flight = 1;
		t->sent_at = now - ENT_ICMP_TIMEOUT_US;
		target_lost(ic, t, now);
		return;
	}
	t->seq++;
	t->in_flight = 1;
	t->sent_at = now;
	ic->sent++;
}

int64_t ent_icmp_service(struct ent_icmp *ic, int64_t now)
{
	struct ent_icmp_target *t;
	int64_t next = -1, due;
	int i, busy = 0;

	if (!ic->active) {
		return -1;
	}
	for (i = 0; i < ic->ntargets; i++) {
		t = &ic->t[i];
		if (t->dead) {
			continue;
		}
		if (t->in_flight && now - t->sent_at >= ENT_ICMP_TIMEOUT_US) {
			target_lost(ic, t, now);
			if (t->dead) {
				continue;
			}
		}
		if (!t->in_flight && now >= t->next_send && ic->sent < ic->max_packets) {
			target_send(ic, t, now);
			if (t->dead) {
				continue;
			}
		}
		if (t->in_flight) {
			due = t->sent_at + ENT_ICMP_TIMEOUT_US;
		} else if (ic->sent < ic->max_packets) {
			due = t->next_send;
		} else {
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
		if (t->addr.s_addr == from->sin_addr.s_addr && t->in_flight && !t->dead
				&& ntohs(h->un.echo.sequence) == t->seq) {
			t->in_flight = 0;
			t->losses = 0;
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
