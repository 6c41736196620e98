/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * libFuzzer target: /proc/interrupts parsing (ent_irq_parse).
 *
 * Only the pacing of the stimulators depends on these numbers, never a
 * credit; what matters is that no text makes the parser read outside its
 * buffer or overflow a signed value (UBSan), and that it reports failure
 * for text without a CPU header line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ent_interrupts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ent_irq_count c;
	char *text;
	const char *nl;
	int r;

	text = malloc(size + 1);
	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	r = ent_irq_parse(text, &c);
	if (r != 0 && r != -1) {
		abort();
	}
	nl = strchr(text, '\n');
	if (r == 0 && (nl == NULL || c.rows < 0)) {
		abort();
	}
	if (r == -1 && (c.device != 0 || c.percpu != 0 || c.rows != 0)) {
		abort();
	}
	free(text);
	return 0;
}
