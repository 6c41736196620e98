/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: decimal numbers in text.
 *
 * The decimal numbers of the kernel's small files (entropy_avail,
 * osrelease), of our /run records, of -X values and of the companion's
 * --timeout go through here, with one overflow check. (/proc/interrupts,
 * /proc/net/route's hex fields and the status command's record fields
 * still use the strto*() calls the server links already.)
 */
#include "ent_text.h"

int ent_parse_dec(const char **p, unsigned long max, unsigned long *v)
{
	const char *s = *p;
	unsigned long x = 0, d;

	if (*s < '0' || *s > '9') {
		return -1;
	}
	for (; *s >= '0' && *s <= '9'; s++) {
		d = (unsigned long)(*s - '0');
		/* x * 10 + d <= max, asked without overflowing */
		if (x > (max - d) / 10) {
			return -1;
		}
		x = x * 10 + d;
	}
	*p = s;
	*v = x;
	return 0;
}
