/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: whom the ICMP stimulator may ping, from the text of
 * /proc/net/route and /proc/net/arp.
 *
 * Only the tables of the caller's own network namespace are read, so the
 * ICMP stimulator can never talk to anything but the gateway this system
 * itself would use or a host on its own link. Every function here takes
 * text and gives addresses, which keeps them easy to test and to fuzz
 * (tests/fuzz/fuzz_route.c); the one exception, ent_route_targets(),
 * reads the ARP table and interfaces' carrier through ent_ops only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ent_route.h"
#include "ent_internal.h"
#include "ent_sys.h"

#define RTF_UP_BIT	0x0001UL
#define RTF_GATEWAY_BIT	0x0002UL

/* One hexadecimal field of up to eight digits, followed by white space or
 * the end of the line */
static int hex_field(const char **pp, unsigned long *out)
{
	const char *p = *pp;
	char *end;

	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F')
			|| (*p >= 'a' && *p <= 'f'))) {
		return -1;
	}
	errno = 0;
	*out = strtoul(p, &end, 16);
	if (errno != 0 || end - p > 8
			|| (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\0')) {
		return -1;
	}
	*pp = end;
	return 0;
}

/* Skips one white-space separated field; -1 if the line ends first */
static int skip_field(const char **pp)
{
	const char *p = *pp;

	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (*p == '\0' || *p == '\n') {
		return -1;
	}
	while (*p != '\0' && *p != '\n' && *p != ' ' && *p != '\t') {
		p++;
	}
	*pp = p;
	return 0;
}

/* The first octet of a gateway as the kernel prints it (s_addr in network
 * order): 0.x, loopback (which raises no device interrupt, so pinging it
 * would only burn CPU), multicast and reserved addresses are no gateway,
 * as for -X gateway=. */
static int route_fields(const char **pp, char *dev, unsigned long *dest,
		unsigned long *gate, unsigned long *flags, unsigned long *mask);

static int usable_gateway(unsigned long gate)
{
	unsigned long first = ntohl((uint32_t)gate) >> 24;

	return gate != 0 && first != 0 && first != 127 && first < 224;
}

int ent_route_gateways(const char *text, struct in_addr *gw, int max)
{
	const char *line = text;
	const char *p;
	unsigned long dest, gate, flags, mask;
	int n = 0, i, dup;

	/* First line is the header */
	line = strchr(line, '\n');
	while (line != NULL && n < max) {
		line++;
		p = line;
		if (route_fields(&p, NULL, &dest, &gate, &flags, &mask) == 0
				&& dest == 0 && mask == 0 && usable_gateway(gate)
				&& (flags & (RTF_UP_BIT | RTF_GATEWAY_BIT))
					== (RTF_UP_BIT | RTF_GATEWAY_BIT)) {
			/* The kernel prints the address as the 32-bit word it
			 * stores in network order, so the value is s_addr as is. */
			dup = 0;
			for (i = 0; i < n; i++) {
				if (gw[i].s_addr == (in_addr_t)gate) {
					dup = 1;
				}
			}
			if (!dup) {
				gw[n].s_addr = (in_addr_t)gate;
				n++;
			}
		}
		line = strchr(line, '\n');
	}
	return n;
}

/*
 * Neighbours and the on-link rule.
 *
 * Echo requests must stay on the link: the ICMP stimulator only talks to
 * an address that a connected route of this namespace covers (a route
 * that is up, has no gateway and a non-zero mask), so the kernel sends
 * the request straight to that host and never to a router. Where there is
 * no default route, the neighbours come from the kernel's neighbour table
 * (/proc/net/arp): only complete entries, each on the interface of the
 * connected route that covers it.
 */
#define RTF_REJECT_BIT	0x0200UL	/* unreachable, prohibit, blackhole */
#define ATF_COM_BIT	0x02UL		/* the hardware address is known */
#define ATF_PUBL_BIT	0x08UL		/* a proxy entry: ours, no neighbour */

/* The name the kernel would accept for an interface (dev_valid_name): 1 to
 * 15 bytes, not "." or "..", no '/', ':' or white space. It becomes part
 * of a path below /sys/class/net, so nothing else may pass. */
static int name_field(const char **pp, char *dev, size_t len)
{
	const char *p = *pp;
	size_t n = 0;

	while (*p == ' ' || *p == '\t') {
		p++;
	}
	while (*p != '\0' && *p != '\n' && *p != ' ' && *p != '\t') {
		if (*p == '/' || *p == ':' || (unsigned char)*p < 0x21
				|| (unsigned char)*p > 0x7e || n + 1 >= len) {
			return -1;
		}
		dev[n++] = *p++;
	}
	dev[n] = '\0';
	if (n == 0 || n >= ENT_IFNAME_MAX || strcmp(dev, ".") == 0
			|| strcmp(dev, "..") == 0 || strcmp(dev, "*") == 0) {
		return -1;
	}
	*pp = p;
	return 0;
}

/* The fields of a /proc/net/route line that we use: "Iface Destination
 * Gateway Flags RefCnt Use Metric Mask ...". The interface name goes to
 * dev (ENT_IFNAME_MAX bytes) under name_field()'s rules, or is skipped
 * when dev is NULL. */
static int route_fields(const char **pp, char *dev, unsigned long *dest,
		unsigned long *gate, unsigned long *flags, unsigned long *mask)
{
	return (dev != NULL ? name_field(pp, dev, ENT_IFNAME_MAX) : skip_field(pp)) == 0
		&& hex_field(pp, dest) == 0
		&& hex_field(pp, gate) == 0
		&& hex_field(pp, flags) == 0
		&& skip_field(pp) == 0
		&& skip_field(pp) == 0
		&& skip_field(pp) == 0
		&& hex_field(pp, mask) == 0 ? 0 : -1;
}

/* Only blanks left before the end of the line */
static int line_ends(const char *p)
{
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	return *p == '\n';
}

/* A mask the kernel could hold: ones then zeros, not empty */
static int contiguous_mask(uint32_t mask_net)
{
	uint32_t m = ntohl(mask_net);

	return m != 0 && ((~m + 1) & ~m) == 0;
}

int ent_route_links(const char *text, struct ent_link_route *r, int max)
{
	const char *line = text;
	const char *p;
	unsigned long dest, gate, flags, mask;
	char dev[ENT_IFNAME_MAX];
	int n = 0;

	/* First line is the header */
	line = strchr(line, '\n');
	while (line != NULL && n < max) {
		line++;
		p = line;
		if (route_fields(&p, dev, &dest, &gate, &flags, &mask) == 0
				&& (flags & (RTF_UP_BIT | RTF_GATEWAY_BIT | RTF_REJECT_BIT)) == RTF_UP_BIT
				&& contiguous_mask((uint32_t)mask)
				&& ((uint32_t)dest & ~(uint32_t)mask) == 0) {
			/* A device route 0.0.0.0/0 would make every address
			 * "on-link": the non-zero mask keeps it out. */
			r[n].net = (uint32_t)dest;
			r[n].mask = (uint32_t)mask;
			memcpy(r[n].dev, dev, sizeof(dev));
			n++;
		}
		line = strchr(line, '\n');
	}
	return n;
}

int ent_route_onlink(const struct ent_link_route *r, int n, struct in_addr addr,
		const char *dev)
{
	uint32_t host = ntohl(addr.s_addr), first = host >> 24, hostmask;
	int i;

	/* 0.x, loopback, multicast, reserved and broadcast: no neighbour */
	if (first == 0 || first == 127 || first >= 224) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((addr.s_addr & r[i].mask) != r[i].net
				|| (dev != NULL && strcmp(dev, r[i].dev) != 0)) {
			continue;
		}
		/* The subnet's own address and its broadcast address, where
		 * the prefix is short enough to have them (/31 and /32 have
		 * none, RFC 3021) */
		hostmask = ~ntohl(r[i].mask);
		if (hostmask >= 3 && ((host & hostmask) == 0 || (host & hostmask) == hostmask)) {
			continue;
		}
		return i;
	}
	return -1;
}

/* A dotted quad of at most 15 characters, parsed by inet_pton */
static int addr_field(const char **pp, struct in_addr *a)
{
	const char *p = *pp;
	char buf[16];
	size_t n = 0;

	while (*p == ' ' || *p == '\t') {
		p++;
	}
	while ((*p >= '0' && *p <= '9') || *p == '.') {
		if (n + 1 >= sizeof(buf)) {
			return -1;
		}
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	if (n == 0 || (*p != ' ' && *p != '\t') || inet_pton(AF_INET, buf, a) != 1) {
		return -1;
	}
	*pp = p;
	return 0;
}

/* "0x2": the kernel prints the ARP flags and hardware type this way */
static int hex0x_field(const char **pp, unsigned long *out)
{
	const char *p = *pp;

	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (p[0] != '0' || p[1] != 'x') {
		return -1;
	}
	p += 2;
	*pp = p;
	return hex_field(pp, out);
}

int ent_route_neighbours(const char *arp_text, const struct ent_link_route *r, int nr,
		struct ent_neighbour *nb, int max)
{
	const char *line = arp_text;
	const char *p;
	struct in_addr a;
	unsigned long hwtype, flags;
	char dev[ENT_IFNAME_MAX];
	int n = 0, i, dup;

	/* IP address  HW type  Flags  HW address  Mask  Device; the first
	 * line is the header. A last line without its newline may have been
	 * cut short (a table larger than the buffer): it is not used. */
	line = strchr(line, '\n');
	while (line != NULL && n < max) {
		line++;
		p = line;
		if (addr_field(&p, &a) == 0
				&& hex0x_field(&p, &hwtype) == 0
				&& hex0x_field(&p, &flags) == 0
				&& skip_field(&p) == 0
				&& skip_field(&p) == 0
				&& name_field(&p, dev, sizeof(dev)) == 0
				&& line_ends(p)
				&& (flags & (ATF_COM_BIT | ATF_PUBL_BIT)) == ATF_COM_BIT
				&& ent_route_onlink(r, nr, a, dev) >= 0) {
			dup = 0;
			for (i = 0; i < n; i++) {
				if (nb[i].addr.s_addr == a.s_addr) {
					dup = 1;
				}
			}
			if (!dup) {
				nb[n].addr = a;
				memcpy(nb[n].dev, dev, sizeof(dev));
				n++;
			}
		}
		line = strchr(line, '\n');
	}
	return n;
}

int ent_route_carrier_up(const char *text)
{
	/* A driver that reports no carrier reads 1; an interface that is
	 * administratively down cannot be read (EINVAL) */
	return text[0] == '1' && (text[1] == '\n' || text[1] == '\0');
}

/* The neighbours to ping where there is no default route: those of
 * ent_route_neighbours() on the first interface that is up */
static int up_neighbours(const struct ent_ops *ops, const char *arp_text,
		const struct ent_link_route *links, int nlinks,
		struct in_addr gw[ENT_GW_MAX], char *dev)
{
	struct ent_neighbour nb[ENT_GW_MAX * 4];
	char path[64], state[32];
	int n, i, up = -1, found = 0;

	n = ent_route_neighbours(arp_text, links, nlinks, nb, ENT_GW_MAX * 4);
	for (i = 0; i < n && found < ENT_GW_MAX; i++) {
		if (up >= 0 && strcmp(nb[i].dev, nb[up].dev) != 0) {
			continue;
		}
		if (up < 0) {
			/* The name passed ent_route_neighbours()' interface name
			 * rules: no '/', no "..", so the path stays below
			 * /sys/class/net. carrier, not flags: flags says only
			 * that the interface was set up, carrier also that it
			 * has a link; not operstate either, which the kernel
			 * sets up to a second later at boot (linkwatch), after
			 * the client's first packet has come and gone. */
			(void)snprintf(path, sizeof(path), ENT_PATH_CARRIER, nb[i].dev);
			if (ops->read_file(path, state, sizeof(state)) < 0
					|| !ent_route_carrier_up(state)) {
				continue;
			}
			up = i;
			if (dev != NULL) {
				memcpy(dev, nb[i].dev, ENT_IFNAME_MAX);
			}
		}
		gw[found++] = nb[i].addr;
	}
	return found;
}

int ent_route_targets(const struct ent_ops *ops, const struct in_addr *gateway,
		char *text, size_t len, int arp, struct in_addr gw[ENT_GW_MAX], char *dev,
		int *via)
{
	struct ent_link_route links[ENT_LINK_MAX];
	int n, nlinks = ent_route_links(text, links, ENT_LINK_MAX);

	*via = ENT_VIA_ROUTE;
	if (gateway != NULL) {
		/* On the link only: a connected route must cover it, so the
		 * requests never go through a router */
		gw[0] = *gateway;
		return ent_route_onlink(links, nlinks, *gateway, NULL) >= 0;
	}
	n = ent_route_gateways(text, gw, ENT_GW_MAX);
	if (n > 0 || !arp || ops->read_file(ENT_PATH_ARP, text, len) < 0) {
		return n;
	}
	/* The links are parsed: the ARP table took the routing table's
	 * place in text */
	*via = ENT_VIA_ARP;
	return up_neighbours(ops, text, links, nlinks, gw, dev);
}
