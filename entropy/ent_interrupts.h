/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: /proc/interrupts (ent_interrupts.c) */
#ifndef DROPBEAR_ENT_INTERRUPTS_H
#define DROPBEAR_ENT_INTERRUPTS_H

#include <stdint.h>

/* ---- /proc/interrupts (ent_interrupts.c) ---- */
struct ent_irq_count {
	uint64_t device;	/* interrupts that feed the kernel RNG */
	uint64_t percpu;	/* timers, IPIs, PMU: they credit nothing */
	int rows;		/* device rows seen */
};
int ent_irq_parse(const char *text, struct ent_irq_count *count);

#endif /* DROPBEAR_ENT_INTERRUPTS_H */
