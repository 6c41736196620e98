/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * libFuzzer target: ICMP replies as the stimulator receives them
 * (ent_icmp_receive -> validation of each datagram).
 *
 * Replies come from the network, so anyone on the link can send them,
 * spoofed or malformed. Input layout:
 *   byte 0: bit 0 raw socket (IP header included) or datagram socket;
 *           bits 1-2: number of gateways - 1
 *   bytes 1-4: per gateway, bit 0 in flight, bit 1 dead, bits 2-7 seq
 *   then records: [from selector][length] length bytes
 *   (from selector bits 0-6 < 4: that gateway's address, else a
 *   stranger's; bit 7: the harness writes the right ICMP checksum into
 *   the datagram first, so that the search reaches the accepting path)
 * Each datagram is checked against an independent statement of the rule:
 * a reply is counted only when it is a well-formed echo reply (id and
 * ICMP checksum checked on the raw socket) from a gateway with a request
 * in flight carrying the same sequence number; then exactly that
 * gateway's request completes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ent_icmp.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"
#include "../lib/fake-icmp.h"

struct fz {
	struct fake_icmp sock;	/* its datagram: the one the module read last */
	const uint8_t *p;
	const uint8_t *end;
	struct ent_icmp *ic;
	int have_prev;
	struct ent_icmp before;
};

/* Which target, if any, the rule says this datagram answers; -1 none */
static int expected_target(const struct ent_icmp *ic, const uint8_t *b, size_t l,
		const struct sockaddr_in *from)
{
	size_t ihl;
	unsigned int id, seq;
	int i;

	if (ic->raw) {
		if (l < 20 || (b[0] >> 4) != 4) {
			return -1;
		}
		ihl = (size_t)(b[0] & 0x0f) * 4;
		if (ihl < 20 || l < ihl + 8 || b[9] != 1) {
			return -1;
		}
		b += ihl;
		l -= ihl;
	}
	if (l < 8 || b[0] != 0 || b[1] != 0) {
		return -1;
	}
	if (ic->raw && fake_icmp_sum16(b, l) != 0) {
		return -1;
	}
	id = ((unsigned int)b[4] << 8) | b[5];
	seq = ((unsigned int)b[6] << 8) | b[7];
	if (ic->raw && id != ic->id) {
		return -1;
	}
	for (i = 0; i < ic->ntargets; i++) {
		if (ic->t[i].addr.s_addr == from->sin_addr.s_addr && ic->t[i].in_flight
				&& !ic->t[i].dead && seq == ic->t[i].seq) {
			return i;
		}
	}
	return -1;
}

static void check_prev(struct fz *f)
{
	const struct ent_icmp *a = &f->before, *b = f->ic;
	int want, i;

	if (!f->have_prev) {
		return;
	}
	want = expected_target(a, f->sock.dgram, f->sock.dlen, &f->sock.from);
	if (want < 0) {
		if (b->replies != a->replies || b->invalid != a->invalid + 1) {
			abort();
		}
	} else if (b->replies != a->replies + 1 || b->invalid != a->invalid
			|| b->t[want].in_flight || b->t[want].replies != a->t[want].replies + 1) {
		abort();
	}
	for (i = 0; i < a->ntargets; i++) {
		if (i != want && memcmp(&a->t[i], &b->t[i], sizeof(a->t[i])) != 0) {
			abort();
		}
	}
	f->have_prev = 0;
}

/* The fake socket's next datagram: the next record of the input */
static int fz_next(struct fake_icmp *sock)
{
	struct fz *f = sock->test;
	unsigned int sel;
	size_t n;

	check_prev(f);
	if (f->end - f->p < 2) {
		return -1;
	}
	sel = f->p[0];
	n = f->p[1];
	f->p += 2;
	if (n > (size_t)(f->end - f->p)) {
		n = (size_t)(f->end - f->p);
	}
	memset(&sock->from, 0, sizeof(sock->from));
	sock->from.sin_family = AF_INET;
	if ((sel & 0x7f) < (unsigned int)f->ic->ntargets) {
		sock->from.sin_addr = f->ic->t[sel & 0x7f].addr;
	} else {
		sock->from.sin_addr.s_addr = htonl(0xc0000200u | (sel & 0x7f));	/* 192.0.2.x */
	}
	/* n < 256: the whole record fits; recvfrom cuts it to the module's buffer */
	memcpy(sock->dgram, f->p, n);
	f->p += n;
	sock->dlen = n;
	if (sel & 0x80) {
		fake_icmp_fix_checksum(sock->dgram, sock->dlen, f->ic->raw);
	}
	f->before = *f->ic;
	f->have_prev = 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ent_ops ops;
	struct ent_log log;
	struct ent_icmp ic;
	struct in_addr targets[ENT_GW_MAX];
	struct fz f;
	int i, n, rounds;

	if (size < 5) {
		return 0;
	}
	memset(&ops, 0, sizeof(ops));
	memset(&log, 0, sizeof(log));
	memset(&f, 0, sizeof(f));
	f.sock.next = fz_next;
	f.sock.test = &f;
	f.sock.raw_refused = !(data[0] & 1);
	fake_icmp_install(&f.sock, &ops);
	log.ops = &ops;
	n = ((data[0] >> 1) & 3) + 1;
	for (i = 0; i < n; i++) {
		targets[i].s_addr = htonl(0x0ac80001u + (uint32_t)i);	/* 10.200.0.1.. */
	}
	if (ent_icmp_open(&ic, &ops, &log, targets, n, 1000) != 0) {
		abort();
	}
	ic.id = 0x1234;		/* the id the inputs' requests carry */
	if (ic.raw != (data[0] & 1)) {
		abort();
	}
	for (i = 0; i < n; i++) {
		ic.t[i].in_flight = data[1 + i] & 1;
		ic.t[i].dead = (data[1 + i] >> 1) & 1;
		ic.t[i].seq = (uint16_t)(data[1 + i] >> 2);
	}
	f.ic = &ic;
	f.p = data + 5;
	f.end = data + size;
	/* every call drains at most a batch; go on until the input is used */
	for (rounds = 0; rounds < 1000 && f.end - f.p >= 2; rounds++) {
		ent_icmp_receive(&ic, 1000000);
		check_prev(&f);
	}
	ent_icmp_close(&ic);
	if (ic.fd != -1 || ic.active) {
		abort();
	}
	return 0;
}
