/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* A fake ICMP socket for the tests: see fake-icmp.h. */
#include <errno.h>
#include <string.h>

#include "fake-icmp.h"

/* The socket being faked: the kernel interface's primitives take no
 * context, so the one installed last answers them */
static struct fake_icmp *installed;

static int fake_socket(int raw)
{
	if (raw && installed->raw_refused) {
		errno = EPERM;
		return -1;
	}
	return 7;	/* never used as a descriptor: recvfrom is ours */
}

static int fake_close(int fd)
{
	(void)fd;
	return 0;
}

static ssize_t fake_recvfrom(int fd, void *buf, size_t len, struct sockaddr_in *from)
{
	struct fake_icmp *fk = installed;

	(void)fd;
	if (fk->next != NULL ? fk->next(fk) < 0 : fk->handed > 0) {
		errno = EAGAIN;
		return -1;
	}
	/* a datagram longer than the buffer is truncated, as recvfrom does */
	if (fk->dlen > len) {
		fk->dlen = len;
	}
	memcpy(buf, fk->dgram, fk->dlen);
	*from = fk->from;
	fk->handed++;
	return (ssize_t)fk->dlen;
}

void fake_icmp_install(struct fake_icmp *fk, struct ent_ops *ops)
{
	installed = fk;
	ops->icmp_socket = fake_socket;
	ops->close = fake_close;
	ops->recvfrom = fake_recvfrom;
}

unsigned int fake_icmp_sum16(const uint8_t *b, size_t l)
{
	unsigned long s = 0;
	size_t i;

	for (i = 0; i + 1 < l; i += 2) {
		s += ((unsigned long)b[i] << 8) | b[i + 1];
	}
	/* an odd last byte is the high half of a word */
	if (l & 1) {
		s += (unsigned long)b[l - 1] << 8;
	}
	while (s > 0xffff) {
		s = (s & 0xffff) + (s >> 16);
	}
	return (unsigned int)(~s & 0xffff);
}

void fake_icmp_fix_checksum(uint8_t *b, size_t l, int raw)
{
	size_t off = 0;
	unsigned int c;

	if (raw) {
		if (l < 1) {
			return;
		}
		off = (size_t)(b[0] & 0x0f) * 4;
	}
	if (l < off + 4) {
		return;
	}
	b[off + 2] = 0;
	b[off + 3] = 0;
	c = fake_icmp_sum16(b + off, l - off);
	b[off + 2] = (uint8_t)(c >> 8);
	b[off + 3] = (uint8_t)(c & 0xff);
}

size_t fake_icmp_echo_reply(struct fake_icmp *fk, int raw, struct in_addr sender,
		uint16_t id, uint16_t seq, size_t icmp_len)
{
	size_t off = raw ? 20 : 0;
	uint8_t *b = fk->dgram;

	if (icmp_len > sizeof(fk->dgram) - off) {
		icmp_len = sizeof(fk->dgram) - off;
	}
	memset(fk->dgram, 0, sizeof(fk->dgram));
	if (raw) {
		b[0] = 0x45;	/* IPv4, 20-byte header */
		b[8] = 64;	/* TTL */
		b[9] = IPPROTO_ICMP;
	}
	b[off + 0] = 0;		/* echo reply, code 0 */
	b[off + 4] = (uint8_t)(id >> 8);
	b[off + 5] = (uint8_t)(id & 0xff);
	b[off + 6] = (uint8_t)(seq >> 8);
	b[off + 7] = (uint8_t)(seq & 0xff);
	memcpy(&b[off + 8], "dbentrpy", 8);
	fk->dlen = off + icmp_len;
	fake_icmp_fix_checksum(b, fk->dlen, raw);
	memset(&fk->from, 0, sizeof(fk->from));
	fk->from.sin_family = AF_INET;
	fk->from.sin_addr = sender;
	fk->handed = 0;
	return off;
}
