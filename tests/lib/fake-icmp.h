/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * A fake ICMP socket for the tests of the stimulator's reply handling
 * (tests/unit/test_icmp.c, tests/fuzz/fuzz_icmp.c): ent_ops' icmp_socket,
 * close and recvfrom hand over datagrams that the test writes, and the
 * Internet checksum is computed here independently of ent_icmp_checksum(),
 * so that a test's expectation does not lean on the code under test.
 */
#ifndef DBE_FAKE_ICMP_H
#define DBE_FAKE_ICMP_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "ent_sys.h"

struct fake_icmp {
	int raw_refused;	/* icmp_socket(raw) fails with EPERM, as without root */
	/* Writes the next datagram into dgram/dlen and its sender into from;
	 * -1 when there is none (recvfrom then says EAGAIN). NULL: the
	 * datagram already in dgram is handed over once. */
	int (*next)(struct fake_icmp *fk);
	void *test;		/* the test's own state, for next() */
	unsigned long handed;	/* datagrams recvfrom has returned */
	uint8_t dgram[256];
	size_t dlen;		/* after recvfrom: the bytes the module was given */
	struct sockaddr_in from;
};

/* From now on ops' icmp_socket, close and recvfrom are fk's (the kernel
 * interface takes no context: fk is remembered until the next call) */
void fake_icmp_install(struct fake_icmp *fk, struct ent_ops *ops);

/* The Internet checksum (RFC 1071) of b[0..l), in host order: 0 when the
 * message carries its right checksum */
unsigned int fake_icmp_sum16(const uint8_t *b, size_t l);

/* Writes the right ICMP checksum into b[0..l) where the module looks for
 * it: after the IP header the datagram claims when raw (nothing when the
 * datagram is too short to hold the field) */
void fake_icmp_fix_checksum(uint8_t *b, size_t l, int raw);

/* fk's datagram becomes an echo reply from sender, as a gateway sends it:
 * behind a 20-byte IP header when raw, icmp_len bytes of ICMP (at least
 * 16: header and our 8-byte payload), its checksum right; handed over
 * anew. Returns the offset of the ICMP part. */
size_t fake_icmp_echo_reply(struct fake_icmp *fk, int raw, struct in_addr sender,
		uint16_t id, uint16_t seq, size_t icmp_len);

#endif /* DBE_FAKE_ICMP_H */
