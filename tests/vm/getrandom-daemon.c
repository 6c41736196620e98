/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * getrandom-daemon: the rig's stand-in for a daemon that needs the kernel
 * RNG at start (ubusd, a web server making its TLS keys...). It blocks in
 * getrandom(2) with no flags, as such daemons do, and records on the
 * console and in a file when the call returned, in seconds since boot
 * (CLOCK_BOOTTIME, the clock of the kernel's own log lines). Then it
 * stays, as a daemon would, until it is killed.
 *
 * Usage: getrandom-daemon RECORD-FILE
 * Lines (console and file):
 *   rig: getrandom-daemon: blocking in getrandom() at <s> s
 *   rig: getrandom-daemon: getrandom() returned at <s> s after <s> s
 * It never reads /dev/urandom and makes exactly one getrandom() call.
 *
 * Built static for aarch64 by rig.py (aarch64-linux-gnu-gcc -static).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static double boottime(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0) {
		return -1.0;
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line to the console and appended to the record file. Neither may
 * fail silently: the rig reads both. */
static void say(const char *path, const char *line)
{
	FILE *f;

	f = fopen("/dev/console", "w");
	if (f != NULL) {
		fputs(line, f);
		fclose(f);
	}
	f = fopen(path, "a");
	if (f == NULL) {
		perror(path);
		return;
	}
	fputs(line, f);
	if (fclose(f) != 0) {
		perror(path);
	}
}

int main(int argc, char **argv)
{
	unsigned char buf[32];
	char line[160];
	double t0, t1;
	ssize_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: getrandom-daemon RECORD-FILE\n");
		return 2;
	}
	t0 = boottime();
	snprintf(line, sizeof(line),
			"rig: getrandom-daemon: blocking in getrandom() at %.2f s\n", t0);
	say(argv[1], line);
	do {
		n = getrandom(buf, sizeof(buf), 0);
	} while (n < 0 && errno == EINTR);
	t1 = boottime();
	memset(buf, 0, sizeof(buf));
	if (n != (ssize_t)sizeof(buf)) {
		snprintf(line, sizeof(line), "rig: getrandom-daemon: getrandom() failed: %s\n",
				n < 0 ? strerror(errno) : "short read");
		say(argv[1], line);
		return 1;
	}
	snprintf(line, sizeof(line),
			"rig: getrandom-daemon: getrandom() returned at %.2f s after %.2f s\n",
			t1, t1 - t0);
	say(argv[1], line);
	/* A daemon stays; the rig's qemu ends it. */
	for (;;) {
		pause();
	}
}
