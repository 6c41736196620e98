/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * A counting echo responder for the netns tests, run in the gateway's
 * namespace with the kernel's own echo replies off there
 * (net.ipv4.icmp_echo_ignore_all=1): it answers each echo request on a
 * raw socket after --delay-us, or drops every --drop-every'th, and counts
 * the requests in flight at the peer: received and not answered yet, or
 * dropped less than 190 ms ago (the module gives a request up after
 * 200 ms of silence, ENT_ICMP_TIMEOUT_US, and only then may it send
 * another in its place). After --for seconds it prints key=value lines.
 *
 *   responder [--delay-us N] [--drop-every N] [--for S]
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>

#define QMAX		4096
#define DROP_HOLD_US	190000

struct held {
	long long due;		/* reply at, or the dropped one's place frees */
	int drop;
	struct sockaddr_in to;
	unsigned char msg[128];
	size_t len;
};

static struct held q[QMAX];
static int qn;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static unsigned short sum16(const unsigned char *p, size_t len)
{
	unsigned long s = 0;

	for (; len > 1; p += 2, len -= 2) {
		s += (unsigned long)(p[0] << 8 | p[1]);
	}
	if (len) {
		s += (unsigned long)(p[0] << 8);
	}
	while (s >> 16) {
		s = (s & 0xffff) + (s >> 16);
	}
	return htons((unsigned short)~s);
}

int main(int argc, char **argv)
{
	unsigned char buf[256];
	struct sockaddr_in from;
	socklen_t fl;
	long long delay = 0, secs = 10, end, t, next;
	unsigned long drop_every = 0, requests = 0, replies = 0, dropped = 0, max_in_flight = 0;
	struct pollfd p;
	size_t ihl;
	ssize_t r;
	int fd, i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--delay-us") == 0) {
			delay = atoll(argv[i + 1]);
		} else if (strcmp(argv[i], "--drop-every") == 0) {
			drop_every = strtoul(argv[i + 1], NULL, 10);
		} else if (strcmp(argv[i], "--for") == 0) {
			secs = atoll(argv[i + 1]);
		} else {
			fprintf(stderr, "usage: responder [--delay-us N] [--drop-every N] [--for S]\n");
			return 2;
		}
	}
	end = now_us() + secs * 1000000LL;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0) {
		perror("socket");
		return 2;
	}
	printf("listening\n");
	fflush(stdout);
	p.fd = fd;
	p.events = POLLIN;
	for (;;) {
		t = now_us();
		/* send or free what is due */
		for (i = 0; i < qn; ) {
			if (q[i].due > t) {
				i++;
				continue;
			}
			if (!q[i].drop) {
				if (sendto(fd, q[i].msg, q[i].len, 0, (struct sockaddr *)&q[i].to,
						sizeof(q[i].to)) < 0) {
					perror("sendto");
				} else {
					replies++;
				}
			}
			q[i] = q[--qn];
		}
		if (t >= end) {
			break;
		}
		next = end;
		for (i = 0; i < qn; i++) {
			if (q[i].due < next) {
				next = q[i].due;
			}
		}
		/* milliseconds for poll(); a reply due within one is waited
		 * for by spinning, as a peer that answers on time would */
		if (poll(&p, 1, next - t > 1000 ? (int)((next - t) / 1000) : 0) <= 0) {
			continue;
		}
		fl = sizeof(from);
		r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (r < 20) {
			continue;
		}
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		if ((size_t)r < ihl + 8 || buf[ihl] != ICMP_ECHO || (size_t)r - ihl > sizeof(q[0].msg)
				|| qn == QMAX) {
			continue;	/* our own replies come back here too */
		}
		requests++;
		q[qn].drop = drop_every > 0 && requests % drop_every == 0;
		dropped += (unsigned long)q[qn].drop;
		q[qn].due = now_us() + (q[qn].drop ? DROP_HOLD_US : delay);
		q[qn].to = from;
		q[qn].len = (size_t)r - ihl;
		memcpy(q[qn].msg, buf + ihl, q[qn].len);
		q[qn].msg[0] = ICMP_ECHOREPLY;
		q[qn].msg[2] = q[qn].msg[3] = 0;
		memcpy(q[qn].msg + 2, &(unsigned short){ sum16(q[qn].msg, q[qn].len) }, 2);
		qn++;
		if ((unsigned long)qn > max_in_flight) {
			max_in_flight = (unsigned long)qn;
		}
	}
	printf("requests=%lu\nreplies=%lu\ndropped=%lu\nmax_in_flight=%lu\n", requests, replies,
			dropped, max_in_flight);
	return 0;
}
