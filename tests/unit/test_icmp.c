/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of ICMP reply validation (ent_icmp.c): the checksum of
 * replies read from the raw socket. One request (id 0x1234, sequence 1)
 * is in flight to 10.0.2.2 and datagrams are handed over one at a time
 * through the fake socket of tests/lib/fake-icmp.c, so each case sees
 * exactly one reply; its checksums are computed there, not by the module.
 * Called from test_entropy.c.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "ent_icmp.h"
#include "ent_progress.h"
#include "ent_sys.h"
#include "sim.h"
#include "../lib/fake-icmp.h"

#define GATEWAY "10.0.2.2"

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

/* 1 when the datagram in fk completed the request, 0 when it was refused
 * (counted invalid, the request still in flight), -1 when neither holds */
static int deliver(struct fake_icmp *fk, int raw)
{
	struct ent_ops ops;
	struct ent_log log;
	struct ent_icmp ic;
	struct in_addr gw;
	int r;

	memset(&ops, 0, sizeof(ops));
	fake_icmp_install(fk, &ops);
	fk->raw_refused = !raw;
	memset(&log, 0, sizeof(log));
	log.ops = &ops;
	(void)inet_pton(AF_INET, GATEWAY, &gw);
	if (ent_icmp_open(&ic, &ops, &log, &gw, 1, 100) != 0 || ic.raw != raw) {
		return -1;
	}
	ic.id = 0x1234;		/* the id of our request */
	ic.t[0].in_flight = 1;
	ic.t[0].seq = 1;
	ent_icmp_receive(&ic, 0);
	if (ic.replies == 1 && ic.invalid == 0 && !ic.t[0].in_flight && ic.t[0].replies == 1) {
		r = 1;
	} else if (ic.replies == 0 && ic.invalid == 1 && ic.t[0].in_flight) {
		r = 0;
	} else {
		r = -1;
	}
	ent_icmp_close(&ic);
	return r;
}

/* The gateway's echo reply to our request, icmp_len bytes of ICMP: its
 * offset in the datagram */
static size_t reply(struct fake_icmp *fk, int raw, uint16_t seq, size_t icmp_len)
{
	struct in_addr gw;

	(void)inet_pton(AF_INET, GATEWAY, &gw);
	return fake_icmp_echo_reply(fk, raw, gw, 0x1234, seq, icmp_len);
}

/* One datagram each: built right, then one byte changed or the end cut */
static const struct icmp_case {
	const char *what;
	int raw;
	uint16_t seq;		/* ours is 1 */
	size_t icmp_len;	/* 16: our request's */
	int flip_at;		/* ICMP byte changed after the checksum; -1 none */
	uint8_t flip;
	size_t cut;		/* bytes cut from the end after the checksum */
	int want;		/* deliver()'s answer */
} icmp_cases[] = {
	{ "raw: genuine reply with its checksum accepted", 1, 1, 16, -1, 0, 0, 1 },
	{ "raw: wrong checksum field: ignored, counted invalid", 1, 1, 16, 2, 0x01, 0, 0 },
	{ "raw: payload changed after the checksum: ignored", 1, 1, 16, 15, 0x80, 0, 0 },
	{ "raw: right checksum, wrong sequence: still ignored", 1, 2, 16, -1, 0, 0, 0 },
	/* odd length: the last byte is summed as the high half of a word */
	{ "raw: odd-length reply with its checksum accepted", 1, 1, 17, -1, 0, 0, 1 },
	{ "raw: odd-length reply, last byte changed: ignored", 1, 1, 17, 16, 0x10, 0, 0 },
	/* a reply cut by the IP header's length field is summed as received:
	 * one byte short of the ICMP message no longer sums to zero */
	{ "raw: reply one byte short: ignored", 1, 1, 16, -1, 0, 1, 0 },
	/* the datagram socket: the kernel checked the checksum before it
	 * handed the reply over, and rewrites the id; not summed again */
	{ "datagram: genuine reply accepted", 0, 1, 16, -1, 0, 0, 1 },
};

void test_icmp(int *passed, int *failed)
{
	const struct icmp_case *c;
	struct fake_icmp fk;
	size_t i, off;
	int r;

	np = passed;
	nf = failed;
	memset(&fk, 0, sizeof(fk));
	for (i = 0; i < sizeof(icmp_cases) / sizeof(icmp_cases[0]); i++) {
		c = &icmp_cases[i];
		off = reply(&fk, c->raw, c->seq, c->icmp_len);
		if (c->flip_at >= 0) {
			fk.dgram[off + (size_t)c->flip_at] ^= c->flip;
		}
		fk.dlen -= c->cut;
		r = deliver(&fk, c->raw);
		CHECK(r == c->want, "%s (%d)", c->what, r);
	}
}
