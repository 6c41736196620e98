/*
 * dropbear-entropy: IPv4 default gateways from /proc/net/route.
 *
 * Only the routing table of the caller's own network namespace is read, so
 * the ICMP stimulator can never talk to anything but the gateway this
 * system itself would use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent_internal.h"

#define RTF_UP_BIT	0x0001UL
#define RTF_GATEWAY_BIT	0x0002UL

/* One hexadecimal field of up to eight digits, followed by white space */
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
	if (errno != 0 || end - p > 8 || (*end != ' ' && *end != '\t')) {
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
		/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
		if (skip_field(&p) == 0
				&& hex_field(&p, &dest) == 0
				&& hex_field(&p, &gate) == 0
				&& hex_field(&p, &flags) == 0
				&& skip_field(&p) == 0
				&& skip_field(&p) == 0
				&& skip_field(&p) == 0
				&& hex_field(&p, &mask) == 0
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
