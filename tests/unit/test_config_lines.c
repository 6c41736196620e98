/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Unit tests of the -X error messages (ent_config.c): whatever the user
 * typed, the message is one line without control characters, and paths
 * that are logged later hold none either. Called from test_entropy.c.
 */
#include <stdio.h>
#include <string.h>

#include "entropy.h"
#include "sim.h"

static int *np, *nf;

#define CHECK(cond, ...) CHECK_COUNT((*np), (*nf), cond, __VA_ARGS__)

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

/* -X arg must be refused with a message holding want */
static void refused(const char *arg, const char *want, const char *what)
{
	struct entropy_config cfg;
	char err[200];	/* as svr-runopts.c */
	int r;

	memset(&cfg, 0, sizeof(cfg));
	r = entropy_config_set(&cfg, arg, err, sizeof(err));
	CHECK(r == -1 && !has_control(err) && strstr(err, want) != NULL,
			"%s: refused, one line with \"%s\" (%d)", what, want, r);
}

void test_config_lines(int *passed, int *failed)
{
	struct entropy_config cfg;
	char err[200], key[64];
	int r;

	np = passed;
	nf = failed;

	refused("bo\ngus", "unknown option \"bo\\x0agus\", expected", "newline in a key");
	refused("\x1b[31mred", "unknown option \"\\x1b[31mred\"", "escape sequence in a key");
	refused("a\\b\x7f", "unknown option \"a\\x5cb\\x7f\"", "backslash and DEL in a key");
	refused("caf\xc3\xa9", "unknown option \"caf\\xc3\\xa9\"", "UTF-8 in a key");
	refused("x=\r\n", "unknown option \"x=\\x0d\\x0a\"", "CR LF in a value of an unknown key");

	/* at most 40 characters echoed, an escape is never cut in half */
	memset(key, 'a', 39);
	key[39] = '\n';
	key[40] = 'b';
	key[41] = '\0';
	refused(key, "unknown option \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", expected",
			"40 characters at most, no half escape");
	memset(key, '\n', 50);
	key[50] = '\0';
	refused(key, "unknown option \"\\x0a\\x0a\\x0a\\x0a\\x0a\\x0a\\x0a\\x0a\\x0a\\x0a\", expected",
			"ten escapes fill the 40");

	refused("seed-dir=/var/lib/x\ny", "-X seed-dir: bad value", "newline in seed-dir");
	refused("seed-dir=/var/lib/\x1b]0;x\x07", "-X seed-dir: bad value", "OSC sequence in seed-dir");
	refused("blockdev=/dev/vd\ta", "-X blockdev: bad value", "tab in blockdev");
	refused("blockdev=/dev/vda\x7f", "-X blockdev: bad value", "DEL in blockdev");
	refused("gateway=10.0.2.2\n", "-X gateway: bad value", "newline after a gateway");

	/* a path with bytes above 0x7e is a path: kept as given */
	memset(&cfg, 0, sizeof(cfg));
	r = entropy_config_set(&cfg, "seed-dir=/var/lib/caf\xc3\xa9", err, sizeof(err));
	CHECK(r == 0 && strcmp(cfg.seed_dir, "/var/lib/caf\xc3\xa9") == 0, "UTF-8 seed-dir accepted");
	r = entropy_config_set(&cfg, "blockdev=/dev/disk/by-label/r\xc3\xa9", err, sizeof(err));
	CHECK(r == 0 && strcmp(cfg.block_device, "/dev/disk/by-label/r\xc3\xa9") == 0,
			"UTF-8 blockdev accepted");
}
