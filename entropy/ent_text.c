/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: decimal numbers in text.
 *
 * Every number the module reads from text (kernel files, its own /run
 * records, -X values, the companion's options) goes through here, so one
 * overflow check guards them all.
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
