/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: the "-X key[=value]" options.
 *
 * Every malformed value gets one line that names the option and the
 * accepted form; the caller prints it and exits non-zero. Only an unknown
 * key is echoed, escaped (echo_safe), so the message stays that one line.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "ent_config.h"
#include "ent_internal.h"
#include "ent_text.h"
#include "entropy.h"

#define FORM_KEYS	"off, stim=, gateway=, blockdev=, kmsg, max-packets=, max-seconds=, " \
			"policy=, seed-dir=, trust-cpu, trust-hwrng="
#define FORM_PATH	" (an absolute path, at most 127 bytes, no control characters)"

/* Not variadic: on aarch64 each variadic function spills every
 * argument register, 100 bytes a function */
static int fail(char *err, size_t errlen, const char *fmt, const char *a, const char *b,
		const char *c)
{
	if (err != NULL && errlen > 0) {
		(void)snprintf(err, errlen, fmt, a, b, c);
	}
	return -1;
}

/* The sources an option can need, 7 bytes each (no pointer table: each
 * pointer would be 8 bytes and a relocation); bit i of BUILT_SRC set
 * when source i is in this build */
static const char src_name[][7] = { "", "block", "seed", "jitter", "hwrng", "cpurng" };
#define BUILT_SRC	(1u | ENT_WITH_BLOCK << 1 | ENT_WITH_SEED << 2 | ENT_WITH_JITTER << 3 \
			| ENT_WITH_HWRNG << 4 | ENT_WITH_CPURNG << 5)

/* An option of a source this build left out is refused, not ignored: a
 * configuration written for a full build must not lose its meaning
 * silently on a small one. */
static int not_built(char *err, size_t errlen, const char *opt, unsigned int src)
{
	return fail(err, errlen, "-X %s: not in this build (built without the %s source: "
			"configure --with-entropy-sources)", opt, src_name[src], NULL);
}

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

/* Strict dotted quad, unicast only. inet_pton() (linked already for
 * upstream's addresses) takes exactly four decimal parts 0-255 and, in
 * musl and glibc alike, refuses the leading zeros that inet_aton would
 * read as octal. */
static int parse_ipv4(const char *s)
{
	struct in_addr a;
	unsigned int first;

	if (inet_pton(AF_INET, s, &a) != 1) {
		return -1;
	}
	first = ntohl(a.s_addr) >> 24;
	/* 0.x.x.x, multicast, reserved and broadcast are no gateway; loopback
	 * raises no device interrupt, so it would only burn CPU */
	if (first == 0 || first == 127 || first >= 224) {
		return -1;
	}
	return 0;
}

/* Each value of a list key: bit i of the mask is word i */
static const char stim_word[][10] = { "collector", "icmp", "block" };
static const char policy_word[][10] = { "default", "strict", "jitter" };
/* Compiles only while those orders hold */
typedef char words_match_values[ENTROPY_STIM_BLOCK == 1u << 2 && ENTROPY_STIM_ICMP == 1u << 1
	&& ENTROPY_POLICY_STRICT == 1 && ENTROPY_POLICY_JITTER == 2 ? 1 : -1];

/* The index of the word of words[] that s (len bytes) is, -1 for none */
static int word(const char (*words)[10], int n, const char *s, size_t len)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strlen(words[i]) == len && strncmp(s, words[i], len) == 0) {
			return i;
		}
	}
	return -1;
}

/* 0, -1 for a malformed list, -2 when it names block in a build without
 * the block source */
static int parse_stim(const char *list, unsigned int *mask)
{
	const char *p = list;
	const char *comma;
	size_t len;
	unsigned int m = 0;
	int i;

	if (strcmp(list, "none") == 0) {
		*mask = 0;
		return 0;
	}
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		i = word(stim_word, 3, p, len);
		if (i < 0) {
			return -1;
		}
		if (i == 2 && !ENT_WITH_BLOCK) {
			return -2;
		}
		m |= 1u << i;	/* ENTROPY_STIM_COLLECTOR, _ICMP, _BLOCK */
		if (comma == NULL) {
			break;
		}
		p = comma + 1;
	}
	*mask = m;
	return 0;
}

enum { K_FLAG, K_ULONG, K_QUALITY, K_PATH, K_GATEWAY, K_STIM, K_POLICY };

/* Each key and then the accepted form its messages name ("" for a flag:
 * its name), in the order of opts[] */
static const char keys[] =
	"off\0\0"
	"kmsg\0\0"
	"stim\0stim=collector,icmp,block (a comma list) or stim=none\0"
	"gateway\0gateway=A.B.C.D (a unicast IPv4 address, not loopback)\0"
	"blockdev\0blockdev=/dev/NAME" FORM_PATH "\0"
	"max-packets\0max-packets=N (N from 1 to 10000000)\0"
	"max-seconds\0max-seconds=N (N from 1 to 86400)\0"
	"policy\0policy=strict|default|jitter\0"
	"seed-dir\0seed-dir=/PATH" FORM_PATH "\0"
	"trust-cpu\0\0"
	"trust-hwrng\0trust-hwrng=Q (Q from 1 to 1024: bits credited per 1024 read)";

/* How each key's value is read, the source it needs (an index of
 * src_name[]) and its field */
static const struct opt {
	unsigned char kind;
	unsigned char src;
	unsigned short off;
	unsigned int max;	/* K_ULONG, K_QUALITY: values 1 to max */
} opts[] = {
	{ K_FLAG, 0, offsetof(struct entropy_config, disabled), 0 },
	{ K_FLAG, 0, offsetof(struct entropy_config, log_kmsg), 0 },
	{ K_STIM, 0, 0, 0 },
	{ K_GATEWAY, 0, offsetof(struct entropy_config, gateway), 0 },
	{ K_PATH, 1, offsetof(struct entropy_config, block_device), 0 },
	{ K_ULONG, 0, offsetof(struct entropy_config, max_packets), ENT_LIMIT_MAX_PACKETS },
	{ K_ULONG, 0, offsetof(struct entropy_config, max_seconds), ENT_LIMIT_MAX_SECONDS },
	{ K_POLICY, 0, offsetof(struct entropy_config, policy), 0 },
	{ K_PATH, 2, offsetof(struct entropy_config, seed_dir), 0 },
	{ K_FLAG, 5, offsetof(struct entropy_config, trust_cpu), 0 },
	/* No default: the quality is the administrator's statement */
	{ K_QUALITY, 4, offsetof(struct entropy_config, trust_hwrng), 1024 },
};

int entropy_config_set(struct entropy_config *cfg, const char *arg,
		char *err, size_t errlen)
{
	const struct opt *o;
	const char *eq, *val, *name = keys, *form, *what = "bad value";
	char *field;
	size_t klen;
	unsigned long n;
	unsigned int mask;
	int r;
	char shown[ENT_ECHO_MAX + 1];

	if (err != NULL && errlen > 0) {
		err[0] = '\0';
	}
	if (arg == NULL || *arg == '\0') {
		return fail(err, errlen, "-X needs a value, expected one of %s", FORM_KEYS, NULL, NULL);
	}
	eq = strchr(arg, '=');
	klen = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	val = eq != NULL ? eq + 1 : NULL;
	for (o = opts;; o++) {
		form = name + strlen(name) + 1;
		if (strlen(name) == klen && strncmp(arg, name, klen) == 0) {
			break;
		}
		if (o == opts + sizeof(opts) / sizeof(opts[0]) - 1) {
			return fail(err, errlen, "-X: unknown option \"%s\", expected one of %s",
					echo_safe(shown, arg), FORM_KEYS, NULL);
		}
		name = form + strlen(form) + 1;
	}
	if (!(BUILT_SRC >> o->src & 1)) {
		return not_built(err, errlen, name, o->src);
	}
	field = (char *)cfg + o->off;
	switch (o->kind) {
	case K_FLAG:
		if (val == NULL) {
			*(int *)field = 1;
			return 0;
		}
		what = "takes no value";
		break;
	case K_QUALITY:
		if (val == NULL) {
			what = "needs a quality";
			break;
		}
		/* fall through */
	case K_ULONG:
		/* Strict decimal: digits only, no sign, no spaces, 1 to max */
		if (val != NULL && ent_parse_dec(&val, o->max, &n) == 0 && *val == '\0' && n >= 1) {
			if (o->kind == K_ULONG) {
				*(unsigned long *)field = n;
			} else {
				*(int *)field = (int)n;
			}
			return 0;
		}
		break;
	case K_PATH:
	case K_GATEWAY:
		if (o->kind == K_PATH ? parse_path(val) == 0 : val != NULL
				&& strlen(val) < ENTROPY_GATEWAY_MAX && parse_ipv4(val) == 0) {
			memcpy(field, val, strlen(val) + 1);
			return 0;
		}
		break;
	case K_STIM:
		r = val != NULL ? parse_stim(val, &mask) : -1;
		if (r == -2) {
			return not_built(err, errlen, "stim=block", 1);
		}
		if (r == 0) {
			cfg->stimulators = mask;
			cfg->stimulators_set = 1;
			return 0;
		}
		break;
	default:	/* K_POLICY: ENTROPY_POLICY_DEFAULT, _STRICT, _JITTER */
		r = val != NULL ? word(policy_word, 3, val, strlen(val)) : -1;
		if (r == ENTROPY_POLICY_JITTER && !ENT_WITH_JITTER) {
			return not_built(err, errlen, "policy=jitter", 3);
		}
		if (r >= 0) {
			*(int *)field = r;
			return 0;
		}
		break;
	}
	return fail(err, errlen, "-X %s: %s, expected %s", name, what, *form != '\0' ? form : name);
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
