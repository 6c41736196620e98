/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * libFuzzer target: "-X key[=value]" option strings (entropy_config_set).
 *
 * The input is split at NUL bytes into several arguments applied to one
 * config, as a command line with repeated -X does. Beyond "no memory
 * error", every accepted value must leave the config in a state the rest
 * of the module relies on: terminated strings, a gateway that is a unicast
 * non-loopback dotted quad, an absolute block device path, bounds within
 * their limits, a known policy, an absolute seed directory; paths hold no
 * control character (they are logged later). A rejected value leaves a
 * terminated message that names the option, on one line: no control
 * character of the input is echoed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ent_config.h"
#include "entropy.h"

/* 1 when s holds a byte below 0x20 or DEL */
static int has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f) {
			return 1;
		}
	}
	return 0;
}

static void check_config(const struct entropy_config *cfg)
{
	struct in_addr a;
	unsigned char first;

	if (memchr(cfg->gateway, '\0', sizeof(cfg->gateway)) == NULL
			|| memchr(cfg->block_device, '\0', sizeof(cfg->block_device)) == NULL) {
		abort();
	}
	if (cfg->gateway[0] != '\0') {
		if (inet_pton(AF_INET, cfg->gateway, &a) != 1) {
			abort();
		}
		first = (unsigned char)(ntohl(a.s_addr) >> 24);
		if (first == 0 || first == 127 || first >= 224) {
			abort();
		}
	}
	if (cfg->block_device[0] != '\0' && (cfg->block_device[0] != '/'
			|| cfg->block_device[1] == '\0')) {
		abort();
	}
	if (memchr(cfg->seed_dir, '\0', sizeof(cfg->seed_dir)) == NULL
			|| (cfg->seed_dir[0] != '\0' && cfg->seed_dir[0] != '/')) {
		abort();
	}
	if (has_control(cfg->block_device) || has_control(cfg->seed_dir)) {
		abort();
	}
	if (cfg->policy != ENTROPY_POLICY_DEFAULT && cfg->policy != ENTROPY_POLICY_STRICT
			&& cfg->policy != ENTROPY_POLICY_JITTER) {
		abort();
	}
	if (cfg->max_packets > ENT_LIMIT_MAX_PACKETS
			|| cfg->max_seconds > ENT_LIMIT_MAX_SECONDS) {
		abort();
	}
	if ((cfg->stimulators & ~ENTROPY_STIM_ALL) != 0) {
		abort();
	}
	/* -X trust-hwrng=Q: a quality of 1..1024, or none */
	if (cfg->trust_hwrng < 0 || cfg->trust_hwrng > 1024) {
		abort();
	}
	if (ent_config_max_packets(cfg) == 0 || ent_config_max_seconds(cfg) == 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct entropy_config cfg;
	char *text, *arg, *end;
	char err[256];
	size_t errlen;
	int r;

	/* a NUL-terminated private copy, so that ASan sees every overread */
	text = malloc(size + 1);
	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	/* the first byte picks the message buffer size, so that truncation
	 * paths (errlen 0, 1, short) are exercised too */
	errlen = size > 0 ? (size_t)(data[0] % 4 == 0 ? data[0] % 3 : sizeof(err)) : sizeof(err);
	arg = text;
	end = text + size;
	for (;;) {
		memset(err, 'Z', sizeof(err));
		r = entropy_config_set(&cfg, arg, errlen > 0 ? err : NULL, errlen);
		if (r != 0 && r != -1) {
			abort();
		}
		if (r == -1 && errlen > 0) {
			if (memchr(err, '\0', errlen) == NULL) {
				abort();
			}
			if (errlen == sizeof(err) && err[0] != '-') {
				abort();	/* every message starts with the option */
			}
			if (has_control(err)) {
				abort();	/* one line, nothing for a terminal */
			}
		}
		check_config(&cfg);
		arg += strlen(arg) + 1;
		if (arg > end) {
			break;
		}
	}
	free(text);
	return 0;
}
