/*
 * Unit tests of ICMP reply validation (ent_icmp.c): the checksum of
 * replies read from the raw socket. One request (id 0x1234, sequence 1)
 * is in flight to 10.0.2.2 and datagrams are handed over one at a time
 * through a recvfrom of our own, so each case sees exactly one reply.
 * Called from test_entropy.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "sim.h"

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

struct one {
	unsigned char b[64];
	size_t len;
	int given;
};

/* The datagram the next recvfrom hands over */
static struct one *pending;

/* dgram cases: the raw socket is refused, as for a user without root */
static int raw_refused;

static int one_socket(int raw)
{
	if (raw && raw_refused) {
		errno = EPERM;
		return -1;
	}
	return 7;	/* never used as a descriptor: recvfrom is ours */
}

static int one_close(int fd)
{
	(void)fd;
	return 0;
}

static ssize_t one_recvfrom(int fd, void *buf, size_t len, struct sockaddr_in *from)
{
	struct one *o = pending;
	size_t n = o->len < len ? o->len : len;

	(void)fd;
	if (o->given) {
		errno = EAGAIN;
		return -1;
	}
	o->given = 1;
	memcpy(buf, o->b, n);
	memset(from, 0, sizeof(*from));
	from->sin_family = AF_INET;
	(void)inet_pton(AF_INET, "10.0.2.2", &from->sin_addr);
	return (ssize_t)n;
}

/* An echo reply as the gateway sends it: for the raw socket behind a
 * 20-byte IP header; icmp_len 16 (our request) or more; the checksum
 * right unless told otherwise. Returns the offset of the ICMP part. */
static size_t make_reply(struct one *o, int raw, size_t icmp_len)
{
	size_t off = raw ? 20 : 0;
	uint16_t c;

	memset(o, 0, sizeof(*o));
	if (raw) {
		o->b[0] = 0x45;
		o->b[8] = 64;
		o->b[9] = IPPROTO_ICMP;
	}
	o->b[off + 0] = 0;	/* echo reply */
	o->b[off + 4] = 0x12;	/* id */
	o->b[off + 5] = 0x34;
	o->b[off + 7] = 1;	/* sequence */
	memcpy(&o->b[off + 8], "dbentrpy", 8);
	c = ent_icmp_checksum(&o->b[off], icmp_len);
	memcpy(&o->b[off + 2], &c, sizeof(c));
	o->len = off + icmp_len;
	return off;
}

/* 1 when the one datagram completed the request, 0 when it was refused
 * (and the request is still in flight), -1 when neither holds */
static int deliver(struct one *o, int raw, unsigned long *invalid)
{
	struct ent_ops ops;
	struct ent_log log;
	struct ent_icmp ic;
	struct in_addr gw;
	int r;

	memset(&ops, 0, sizeof(ops));
	ops.icmp_socket = one_socket;
	ops.close = one_close;
	ops.recvfrom = one_recvfrom;
	pending = o;
	raw_refused = !raw;
	memset(&log, 0, sizeof(log));
	log.ops = &ops;
	(void)inet_pton(AF_INET, "10.0.2.2", &gw);
	if (ent_icmp_open(&ic, &ops, &log, &gw, 1, 100) != 0 || ic.raw != raw) {
		return -1;
	}
	ic.id = 0x1234;		/* the id of our request */
	ic.t[0].in_flight = 1;
	ic.t[0].seq = 1;
	ent_icmp_receive(&ic, 0);
	*invalid = ic.invalid;
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

void test_icmp(int *passed, int *failed)
{
	struct one o;
	unsigned long inv;
	size_t off;
	uint16_t c;
	int r;

	np = passed;
	nf = failed;

	make_reply(&o, 1, 16);
	r = deliver(&o, 1, &inv);
	CHECK(r == 1, "raw: genuine reply with its checksum accepted (%d)", r);

	off = make_reply(&o, 1, 16);
	o.b[off + 2] ^= 0x01;
	r = deliver(&o, 1, &inv);
	CHECK(r == 0 && inv == 1, "raw: wrong checksum field: ignored, counted invalid (%d)", r);

	off = make_reply(&o, 1, 16);
	o.b[off + 15] ^= 0x80;
	r = deliver(&o, 1, &inv);
	CHECK(r == 0, "raw: payload changed after the checksum: ignored (%d)", r);

	off = make_reply(&o, 1, 16);
	o.b[off + 7] = 2;	/* sequence 2, and a checksum that fits it */
	c = 0;
	memcpy(&o.b[off + 2], &c, sizeof(c));
	c = ent_icmp_checksum(&o.b[off], 16);
	memcpy(&o.b[off + 2], &c, sizeof(c));
	r = deliver(&o, 1, &inv);
	CHECK(r == 0, "raw: right checksum, wrong sequence: still ignored (%d)", r);

	/* odd length: the last byte is summed as the high half of a word */
	make_reply(&o, 1, 17);
	r = deliver(&o, 1, &inv);
	CHECK(r == 1, "raw: odd-length reply with its checksum accepted (%d)", r);
	off = make_reply(&o, 1, 17);
	o.b[off + 16] ^= 0x10;
	r = deliver(&o, 1, &inv);
	CHECK(r == 0, "raw: odd-length reply, last byte changed: ignored (%d)", r);

	/* a reply cut by the IP header's length field is summed as received:
	 * one byte short of the ICMP message no longer sums to zero */
	make_reply(&o, 1, 16);
	o.len--;
	r = deliver(&o, 1, &inv);
	CHECK(r == 0, "raw: reply one byte short: ignored (%d)", r);

	/* the datagram socket: the kernel checked the checksum before it
	 * handed the reply over, and rewrites the id; not summed again */
	make_reply(&o, 0, 16);
	r = deliver(&o, 0, &inv);
	CHECK(r == 1, "datagram: genuine reply accepted (%d)", r);
}
