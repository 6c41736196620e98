/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of whom the ICMP stimulator pings (ent_route.c, and its use
 * by the wait's ICMP runner in ent_icmp.c against the simulated kernel):
 * on-link neighbours from /proc/net/arp where there is no default route,
 * and the on-link rule for -X gateway=. The simulated kernel answers echo
 * requests from 10.0.2.2 only and counts every request to any other
 * address as stray, so a wrong choice shows up as a stray packet. Called
 * from test_entropy.c.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "ent_icmp.h"
#include "ent_internal.h"
#include "ent_route.h"
#include "ent_wait.h"
#include "entropy.h"
#include "sim.h"

static int *np, *nf;
static volatile int stop;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

#define ROUTE_HDR "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
#define ARP_HDR "IP address       HW type     Flags       HW address            Mask     Device\n"
/* The rig's layout without its default route: 10.0.2.15/24 on eth0 */
#define ROUTE_LINK_ETH0 "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
#define ROUTE_DEFAULT "eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
/* 10.0.3.0/24 on eth1 */
#define ROUTE_LINK_ETH1 "eth1\t0003000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
#define ARP_GW "10.0.2.2         0x1         0x2         52:55:0a:00:02:02     *        eth0\n"

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		a.s_addr = 0;
	}
	return a;
}

static int logged_with(const struct sim *s, const char *a, const char *b)
{
	int i, n = 0;

	for (i = 0; i < s->nlog; i++) {
		if (strstr(s->log[i].text, a) != NULL && strstr(s->log[i].text, b) != NULL) {
			n++;
		}
	}
	return n;
}

static void test_links(void)
{
	struct ent_link_route r[ENT_LINK_MAX];
	int n;

	n = ent_route_links(ROUTE_HDR ROUTE_DEFAULT ROUTE_LINK_ETH0 ROUTE_LINK_ETH1
			/* not up; a gateway route to a subnet; unreachable (RTF_REJECT) */
			"eth2\t0004000A\t00000000\t0000\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			"eth0\t0000A8C0\t0202000A\t0003\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
			"eth0\t0005000A\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			/* a device default route would put every address on-link */
			"eth0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n"
			/* holes in the mask; host bits set in the destination */
			"eth0\t0006000A\t00000000\t0001\t0\t0\t0\t00FF00FF\t0\t0\t0\n"
			"eth0\t0107000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			/* interface names that must never become a path */
			"..\t0008000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			"a/b\t0009000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			"abcdefghijklmnop\t000A000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			/* a /32 host route and a point-to-point /31 */
			"ppp0\t0109A8C0\t00000000\t0001\t0\t0\t0\tFFFFFFFF\t0\t0\t0\n"
			"eth3\t0002A8C0\t00000000\t0001\t0\t0\t0\tFEFFFFFF\t0\t0\t0\n",
			r, ENT_LINK_MAX);
	CHECK(n == 4, "links: connected routes only (%d)", n);
	CHECK(n >= 2 && strcmp(r[0].dev, "eth0") == 0 && r[0].net == ip("10.0.2.0").s_addr
			&& r[0].mask == ip("255.255.255.0").s_addr && strcmp(r[1].dev, "eth1") == 0,
			"links: 10.0.2.0/24 on eth0, 10.0.3.0/24 on eth1");
	CHECK(ent_route_links(ROUTE_HDR ROUTE_LINK_ETH0 ROUTE_LINK_ETH1, r, 1) == 1,
			"links: max respected");
	CHECK(ent_route_links("", r, ENT_LINK_MAX) == 0 && ent_route_links(ROUTE_HDR, r,
			ENT_LINK_MAX) == 0, "links: empty table");

	CHECK(ent_route_onlink(r, n, ip("10.0.2.2"), NULL) == 0, "on-link: 10.0.2.2 on eth0");
	CHECK(ent_route_onlink(r, n, ip("10.0.2.2"), "eth0") == 0, "on-link: on the named interface");
	CHECK(ent_route_onlink(r, n, ip("10.0.2.2"), "eth1") < 0, "on-link: not on another one");
	CHECK(ent_route_onlink(r, n, ip("10.0.3.7"), NULL) == 1, "on-link: 10.0.3.7 on eth1");
	CHECK(ent_route_onlink(r, n, ip("8.8.8.8"), NULL) < 0, "on-link: an internet host is not");
	CHECK(ent_route_onlink(r, n, ip("192.168.1.1"), NULL) < 0,
			"on-link: a subnet behind a gateway is not");
	CHECK(ent_route_onlink(r, n, ip("10.0.4.1"), NULL) < 0, "on-link: a route that is down");
	CHECK(ent_route_onlink(r, n, ip("10.0.5.1"), NULL) < 0, "on-link: an unreachable route");
	CHECK(ent_route_onlink(r, n, ip("10.0.2.255"), NULL) < 0, "on-link: never the broadcast");
	CHECK(ent_route_onlink(r, n, ip("10.0.2.0"), NULL) < 0, "on-link: never the subnet");
	CHECK(ent_route_onlink(r, n, ip("255.255.255.255"), NULL) < 0
			&& ent_route_onlink(r, n, ip("224.0.0.1"), NULL) < 0
			&& ent_route_onlink(r, n, ip("127.0.0.1"), NULL) < 0
			&& ent_route_onlink(r, n, ip("0.0.0.0"), NULL) < 0,
			"on-link: never broadcast, multicast, loopback or zero");
	CHECK(ent_route_onlink(r, n, ip("192.168.9.1"), "ppp0") == 2
			&& ent_route_onlink(r, n, ip("192.168.2.0"), NULL) == 3
			&& ent_route_onlink(r, n, ip("192.168.2.1"), NULL) == 3,
			"on-link: /32 peer and both ends of a /31");
	/* One link covering everything would be a device default route */
	n = ent_route_links(ROUTE_HDR "eth0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\n",
			r, ENT_LINK_MAX);
	CHECK(n == 0 && ent_route_onlink(r, n, ip("8.8.8.8"), NULL) < 0,
			"on-link: a device default route covers nothing");
}

static void test_neighbour_table(void)
{
	struct ent_link_route r[ENT_LINK_MAX];
	struct ent_neighbour nb[8];
	int nr, n;

	nr = ent_route_links(ROUTE_HDR ROUTE_LINK_ETH0 ROUTE_LINK_ETH1, r, ENT_LINK_MAX);
	n = ent_route_neighbours(ARP_HDR
			"10.0.2.3         0x1         0x0         00:00:00:00:00:00     *        eth0\n"
			"10.0.2.9         0x1         0x8         00:00:00:00:00:00     *        eth0\n"
			"10.0.2.255       0x1         0x2         ff:ff:ff:ff:ff:ff     *        eth0\n"
			"224.0.0.251      0x1         0x2         01:00:5e:00:00:fb     *        eth0\n"
			"192.168.1.1      0x1         0x2         52:55:0a:00:02:07     *        eth0\n"
			"10.0.3.7         0x1         0x2         52:55:0a:00:03:07     *        eth0\n"
			"10.0.2.4         0x1         0x2         52:55:0a:00:02:04     *        eth0 junk\n"
			ARP_GW
			"10.0.2.5         0x1         0x6         52:55:0a:00:02:05     *        eth0\n"
			ARP_GW
			"10.0.3.7         0x1         0x2         52:55:0a:00:03:07     *        eth1\n"
			"10.0.2.6         0x1         0x2         52:55:0a:00:02:06     *        eth0",
			r, nr, nb, 8);
	CHECK(n == 3, "arp: three usable neighbours (%d)", n);
	CHECK(n >= 3 && nb[0].addr.s_addr == ip("10.0.2.2").s_addr && strcmp(nb[0].dev, "eth0") == 0
			&& nb[1].addr.s_addr == ip("10.0.2.5").s_addr
			&& nb[2].addr.s_addr == ip("10.0.3.7").s_addr && strcmp(nb[2].dev, "eth1") == 0,
			"arp: complete (and permanent) entries on their own link, in order, once; "
			"never incomplete, proxy, broadcast, multicast, off-link or cut short");
	CHECK(ent_route_neighbours(ARP_HDR ARP_GW ARP_GW "10.0.2.5         0x1         0x2         "
			"52:55:0a:00:02:05     *        eth0\n", r, nr, nb, 1) == 1, "arp: max respected");
	CHECK(ent_route_neighbours(ARP_HDR ARP_GW, r, 0, nb, 8) == 0,
			"arp: nothing is on-link without a connected route");
	CHECK(ent_route_neighbours("", r, nr, nb, 8) == 0
			&& ent_route_neighbours(ARP_HDR, r, nr, nb, 8) == 0
			&& ent_route_neighbours(ARP_HDR "10.0.2.2 0x1 0x2\n", r, nr, nb, 8) == 0
			&& ent_route_neighbours(ARP_HDR "10.0.2.2.1 0x1 0x2 52:55:0a:00:02:02 * eth0\n",
					r, nr, nb, 8) == 0
			&& ent_route_neighbours(ARP_HDR "10.0.2.2 1 2 52:55:0a:00:02:02 * eth0\n",
					r, nr, nb, 8) == 0,
			"arp: empty, header only and malformed lines give nothing");

	CHECK(ent_route_carrier_up("1\n") && ent_route_carrier_up("1"), "carrier: 1");
	CHECK(!ent_route_carrier_up("0\n") && !ent_route_carrier_up("") && !ent_route_carrier_up("10\n")
			&& !ent_route_carrier_up("up\n"), "carrier: anything else is not up");
}

static void wait_setup(struct sim *s, struct entropy_config *cfg)
{
	sim_init(s, 256);
	sim_config(s, cfg, &stop);
	cfg->stimulators = ENTROPY_STIM_ICMP;
	cfg->stimulators_set = 1;
	s->route_text = ROUTE_HDR ROUTE_LINK_ETH0 ROUTE_LINK_ETH1;
}

/* The pick itself, as the wait (ent_icmp.c) and ent_status.c use it: the
 * default gateways, else the first interface that is up gives every
 * target, at most ENT_GW_MAX */
static int targets(struct sim *s, const char *route, const char *arp, struct in_addr *gw,
		char *dev, int *via)
{
	static char text[4096];

	(void)snprintf(text, sizeof(text), "%s", route);
	s->arp_text = arp;
	*via = -1;
	return ent_route_targets(sim_ops(s), NULL, text, sizeof(text), 1, gw, dev, via);
}

static void test_up_neighbours(void)
{
	struct sim s;
	struct entropy_config cfg;
	struct in_addr gw[ENT_GW_MAX];
	char dev[ENT_IFNAME_MAX], a[INET_ADDRSTRLEN];
	const char *links = ROUTE_HDR ROUTE_LINK_ETH0 ROUTE_LINK_ETH1;
	const char *arp = ARP_HDR
		"10.0.3.7         0x1         0x2         52:55:0a:00:03:07     *        eth1\n"
		ARP_GW
		"10.0.3.8         0x1         0x2         52:55:0a:00:03:08     *        eth1\n"
		"10.0.2.4         0x1         0x2         52:55:0a:00:02:04     *        eth0\n";
	const char *many = ARP_HDR
		"10.0.2.3         0x1         0x2         52:55:0a:00:02:03     *        eth0\n"
		"10.0.2.4         0x1         0x2         52:55:0a:00:02:04     *        eth0\n"
		"10.0.2.5         0x1         0x2         52:55:0a:00:02:05     *        eth0\n"
		"10.0.2.6         0x1         0x2         52:55:0a:00:02:06     *        eth0\n"
		"10.0.2.7         0x1         0x2         52:55:0a:00:02:07     *        eth0\n";
	int n, via;

	sim_init(&s, 256);
	sim_config(&s, &cfg, &stop);
	s.operstate = "eth1 down\neth0 unknown\n";
	memset(dev, 0, sizeof(dev));
	n = targets(&s, links, arp, gw, dev, &via);
	CHECK(n == 2 && gw[0].s_addr == ip("10.0.2.2").s_addr && gw[1].s_addr == ip("10.0.2.4").s_addr
			&& strcmp(dev, "eth0") == 0 && via == ENT_VIA_ARP,
			"up neighbours: eth1 down, both of eth0 (%d, first %s on %s)", n,
			n > 0 ? inet_ntop(AF_INET, &gw[0], a, sizeof(a)) : "-", dev);
	s.operstate = "eth1 up\neth0 up\n";
	n = targets(&s, links, arp, gw, NULL, &via);
	CHECK(n == 2 && gw[0].s_addr == ip("10.0.3.7").s_addr && gw[1].s_addr == ip("10.0.3.8").s_addr,
			"up neighbours: the first interface that is up only (%d)", n);
	s.operstate = "eth1 down\neth0 down\n";
	CHECK(targets(&s, links, arp, gw, NULL, &via) == 0,
			"up neighbours: none where every interface is down");
	s.operstate = "eth0 up\n";
	CHECK(targets(&s, links, many, gw, NULL, &via) == ENT_GW_MAX,
			"up neighbours: at most %d", ENT_GW_MAX);
	CHECK(targets(&s, ROUTE_HDR ROUTE_DEFAULT ROUTE_LINK_ETH0, many, gw, NULL, &via) == 1
			&& gw[0].s_addr == ip("10.0.2.2").s_addr && via == ENT_VIA_ROUTE,
			"targets: the default gateway before any neighbour");
}

static void test_wait_neighbours(void)
{
	struct sim s;
	struct entropy_config cfg;
	unsigned long sent, replies;
	int r;

	/* No default route. The only usable neighbour is 10.0.2.2: the
	 * entry before it is on eth1, which is down, the others are
	 * incomplete, broadcast or off-link */
	wait_setup(&s, &cfg);
	s.arp_text = ARP_HDR
		"10.0.3.7         0x1         0x2         52:55:0a:00:03:07     *        eth1\n"
		"10.0.2.3         0x1         0x0         00:00:00:00:00:00     *        eth0\n"
		"10.0.2.255       0x1         0x2         ff:ff:ff:ff:ff:ff     *        eth0\n"
		"192.168.1.1      0x1         0x2         52:55:0a:00:02:07     *        eth0\n"
		ARP_GW;
	s.operstate = "eth1 down\neth0 unknown\n";
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready && s.replies > 16000, "neighbour: seeded by pinging it (%lu replies)",
			s.replies);
	CHECK(s.stray_dest == 0 && sim_seeded_counts(&s, &sent, &replies) == 0 && s.sent == sent,
			"neighbour: every request went to "
			"10.0.2.2 only (%lu stray)", s.stray_dest);
	CHECK(logged_with(&s, "plan:", "ICMP echo to neighbour 10.0.2.2 on eth0 from the ARP table, "
			"no default route (raw socket") == 1, "neighbour: the start line names it and how");
	CHECK(logged_with(&s, "seeded after", "ICMP echo to neighbour 10.0.2.2 on eth0 from the "
			"ARP table, no default route (") == 1, "neighbour: the final line too");
	CHECK(sim_log_count(&s, "no IPv4 default route and no neighbour") == 0,
			"neighbour: no no-route warning");
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0, "neighbour: clean end");

	/* Nobody usable: no socket, one warning, no packet */
	wait_setup(&s, &cfg);
	s.arp_text = ARP_HDR
		"10.0.3.7         0x1         0x2         52:55:0a:00:03:07     *        eth1\n"
		"10.0.2.3         0x1         0x0         00:00:00:00:00:00     *        eth0\n"
		"10.0.2.255       0x1         0x2         ff:ff:ff:ff:ff:ff     *        eth0\n"
		"192.168.1.1      0x1         0x2         52:55:0a:00:02:07     *        eth0\n";
	s.operstate = "eth1 down\n";
	s.stop_at = s.now + 5000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sockets == 0 && s.sent == 0, "no neighbour: no socket, no packet");
	CHECK(sim_log_count(&s, "no IPv4 default route and no neighbour in the ARP table") == 1,
			"no neighbour: warned once");

	/* The ARP table cannot be read: as if empty */
	wait_setup(&s, &cfg);
	s.stop_at = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sockets == 0 && sim_log_count(&s, "no neighbour") == 1,
			"no ARP table: no socket, warned once");

	/* A neighbour on an interface that is down is never used */
	wait_setup(&s, &cfg);
	s.arp_text = ARP_HDR ARP_GW;
	s.operstate = "eth0 down\n";
	s.stop_at = s.now + 3000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sent == 0, "interface down: nothing sent");

	/* A default route is preferred to any neighbour */
	wait_setup(&s, &cfg);
	s.route_text = ROUTE_HDR ROUTE_DEFAULT ROUTE_LINK_ETH0;
	s.arp_text = ARP_HDR
		"10.0.2.5         0x1         0x2         52:55:0a:00:02:05     *        eth0\n";
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.stray_dest == 0 && sim_log_count(&s, "neighbour") == 0,
			"default route: preferred, the neighbour never pinged");

	/* The address (and with it the connected route) is set up after
	 * the server started: the neighbour becomes usable then */
	wait_setup(&s, &cfg);
	s.route_before = ROUTE_HDR;
	s.route_text = ROUTE_HDR ROUTE_LINK_ETH0;
	s.route_at = s.now + 2500000;
	s.arp_text = ARP_HDR ARP_GW;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready_at > s.route_at && s.stray_dest == 0,
			"late neighbour: seeded once it is on the link");
	CHECK(sim_log_count(&s, "no IPv4 default route and no neighbour") == 1
			&& sim_log_count(&s, "neighbour 10.0.2.2 on eth0 from the ARP table, no default "
			"route: ICMP stimulator started") == 1, "late neighbour: both said");

	/* A default route that appears while neighbours are pinged takes
	 * over; the packet bound is one for the whole wait */
	wait_setup(&s, &cfg);
	s.rtt_us = 1500;	/* one in flight: seeded well after the route appears */
	s.route_before = ROUTE_HDR ROUTE_LINK_ETH0;
	s.route_text = ROUTE_HDR ROUTE_DEFAULT ROUTE_LINK_ETH0;
	s.route_at = s.now + 1500000;
	s.arp_text = ARP_HDR ARP_GW;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.ready_at > s.route_at, "route later: seeded after the route appeared");
	CHECK(logged_with(&s, "plan:", "neighbour 10.0.2.2 on eth0") == 1,
			"route later: started with the neighbour");
	CHECK(sim_log_count(&s, "default route via 10.0.2.2 appeared: ICMP stimulator started "
			"(instead of the neighbours)") == 1, "route later: switched to the gateway");
	CHECK(logged_with(&s, "seeded after", "neighbour") == 0, "route later: final line names the "
			"gateway only");
	CHECK(sim_fds_open(&s) == 0 && s.violations == 0 && s.sockets == 2,
			"route later: the neighbours' socket closed, one more opened");

	wait_setup(&s, &cfg);
	s.route_before = ROUTE_HDR ROUTE_LINK_ETH0;
	s.route_text = ROUTE_HDR ROUTE_DEFAULT ROUTE_LINK_ETH0;
	s.route_at = s.now + 1500000;
	s.arp_text = ARP_HDR ARP_GW;
	s.rtt_us = 2000;	/* 500 a second: the bound is spent after the switch */
	cfg.max_packets = 3000;
	s.stop_at = s.now + 8000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sent == 3000
			&& sim_log_count(&s, "instead of the neighbours") == 1,
			"route later: one packet bound across both (%lu sent)", s.sent);

	/* A neighbour that does not answer is given up and not tried again
	 * every second */
	wait_setup(&s, &cfg);
	s.arp_text = ARP_HDR
		"10.0.2.9         0x1         0x2         52:55:0a:00:02:09     *        eth0\n";
	s.silent_gw = "10.0.2.9";
	s.stop_at = s.now + 10000000;
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sent_silent == ENT_ICMP_DEAD_FIRST && s.sockets == 1,
			"silent neighbour: %d requests in 10 s, then left alone (%lu)",
			ENT_ICMP_DEAD_FIRST, s.sent_silent);
	CHECK(sim_fds_open(&s) == 0, "silent neighbour: socket closed");
}

static void test_wait_gateway_option(void)
{
	const char *refuse[] = { "192.168.7.1", "10.0.2.255", "8.8.8.8" };
	struct sim s;
	struct entropy_config cfg;
	size_t i;
	int r;

	/* On the link: used */
	wait_setup(&s, &cfg);
	strcpy(cfg.gateway, "10.0.2.2");
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == 0 && s.replies > 16000 && s.stray_dest == 0, "gateway=: on-link, used");

	/* Off the link, the subnet's broadcast: refused with one line, the
	 * rest (here the kernel's collector) goes on */
	for (i = 0; i < sizeof(refuse) / sizeof(refuse[0]); i++) {
		wait_setup(&s, &cfg);
		s.route_text = ROUTE_HDR ROUTE_DEFAULT ROUTE_LINK_ETH0;
		s.has_jitter = 1;
		cfg.stimulators = ENTROPY_STIM_ICMP | ENTROPY_STIM_COLLECTOR;
		strcpy(cfg.gateway, refuse[i]);
		r = ent_wait(&cfg, sim_ops(&s));
		CHECK(r == 0 && s.sockets == 0 && s.sent == 0
				&& logged_with(&s, refuse[i], "is not on the link") == 1
				&& sim_log_count(&s, "refused, ICMP stimulator off") == 1,
				"gateway=%s: refused in one line, nothing sent, seeded by the rest", refuse[i]);
	}

	/* No routing table to check it against: refused too */
	wait_setup(&s, &cfg);
	s.no_route_file = 1;
	s.stop_at = s.now + 2000000;
	strcpy(cfg.gateway, "10.0.2.2");
	r = ent_wait(&cfg, sim_ops(&s));
	CHECK(r == -1 && s.sockets == 0 && sim_log_count(&s, "to check that gateway 10.0.2.2 is on "
			"the link: refused") == 1, "gateway= without /proc/net/route: refused");
}

void test_onlink(int *passed, int *failed)
{
	np = passed;
	nf = failed;
	test_links();
	test_neighbour_table();
	test_up_neighbours();
	test_wait_neighbours();
	test_wait_gateway_option();
}
