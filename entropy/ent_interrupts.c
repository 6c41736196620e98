/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: count the interrupts that feed the kernel RNG.
 *
 * The kernel credits interrupts handled through a device's irq descriptor
 * (1 bit per 64 on the rewritten RNG). Per-CPU interrupts - the arch timer,
 * PMU, inter-processor interrupts, the local APIC timer - take another path
 * and credit nothing, so they are kept apart. This only measures the yield
 * of the stimulators; nothing is ever credited from these numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "ent_interrupts.h"

/* Names of per-CPU interrupts that show with a numeric label */
static const char percpu_names[][12] = {
	"arch_timer", "riscv-timer", "arm-pmu", "riscv-pmu", "IPI"
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	return p;
}

/* Does the rest of a numeric row describe a per-CPU interrupt? */
static int row_is_percpu(const char *desc, const char *eol)
{
	char rest[160];
	size_t len = (size_t)(eol - desc);
	const char *p;
	long hw;
	char *end;
	int i;

	if (len >= sizeof(rest)) {
		len = sizeof(rest) - 1;
	}
	memcpy(rest, desc, len);
	rest[len] = '\0';
	for (i = 0; i < (int)(sizeof(percpu_names) / sizeof(percpu_names[0])); i++) {
		if (strstr(rest, percpu_names[i]) != NULL) {
			return 1;
		}
	}
	/* ARM GIC: hardware numbers 16-31 are PPIs, private to each CPU */
	p = skip_ws(rest);
	if (strncmp(p, "GIC", 3) == 0) {
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			p++;
		}
		p = skip_ws(p);
		hw = strtol(p, &end, 10);
		if (end != p && hw >= 16 && hw <= 31) {
			return 1;
		}
	}
	/* RISC-V local interrupt controller: per hart */
	if (strstr(rest, "RISC-V INTC") != NULL) {
		return 1;
	}
	return 0;
}

int ent_irq_parse(const char *text, struct ent_irq_count *count)
{
	const char *line, *eol, *p, *colon;
	int ncpu = 0, cpu, numeric;
	uint64_t sum;
	char *end;
	unsigned long long v;

	memset(count, 0, sizeof(*count));
	eol = strchr(text, '\n');
	if (eol == NULL) {
		return -1;
	}
	/* Header: one "CPUn" column per online CPU */
	for (p = text; p < eol; p++) {
		if (strncmp(p, "CPU", 3) == 0) {
			ncpu++;
			p += 2;
		}
	}
	if (ncpu == 0) {
		return -1;
	}
	for (line = eol + 1; *line != '\0'; line = eol + 1) {
		eol = strchr(line, '\n');
		if (eol == NULL) {
			eol = line + strlen(line);
		}
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon != NULL) {
			p = skip_ws(line);
			numeric = p < colon;
			for (; p < colon; p++) {
				if (*p < '0' || *p > '9') {
					numeric = 0;
				}
			}
			sum = 0;
			p = colon + 1;
			for (cpu = 0; cpu < ncpu; cpu++) {
				p = skip_ws(p);
				if (*p < '0' || *p > '9') {
					break;
				}
				v = strtoull(p, &end, 10);
				sum += v;
				p = end;
			}
			if (numeric && !row_is_percpu(p, eol)) {
				count->device += sum;
				count->rows++;
			} else {
				count->percpu += sum;
			}
		}
		if (*eol == '\0') {
			break;
		}
	}
	return 0;
}
