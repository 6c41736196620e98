/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: the "-X key[=value]" options.
 *
 * Every malformed value gets one line that names the option and the
 * accepted form; the caller prints it and exits non-zero. Only an unknown
 * key is echoed, escaped (echo_safe), so the message stays that one line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent_config.h"
#include "ent_internal.h"
#include "entropy.h"

#define FORM_STIM	"stim=collector,icmp,block (any of them, comma separated) or stim=none"
#define FORM_GATEWAY	"gateway=A.B.C.D (a unicast IPv4 address, not loopback)"
#define FORM_BLOCKDEV	"blockdev=/dev/NAME (an absolute path, at most 127 bytes, no control characters)"
#define FORM_PACKETS	"max-packets=N (N from 1 to 10000000)"
#define FORM_SECONDS	"max-seconds=N (N from 1 to 86400)"
#define FORM_POLICY	"policy=strict|default|jitter"
#define FORM_HWRNG	"trust-hwrng=Q (Q from 1 to 1024: bits credited per 1024 bits read, as rng_core's quality)"
#define FORM_SEEDDIR	"seed-dir=/PATH (an absolute path, at most 127 bytes, no control characters)"
#define FORM_KEYS	"off, stim=, gateway=, blockdev=, kmsg, max-packets=, max-seconds=, " \
			"policy=, seed-dir=, trust-cpu, trust-hwrng="

static int fail(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err != NULL && errlen > 0) {
		(void)snprintf(err, errlen, fmt, a, b);
	}
	return -1;
}

/* An option of a source this build left out is refused, not ignored: a
 * configuration written for a full build must not lose its meaning
 * silently on a small one. */
#define NOT_BUILT(opt, source) fail(err, errlen, "-X %s: not in this build (built without " \
		"the %s source: configure --with-entropy-sources)", opt, source)

/* What the user typed, fit to be echoed in the one-line message: at most
 * ENT_ECHO_MAX characters of it (the caller's buffer holds the whole
 * message), every byte that is not printable ASCII (newline, escape, DEL,
 * anything above 0x7e) and the backslash written as \xNN, so that the
 * message stays one line and cannot drive a terminal. */
#define ENT_ECHO_MAX	40
static const char *echo_safe(char out[ENT_ECHO_MAX + 1], const char *in)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; in[i] != '\0'; i++) {
		c = (unsigned char)in[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 > ENT_ECHO_MAX) {
				break;
			}
			out[o++] = (char)c;
		} else {
			if (o + 4 > ENT_ECHO_MAX) {
				break;
			}
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0x0f];
		}
	}
	out[o] = '\0';
	return out;
}

/* A path we keep: absolute, not "/" alone, fits ENTROPY_PATH_MAX, and no
 * control character (a newline in it would split every log line that
 * names the path later, an escape would drive the reader's terminal) */
static int parse_path(const char *s)
{
	size_t i;

	if (s == NULL || s[0] != '/' || s[1] == '\0' || strlen(s) >= ENTROPY_PATH_MAX) {
		return -1;
	}
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f) {
			return -1;
		}
	}
	return 0;
}

/* Strict decimal: digits only, no sign, no spaces, within [lo, hi] */
static int parse_ulong(const char *s, unsigned long lo, unsigned long hi,
		unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9') {
		return -1;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi) {
		return -1;
	}
	*out = v;
	return 0;
}

/* Strict dotted quad: four decimal parts 0-255, no leading zeros that
 * inet_aton would read as octal, unicast only. */
static int parse_ipv4(const char *s)
{
	unsigned int part[4];
	int i, digits;
	unsigned int v;

	for (i = 0; i < 4; i++) {
		v = 0;
		digits = 0;
		while (*s >= '0' && *s <= '9') {
			if (digits > 0 && v == 0) {
				return -1;	/* leading zero */
			}
			v = v * 10 + (unsigned int)(*s - '0');
			digits++;
			s++;
			if (digits > 3 || v > 255) {
				return -1;
			}
		}
		if (digits == 0) {
			return -1;
		}
		part[i] = v;
		if (i < 3) {
			if (*s != '.') {
				return -1;
			}
			s++;
		}
	}
	if (*s != '\0') {
		return -1;
	}
	/* 0.x.x.x, multicast, reserved and broadcast are no gateway; loopback
	 * raises no device interrupt, so it would only burn CPU */
	if (part[0] == 0 || part[0] == 127 || part[0] >= 224) {
		return -1;
	}
	return 0;
}

/* 0, -1 for a malformed list, -2 when it names block in a build without
 * the block source */
static int parse_stim(const char *list, unsigned int *mask)
{
	const char *p = list;
	const char *comma;
	size_t len;
	unsigned int m = 0;

	if (strcmp(list, "none") == 0) {
		*mask = 0;
		return 0;
	}
	if (*p == '\0') {
		return -1;
	}
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 9 && strncmp(p, "collector", 9) == 0) {
			m |= ENTROPY_STIM_COLLECTOR;
		} else if (len == 4 && strncmp(p, "icmp", 4) == 0) {
			m |= ENTROPY_STIM_ICMP;
		} else if (len == 5 && strncmp(p, "block", 5) == 0) {
			if (!ENT_WITH_BLOCK) {
				return -2;
			}
			m |= ENTROPY_STIM_BLOCK;
		} else {
			return -1;
		}
		if (comma == NULL) {
			break;
		}
		p = comma + 1;
	}
	*mask = m;
	return 0;
}

int entropy_config_set(struct entropy_config *cfg, const char *arg,
		char *err, size_t errlen)
{
	const char *eq;
	const char *val;
	size_t klen;
	unsigned long n;
	unsigned int mask;
	int r;
	char shown[ENT_ECHO_MAX + 1];

	if (err != NULL && errlen > 0) {
		err[0] = '\0';
	}
	if (arg == NULL || *arg == '\0') {
		return fail(err, errlen, "-X needs a value, expected one of %s%s", FORM_KEYS, "");
	}
	eq = strchr(arg, '=');
	klen = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	val = eq != NULL ? eq + 1 : NULL;

#define KEY(name) (klen == sizeof(name) - 1 && strncmp(arg, name, klen) == 0)
	if (KEY("off")) {
		if (val != NULL) {
			return fail(err, errlen, "-X off: takes no value, expected %s%s", "off", "");
		}
		cfg->disabled = 1;
		return 0;
	}
	if (KEY("kmsg")) {
		if (val != NULL) {
			return fail(err, errlen, "-X kmsg: takes no value, expected %s%s", "kmsg", "");
		}
		cfg->log_kmsg = 1;
		return 0;
	}
	if (KEY("stim")) {
		r = val != NULL ? parse_stim(val, &mask) : -1;
		if (r == -2) {
			return NOT_BUILT("stim=block", "block");
		}
		if (r < 0) {
			return fail(err, errlen, "-X stim: bad value, expected %s%s", FORM_STIM, "");
		}
		cfg->stimulators = mask;
		cfg->stimulators_set = 1;
		return 0;
	}
	if (KEY("gateway")) {
		if (val == NULL || strlen(val) >= ENTROPY_GATEWAY_MAX || parse_ipv4(val) < 0) {
			return fail(err, errlen, "-X gateway: bad value, expected %s%s", FORM_GATEWAY, "");
		}
		memcpy(cfg->gateway, val, strlen(val) + 1);
		return 0;
	}
	if (KEY("blockdev")) {
		if (!ENT_WITH_BLOCK) {
			return NOT_BUILT("blockdev", "block");
		}
		if (parse_path(val) < 0) {
			return fail(err, errlen, "-X blockdev: bad value, expected %s%s", FORM_BLOCKDEV, "");
		}
		memcpy(cfg->block_device, val, strlen(val) + 1);
		return 0;
	}
	if (KEY("max-packets")) {
		if (val == NULL || parse_ulong(val, 1, ENT_LIMIT_MAX_PACKETS, &n) < 0) {
			return fail(err, errlen, "-X max-packets: bad value, expected %s%s", FORM_PACKETS, "");
		}
		cfg->max_packets = n;
		return 0;
	}
	if (KEY("max-seconds")) {
		if (val == NULL || parse_ulong(val, 1, ENT_LIMIT_MAX_SECONDS, &n) < 0) {
			return fail(err, errlen, "-X max-seconds: bad value, expected %s%s", FORM_SECONDS, "");
		}
		cfg->max_seconds = n;
		return 0;
	}
	if (KEY("trust-cpu")) {
		if (!ENT_WITH_CPURNG) {
			return NOT_BUILT("trust-cpu", "cpurng");
		}
		if (val != NULL) {
			return fail(err, errlen, "-X trust-cpu: takes no value, expected %s%s",
					"trust-cpu", "");
		}
		cfg->trust_cpu = 1;
		return 0;
	}
	if (KEY("trust-hwrng")) {
		if (!ENT_WITH_HWRNG) {
			return NOT_BUILT("trust-hwrng", "hwrng");
		}
		/* No default: the quality is the administrator's statement */
		if (val == NULL) {
			return fail(err, errlen, "-X trust-hwrng: needs a quality, expected %s%s",
					FORM_HWRNG, "");
		}
		if (parse_ulong(val, 1, 1024, &n) < 0) {
			return fail(err, errlen, "-X trust-hwrng: bad value, expected %s%s",
					FORM_HWRNG, "");
		}
		cfg->trust_hwrng = (int)n;
		return 0;
	}
	if (KEY("policy")) {
		if (val != NULL && strcmp(val, "strict") == 0) {
			cfg->policy = ENTROPY_POLICY_STRICT;
		} else if (val != NULL && strcmp(val, "default") == 0) {
			cfg->policy = ENTROPY_POLICY_DEFAULT;
		} else if (val != NULL && strcmp(val, "jitter") == 0) {
			if (!ENT_WITH_JITTER) {
				return NOT_BUILT("policy=jitter", "jitter");
			}
			cfg->policy = ENTROPY_POLICY_JITTER;
		} else {
			return fail(err, errlen, "-X policy: bad value, expected %s%s", FORM_POLICY, "");
		}
		return 0;
	}
	if (KEY("seed-dir")) {
		if (!ENT_WITH_SEED) {
			return NOT_BUILT("seed-dir", "seed");
		}
		if (parse_path(val) < 0) {
			return fail(err, errlen, "-X seed-dir: bad value, expected %s%s", FORM_SEEDDIR, "");
		}
		memcpy(cfg->seed_dir, val, strlen(val) + 1);
		return 0;
	}
#undef KEY
	return fail(err, errlen, "-X: unknown option \"%s\", expected one of %s",
			echo_safe(shown, arg), FORM_KEYS);
}

/* Only what this build can do */
#if ENT_WITH_BLOCK
#define USAGE_STIM	"		stim=collector,icmp,block|none (default all)\n" \
			"		gateway=A.B.C.D (default: IPv4 default routes)\n" \
			"		blockdev=/dev/NAME (default: device behind /)\n"
#else
#define USAGE_STIM	"		stim=collector,icmp|none (default both)\n" \
			"		gateway=A.B.C.D (default: IPv4 default routes)\n"
#endif
#if ENT_WITH_SEED && ENT_WITH_JITTER
#define USAGE_POLICY	"		policy=strict|default|jitter: credit nothing / a checked\n" \
			"		  seed file / that and CPU jitter by the kernel's rule\n"
#elif ENT_WITH_JITTER
#define USAGE_POLICY	"		policy=strict|default|jitter (see dropbear-entropy(8))\n"
#else
#define USAGE_POLICY	"		policy=strict|default (see dropbear-entropy(8))\n"
#endif
#if ENT_WITH_SEED
#define USAGE_SEED	"		seed-dir=/PATH (default " ENTROPY_SEED_DIR ")\n"
#else
#define USAGE_SEED	""
#endif
#if ENT_WITH_CPURNG
#define USAGE_CPU	"		trust-cpu: credit RDSEED/RDRAND or RNDR output\n"
#else
#define USAGE_CPU	""
#endif
#if ENT_WITH_HWRNG
#define USAGE_HWRNG	"		trust-hwrng=Q: credit /dev/hwrng at Q bits per 1024 read\n"
#else
#define USAGE_HWRNG	""
#endif

const char *entropy_config_usage(void)
{
	return "-X key[=value] Kernel entropy wait (repeatable):\n"
		"		off: wait as upstream does, no stimulation\n"
		USAGE_STIM
		"		kmsg: copy progress lines to /dev/kmsg\n"
		"		max-packets=N (ICMP bound per boot, default 65536)\n"
		"		max-seconds=N (stimulation bound per boot, default 60)\n"
		USAGE_POLICY
		USAGE_SEED
		USAGE_CPU
		USAGE_HWRNG;
}

unsigned int ent_config_stimulators(const struct entropy_config *cfg)
{
	unsigned int built = ENTROPY_STIM_COLLECTOR | ENTROPY_STIM_ICMP
		| (ENT_WITH_BLOCK ? ENTROPY_STIM_BLOCK : 0);

	if (!cfg->stimulators_set && cfg->stimulators == 0) {
		return built;
	}
	return cfg->stimulators & built;
}

unsigned long ent_config_max_packets(const struct entropy_config *cfg)
{
	return cfg->max_packets != 0 ? cfg->max_packets : ENT_DEFAULT_MAX_PACKETS;
}

unsigned long ent_config_max_seconds(const struct entropy_config *cfg)
{
	return cfg->max_seconds != 0 ? cfg->max_seconds : ENT_DEFAULT_MAX_SECONDS;
}

const char *ent_config_seed_dir(const struct entropy_config *cfg)
{
	return cfg->seed_dir[0] != '\0' ? cfg->seed_dir : ENTROPY_SEED_DIR;
}
