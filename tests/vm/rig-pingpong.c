/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * rig-pingpong: the seed document's workaround done perfectly (issue 25's
 * baseline, the "pingpong-stock" scenario). Run by the guest's
 * S21pingpong before the stock server starts: ICMP echo requests to the
 * gateway, one in flight (the next one as soon as the reply is in, like
 * `ping -A`), TTL 1, until getrandom(GRND_NONBLOCK) succeeds. A lost
 * reply costs one second. Bounded: at most MAX_PACKETS requests and
 * MAX_SECONDS seconds. GRND_NONBLOCK never waits and never starts the
 * kernel's jitter collector, so asking changes nothing.
 *
 * With a second argument W (1..MAX_WINDOW) it keeps W requests in flight
 * instead of one (rig.py --pingpong-window): issue 25 asks whether more
 * requests in flight bring readiness sooner on this guest, and a fixed W
 * is the yardstick for an adaptive window. Replies are matched to the
 * request by id and sequence; a request without a reply after one
 * second counts as lost and frees its slot, so a lost reply never stalls
 * the rest. With W = 1 (the default) the loop is the one-in-flight one
 * above, step for step.
 *
 * Network safety: the only target is the address given, the rig's
 * gateway (slirp's virtual host inside qemu, restrict=on); TTL 1 keeps
 * every request on the link.
 *
 * Usage: rig-pingpong GATEWAY [W]
 * Prints one line: rig: pingpong: ready|not ready after <n> requests,
 * <n> replies, <s> s
 * Built static for aarch64 by rig.py (guest_tool()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PACKETS 200000
#define MAX_SECONDS 120.0
#define MAX_WINDOW 16

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ready(void)
{
	unsigned char b;

	return getrandom(&b, 1, GRND_NONBLOCK) == 1;
}

static unsigned short cksum(const void *p, size_t n)
{
	const unsigned char *b = p;
	unsigned long s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		s += (b[i] << 8) | b[i + 1];
	}
	if (n & 1) {
		s += b[n - 1] << 8;
	}
	while (s >> 16) {
		s = (s & 0xffff) + (s >> 16);
	}
	return htons(~s & 0xffff);
}

/* The requests in flight: sequence number and when it was sent (0: free). */
static struct {
	unsigned short seq;
	double sent_at;
} slot[MAX_WINDOW];

int main(int argc, char **argv)
{
	struct sockaddr_in to;
	struct icmphdr req;
	unsigned char buf[1500];
	unsigned long sent = 0, replies = 0;
	unsigned short id = getpid() & 0xffff;
	double t0 = now();
	int ttl = 1, window, fd, ok, i;
	long w = 1;
	char *end;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	if (argc == 3) {
		errno = 0;
		w = strtol(argv[2], &end, 10);
		if (errno || end == argv[2] || *end) {
			w = 0;
		}
	}
	if (argc < 2 || argc > 3 || w < 1 || w > MAX_WINDOW || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: rig-pingpong GATEWAY [W] (1 <= W <= %d)\n", MAX_WINDOW);
		return 2;
	}
	window = w;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0) {
		printf("rig: pingpong: socket: %s\n", strerror(errno));
		return 1;
	}
	while (!(ok = ready()) && now() - t0 < MAX_SECONDS) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		double t = now(), oldest = 0;
		int busy = 0, failed = 0;

		/* A request unanswered for a second is lost: free its slot. */
		for (i = 0; i < window; i++) {
			if (slot[i].sent_at > 0 && t - slot[i].sent_at >= 1.0) {
				slot[i].sent_at = 0;
			}
		}
		/* Fill the free slots, within the packet bound. */
		for (i = 0; i < window && !failed; i++) {
			if (slot[i].sent_at > 0 || sent >= MAX_PACKETS) {
				continue;
			}
			memset(&req, 0, sizeof(req));
			req.type = ICMP_ECHO;
			req.un.echo.id = htons(id);
			req.un.echo.sequence = htons(sent & 0xffff);
			req.checksum = cksum(&req, sizeof(req));
			if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
				printf("rig: pingpong: sendto: %s\n", strerror(errno));
				failed = 1;
				continue;
			}
			slot[i].seq = sent & 0xffff;
			slot[i].sent_at = now();
			sent++;
		}
		for (i = 0; i < window; i++) {
			if (slot[i].sent_at > 0) {
				busy++;
				if (oldest == 0 || slot[i].sent_at < oldest) {
					oldest = slot[i].sent_at;
				}
			}
		}
		if (busy == 0) {
			if (!failed) {
				break; /* the packet bound, nothing left in flight */
			}
			usleep(100000);
			continue;
		}
		/* Wait for a reply to one of them, at most until the oldest is lost. */
		for (;;) {
			const struct iphdr *ip = (const struct iphdr *)buf;
			const struct icmphdr *rep;
			double left = oldest + 1.0 - now();
			ssize_t n;

			if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0) {
				break;
			}
			n = recv(fd, buf, sizeof(buf), 0);
			if (n < (ssize_t)sizeof(*ip) || n < (ssize_t)(ip->ihl * 4 + sizeof(*rep))) {
				continue;
			}
			rep = (const struct icmphdr *)(buf + ip->ihl * 4);
			if (rep->type != ICMP_ECHOREPLY || rep->un.echo.id != htons(id)) {
				continue;
			}
			for (i = 0; i < window; i++) {
				if (slot[i].sent_at > 0 && htons(slot[i].seq) == rep->un.echo.sequence) {
					break;
				}
			}
			if (i < window) {
				slot[i].sent_at = 0;
				replies++;
				break;
			}
		}
	}
	printf("rig: pingpong: %s after %lu requests, %lu replies, %.3f s\n",
	       ok ? "ready" : "not ready", sent, replies, now() - t0);
	return ok ? 0 : 1;
}
