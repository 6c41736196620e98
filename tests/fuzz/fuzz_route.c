/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * libFuzzer target: /proc/net/route and /proc/net/arp parsing
 * (ent_route_gateways, ent_route_links, ent_route_onlink,
 * ent_route_neighbours, ent_route_carrier_up).
 *
 * The text comes from the kernel, but the parsers must stay inside their
 * buffers whatever it holds. The input is one text, read as a routing
 * table and, from the first NUL byte on (or the whole of it), as an ARP
 * table. Invariants: never more results than asked for, nothing written
 * past them; no zero address, no duplicate; every gateway is unicast;
 * every connected route has a contiguous non-zero mask and a valid
 * interface name; every neighbour is on the link of its own interface,
 * never broadcast, multicast, loopback or zero.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ent_internal.h"
#include "ent_route.h"

static void valid_dev(const char *dev)
{
	size_t n = strnlen(dev, ENT_IFNAME_MAX);

	if (n == 0 || n >= ENT_IFNAME_MAX || strchr(dev, '/') != NULL
			|| strcmp(dev, ".") == 0 || strcmp(dev, "..") == 0) {
		abort();
	}
}

static void check_links(const struct ent_link_route *r, int n)
{
	uint32_t m;
	int i;

	for (i = 0; i < n; i++) {
		m = ntohl(r[i].mask);
		if (m == 0 || ((~m + 1) & ~m) != 0 || (r[i].net & ~r[i].mask) != 0) {
			abort();
		}
		valid_dev(r[i].dev);
	}
}

static void check_neighbours(const struct ent_neighbour *nb, int n,
		const struct ent_link_route *r, int nr)
{
	uint32_t h;
	int i, j;

	for (i = 0; i < n; i++) {
		h = ntohl(nb[i].addr.s_addr);
		if (h == 0 || (h >> 24) == 0 || (h >> 24) == 127 || (h >> 24) >= 224) {
			abort();
		}
		valid_dev(nb[i].dev);
		if (ent_route_onlink(r, nr, nb[i].addr, nb[i].dev) < 0) {
			abort();
		}
		for (j = 0; j < i; j++) {
			if (nb[i].addr.s_addr == nb[j].addr.s_addr) {
				abort();
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in_addr gw[ENT_GW_MAX + 1];
	struct ent_link_route links[ENT_LINK_MAX + 1];
	struct ent_neighbour nb[ENT_GW_MAX + 1];
	char *text;
	const char *arp;
	int n, i, j, max, nl;

	text = malloc(size + 1);
	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	arp = memchr(data, '\0', size) != NULL ? text + strlen(text) + 1 : text;
	/* the module asks for ENT_GW_MAX; smaller limits test the bound */
	max = size > 0 ? (data[0] % (ENT_GW_MAX + 1)) : ENT_GW_MAX;
	memset(gw, 0xa5, sizeof(gw));
	n = ent_route_gateways(text, gw, max);
	if (n < 0 || n > max) {
		abort();
	}
	/* the slot past max must be untouched */
	for (i = 0; i < (int)sizeof(gw[0]); i++) {
		if (((unsigned char *)&gw[max])[i] != 0xa5) {
			abort();
		}
	}
	for (i = 0; i < n; i++) {
		if (gw[i].s_addr == 0 || (ntohl(gw[i].s_addr) >> 24) >= 224) {
			abort();
		}
		for (j = 0; j < i; j++) {
			if (gw[i].s_addr == gw[j].s_addr) {
				abort();
			}
		}
	}

	memset(links, 0xa5, sizeof(links));
	nl = ent_route_links(text, links, ENT_LINK_MAX);
	if (nl < 0 || nl > ENT_LINK_MAX || ((unsigned char *)&links[ENT_LINK_MAX])[0] != 0xa5) {
		abort();
	}
	check_links(links, nl);
	memset(nb, 0xa5, sizeof(nb));
	n = ent_route_neighbours(arp, links, nl, nb, max);
	if (n < 0 || n > max || ((unsigned char *)&nb[max])[0] != 0xa5) {
		abort();
	}
	check_neighbours(nb, n, links, nl);
	(void)ent_route_carrier_up(text);
	free(text);
	return 0;
}
