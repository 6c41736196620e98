/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: whom the ICMP stimulator pings (ent_route.c) */
#ifndef DROPBEAR_ENT_ROUTE_H
#define DROPBEAR_ENT_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "ent_internal.h"
#include "ent_sys.h"

/* ---- /proc/net/route (ent_route.c) ---- */
/* IPv4 default gateways, in route order, at most max; returns the count */
int ent_route_gateways(const char *text, struct in_addr *gw, int max);
#define ENT_IFNAME_MAX		16	/* IFNAMSIZ, with the NUL */
#define ENT_LINK_MAX		16	/* connected routes looked at */
#define ENT_PATH_ARP		"/proc/net/arp"
#define ENT_PATH_CARRIER	"/sys/class/net/%s/carrier"
/* A connected route: up, no gateway, a non-zero mask (s_addr order) */
struct ent_link_route {
	uint32_t net;
	uint32_t mask;
	char dev[ENT_IFNAME_MAX];
};
struct ent_neighbour {
	struct in_addr addr;
	char dev[ENT_IFNAME_MAX];
};
/* Connected routes of /proc/net/route, at most max; returns the count */
int ent_route_links(const char *text, struct ent_link_route *r, int max);
/* Index of the connected route (on dev, unless NULL) that has addr as a
 * host: never 0.x, loopback, multicast, reserved, a subnet's own or its
 * broadcast address; -1 when none, i.e. addr is not on the link */
int ent_route_onlink(const struct ent_link_route *r, int n, struct in_addr addr,
		const char *dev);
/* Complete, non-proxy entries of /proc/net/arp that are on the link of
 * their own interface, in table order, without duplicates, at most max */
int ent_route_neighbours(const char *arp_text, const struct ent_link_route *r, int nr,
		struct ent_neighbour *nb, int max);
/* 1 when /sys/class/net/IF/carrier reads "1" */
int ent_route_carrier_up(const char *text);
#define ENT_VIA_ROUTE		0	/* -X gateway= or the default route */
#define ENT_VIA_ARP		1	/* on-link neighbours, no default route */
#define ENT_VIA_ARP_DONE	2	/* the wait's: they stopped answering */
/* Whom the ICMP stimulator pings, from the routing table in text (read
 * from ENT_PATH_ROUTE; a buffer of len bytes): *gateway (-X gateway=)
 * alone, when a connected route covers it; without one, the default
 * gateways (*via ENT_VIA_ROUTE), else, unless arp is 0, the neighbours
 * of ent_route_neighbours() on the first interface whose carrier is up
 * (*via ENT_VIA_ARP, that interface's name to dev unless NULL, the ARP
 * table read into text in the routing table's place). At most ENT_GW_MAX;
 * returns the count. */
int ent_route_targets(const struct ent_ops *ops, const struct in_addr *gateway,
		char *text, size_t len, int arp, struct in_addr gw[ENT_GW_MAX], char *dev,
		int *via);

#endif /* DROPBEAR_ENT_ROUTE_H */
