/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: numbers in text (ent_text.c) */
#ifndef DROPBEAR_ENT_TEXT_H
#define DROPBEAR_ENT_TEXT_H

/* ---- decimal numbers (ent_text.c) ----
 * The kernel's small files (entropy_avail, osrelease), our /run records,
 * -X values and the companion's --timeout are read with this parser:
 * strtoul() would take a sign and spaces, and sscanf()/strtod() bring
 * about 10 KB of musl into a static server (issue 21). */
/* Decimal digits at *p, at most max, into *v; *p moves past them. -1 when
 * there are none (a sign or a space is none) or the value is above max */
int ent_parse_dec(const char **p, unsigned long max, unsigned long *v);

#endif /* DROPBEAR_ENT_TEXT_H */
