/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * Bad-input driver: runs the real entropy module on inputs chosen by
 * tests/bad-input/run, one table row at a time.
 *
 *   driver wait [--ready-after-ms N] [--alarm S] [--file PATH=TEXTFILE]...
 *               [--fail PATH=ERRNO]... [--identity TEXT] [-X opt]...
 *               [--real-rnd] [--real-hwrng]
 *     (--identity TEXT: the device's only identity is a SoC serial TEXT)
 *   driver save-seed [-X opt]...     (a seed as the server writes it once
 *                                     getrandom() is ready)
 *   driver icmp raw|dgram FROM HEX   (one datagram; prints accepted/invalid)
 *
 * "wait" is ent_wait() with the real kernel except: readiness is simulated
 * (getrandom() says EAGAIN until N ms have passed; the host's CRNG is long
 * seeded), there is no /dev/hwrng, the named /proc files read as the
 * given text or fail with the
 * given errno, and the kernel RNG is never written: RNDADDENTROPY and
 * /dev/urandom writes are recorded and reported, not made. --real-rnd
 * makes them real; tests/faults/run uses it only as an unprivileged user,
 * where RNDADDENTROPY fails with EPERM. --real-hwrng opens /dev/hwrng as
 * the server does; tests/faults/run uses it only in a mount namespace of
 * its own, where that name is bound to a stand-in that fails. SIGTERM raises the stop flag, as
 * in the server. It must run in
 * a network namespace of its own (the runner uses unshare -n), so that the
 * ICMP stimulator has nothing to reach. Results go to stdout as key=value
 * lines; the module's log lines go to stderr. Every run ends by itself
 * (SIGALRM raises the stop flag).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "ent_icmp.h"
#include "ent_probe.h"
#include "ent_progress.h"
#include "ent_seed.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"
#include "driver-common.h"
#include "fake-icmp.h"

#define MAX_FILES	8

struct file_sub {
	const char *path;
	char text[8192];
	int err;	/* non-zero: reading fails with this errno */
};

struct drv {
	const struct ent_ops *real;
	int64_t ready_at;	/* monotonic us; -1 never */
	struct file_sub files[MAX_FILES];
	int nfiles;
	const char *identity;
	int credited_bits;
	int credit_calls;
	size_t mixed_bytes;
	unsigned long icmp_sent;	/* echo requests the kernel took */
	int hwrng_fd;		/* -1 while /dev/hwrng is not open */
	int hwrng_read_last;	/* the last read was of /dev/hwrng */
	unsigned long hwrng_bits;	/* credited right after such a read */
};

/* The driver's state: the primitives below take no context */
static struct drv state;

static int is_ready(struct drv *d)
{
	return drv_is_ready(d->real, d->ready_at);
}

static ssize_t drv_getrandom(void *buf, size_t len, unsigned int flags)
{
	struct drv *d = &state;

	(void)flags;
	if (!is_ready(d)) {
		errno = EAGAIN;
		return -1;
	}
	/* real bytes: a seed written by save-seed must be usable */
	return d->real->getrandom(buf, len, 0);
}

/* --identity TEXT: the SoC serial reads as TEXT and nothing else that
 * ent_identity.c reads identifies the device ("" identifies none) */
static int identity_path(const char *path)
{
	static const char *const prefixes[] = {
		"/sys/devices/soc0/", "/sys/firmware/devicetree/", "/proc/device-tree/",
		"/sys/class/dmi/", "/sys/dev/block/", "/sys/block/", "/sys/class/block/",
		"/sys/class/net/",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0) {
			return 1;
		}
	}
	return 0;
}

static ssize_t fake_identity(struct drv *d, const char *path, char *buf, size_t len)
{
	size_t n = strlen(d->identity);

	if (n == 0 || strcmp(path, "/sys/devices/soc0/serial_number") != 0 || len == 0) {
		errno = ENOENT;
		return -1;
	}
	if (n > len - 1) {
		n = len - 1;
	}
	memcpy(buf, d->identity, n);
	buf[n] = '\0';
	return (ssize_t)n;
}

static ssize_t drv_read_file(const char *path, char *buf, size_t len)
{
	struct drv *d = &state;
	size_t n;
	int i;

	for (i = 0; i < d->nfiles; i++) {
		if (strcmp(d->files[i].path, path) != 0) {
			continue;
		}
		if (d->files[i].err != 0) {
			errno = d->files[i].err;
			return -1;
		}
		/* as the real read_file: at most len - 1 bytes, terminated */
		n = strlen(d->files[i].text);
		if (len == 0) {
			errno = EINVAL;
			return -1;
		}
		if (n > len - 1) {
			n = len - 1;
		}
		memcpy(buf, d->files[i].text, n);
		buf[n] = '\0';
		return (ssize_t)n;
	}
	if (strcmp(path, ENT_PATH_ENTROPY_AVAIL) == 0) {
		return snprintf(buf, len, "%d\n", is_ready(d) ? 256 : 0);
	}
	if (d->identity != NULL && identity_path(path)) {
		return fake_identity(d, path, buf, len);
	}
	return d->real->read_file(path, buf, len);
}

static int drv_rnd_count(int *bits)
{
	*bits = is_ready(&state) ? 256 : 0;
	return 0;
}

/* Never credit the real kernel: record what the module asked for */
static int drv_rnd_add(const void *buf, size_t len, unsigned int bits)
{
	struct drv *d = &state;

	(void)buf;
	if (bits == 0) {
		d->mixed_bytes += len;
		return 0;
	}
	d->credit_calls++;
	d->credited_bits += (int)bits;
	/* ent_hwrng.c credits each pool right after the read that filled it */
	if (d->hwrng_read_last) {
		d->hwrng_bits += bits;
	}
	return 0;
}

/* --real-hwrng: the host's /dev/hwrng, its reads told apart */
static int drv_open_read(const char *path)
{
	int fd = state.real->open_read(path);

	if (fd >= 0 && strcmp(path, "/dev/hwrng") == 0) {
		state.hwrng_fd = fd;
	}
	return fd;
}

static ssize_t drv_read(int fd, void *buf, size_t len)
{
	state.hwrng_read_last = fd == state.hwrng_fd;
	return state.real->read(fd, buf, len);
}

static int drv_close(int fd)
{
	if (fd == state.hwrng_fd) {
		state.hwrng_fd = -1;
	}
	return state.real->close(fd);
}

static ssize_t drv_sendto(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	ssize_t r = state.real->sendto(fd, buf, len, to);

	state.icmp_sent += r >= 0;
	return r;
}

static ssize_t drv_list_dir(const char *path, char *buf, size_t len)
{
	struct drv *d = &state;

	if (d->identity != NULL && identity_path(path)) {
		errno = ENOENT;
		return -1;
	}
	return d->real->list_dir(path, buf, len);
}

/* The host may have a hardware RNG; the rows are about other inputs, and
 * the bits a real /dev/hwrng gives would muddle the credit counts. */
static int drv_no_hwrng(const char *path)
{
	(void)path;
	errno = ENOENT;
	return -1;
}

static int add_file(struct drv *d, const char *spec, int fail)
{
	struct file_sub *f;
	const char *eq = strchr(spec, '=');
	FILE *fp;
	size_t n;

	if (eq == NULL || d->nfiles == MAX_FILES) {
		return -1;
	}
	f = &d->files[d->nfiles];
	f->path = strndup(spec, (size_t)(eq - spec));
	if (f->path == NULL) {
		return -1;
	}
	if (fail) {
		f->err = atoi(eq + 1);
		if (f->err <= 0) {
			return -1;
		}
	} else {
		fp = fopen(eq + 1, "r");
		if (fp == NULL) {
			return -1;
		}
		n = fread(f->text, 1, sizeof(f->text) - 1, fp);
		f->text[n] = '\0';
		if (fclose(fp) != 0) {
			return -1;
		}
	}
	d->nfiles++;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/* The stimulator has one echo request (id 0x1234, sequence 1) in flight
 * to 10.0.2.2; is this datagram taken as its reply? */
static int run_icmp(int argc, char **argv)
{
	struct ent_ops ops;
	struct ent_log log;
	struct ent_icmp ic;
	struct fake_icmp fk;
	struct in_addr gw;
	size_t i;
	int hi, lo;

	if (argc != 5) {
		fprintf(stderr, "usage: driver icmp raw|dgram FROM HEX\n");
		return 2;
	}
	memset(&fk, 0, sizeof(fk));
	fk.from.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[3], &fk.from.sin_addr) != 1) {
		return 2;
	}
	for (i = 0; argv[4][2 * i] != '\0' && i < sizeof(fk.dgram); i++) {
		hi = hexval(argv[4][2 * i]);
		lo = hi < 0 ? -1 : hexval(argv[4][2 * i + 1]);
		if (hi < 0 || lo < 0) {
			fprintf(stderr, "bad hex\n");
			return 2;
		}
		fk.dgram[i] = (unsigned char)(hi * 16 + lo);
	}
	fk.dlen = i;
	/* icmp dgram: the raw socket is refused, as for a user without root */
	fk.raw_refused = strcmp(argv[2], "raw") != 0;
	memset(&ops, 0, sizeof(ops));
	fake_icmp_install(&fk, &ops);
	memset(&log, 0, sizeof(log));
	log.ops = &ops;
	(void)inet_pton(AF_INET, "10.0.2.2", &gw);
	if (ent_icmp_open(&ic, &ops, &log, &gw, 1, 100) != 0) {
		return 2;
	}
	ic.id = 0x1234;		/* the id of our request */
	ic.t[0].in_flight = 1;
	ic.t[0].seq = 1;
	ent_icmp_receive(&ic, 0);
	printf("%s\n", ic.replies == 1 ? "accepted" : "invalid");
	printf("in_flight=%d invalid=%lu\n", ic.t[0].in_flight, ic.invalid);
	ent_icmp_close(&ic);
	return 0;
}

int main(int argc, char **argv)
{
	struct entropy_config cfg;
	struct ent_ops ops;
	struct ent_log prog;
	struct ent_seed none;
	char err[256];
	long ready_ms = -1, alarm_s = 5;
	int64_t t0, t1;
	int i, r, save = 0, real_rnd = 0, real_hwrng = 0;

	if (argc >= 2 && strcmp(argv[1], "icmp") == 0) {
		return run_icmp(argc, argv);
	}
	if (argc < 2 || (strcmp(argv[1], "wait") != 0 && strcmp(argv[1], "save-seed") != 0)) {
		fprintf(stderr, "usage: driver wait|save-seed|icmp ...\n");
		return 2;
	}
	save = strcmp(argv[1], "save-seed") == 0;
	memset(&cfg, 0, sizeof(cfg));
	memset(&state, 0, sizeof(state));
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--ready-after-ms") == 0 && i + 1 < argc) {
			ready_ms = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--alarm") == 0 && i + 1 < argc) {
			alarm_s = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc) {
			if (add_file(&state, argv[++i], 0) < 0) {
				fprintf(stderr, "bad --file %s\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--fail") == 0 && i + 1 < argc) {
			if (add_file(&state, argv[++i], 1) < 0) {
				fprintf(stderr, "bad --fail %s\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--real-rnd") == 0) {
			real_rnd = 1;
		} else if (strcmp(argv[i], "--real-hwrng") == 0) {
			real_hwrng = 1;
		} else if (strcmp(argv[i], "--identity") == 0 && i + 1 < argc) {
			state.identity = argv[++i];
		} else if (strcmp(argv[i], "-X") == 0 && i + 1 < argc) {
			if (entropy_config_set(&cfg, argv[++i], err, sizeof(err)) < 0) {
				/* as svr-runopts: the message, exit 1 */
				fprintf(stderr, "%s\n", err);
				return 1;
			}
		} else {
			fprintf(stderr, "driver: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	/* every run ends by itself */
	if (alarm_s <= 0 || alarm_s > 30) {
		alarm_s = 5;
	}
	state.real = ent_sys_ops();
	ops = *state.real;
	ops.getrandom = drv_getrandom;
	ops.read_file = drv_read_file;
	ops.rnd_count = drv_rnd_count;
	ops.sendto = drv_sendto;
	if (!real_rnd) {
		ops.rnd_add = drv_rnd_add;
	}
	ops.list_dir = drv_list_dir;
	state.hwrng_fd = -1;
	ops.read = drv_read;
	ops.close = drv_close;
	ops.open_read = drv_open_read;
	if (!real_hwrng) {
		ops.open_read = drv_no_hwrng;
	}
	cfg.log = drv_log_stderr;
	cfg.stop_flag = &drv_stop_flag;

	if (save) {
		state.ready_at = 0;
		memset(&none, 0, sizeof(none));
		ent_log_init(&prog, &cfg, &ops);
		r = ent_seed_save(&cfg, &ops, &prog, &none);
		printf("saved=%d\n", r == 0);
		return r == 0 ? 0 : 3;
	}

	if (drv_stop_on_signals(1) < 0) {
		return 2;
	}
	t0 = state.real->now_us();
	state.ready_at = ready_ms < 0 ? -1 : t0 + (int64_t)ready_ms * 1000;
	alarm((unsigned int)alarm_s);
	r = ent_wait(&cfg, &ops);
	t1 = state.real->now_us();
	printf("returned=%d\n", r);
	/* 0 before the simulated readiness would be serving unseeded */
	printf("early=%d\n", r == 0 && !is_ready(&state) ? 1 : 0);
	printf("elapsed_ms=%lld\n", (long long)((t1 - t0) / 1000));
	printf("credited_bits=%d credit_calls=%d mixed_bytes=%zu\n",
			state.credited_bits, state.credit_calls, state.mixed_bytes);
	printf("icmp_sent=%lu\n", state.icmp_sent);
	printf("hwrng_bits=%lu\n", state.hwrng_bits);
	printf("stopped=%d\n", drv_stop_flag ? 1 : 0);
	return 0;
}
