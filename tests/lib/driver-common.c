/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* Shared parts of the C test drivers: see driver-common.h. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "driver-common.h"

volatile int drv_stop_flag;
static int log_timestamps;

void drv_log_timestamps(int on)
{
	log_timestamps = on;
}

void drv_log_stderr(int priority, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (log_timestamps && clock_gettime(CLOCK_REALTIME, &ts) == 0) {
		fprintf(stderr, "[%.6f] ", (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
	}
	fprintf(stderr, "<%d> ", priority);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void on_stop_signal(int sig)
{
	(void)sig;
	drv_stop_flag = 1;
}

int drv_stop_on_signals(int also_term)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0
			|| (also_term && sigaction(SIGTERM, &sa, NULL) < 0)) {
		perror("sigaction");
		return -1;
	}
	return 0;
}

int drv_is_ready(const struct ent_ops *real, int64_t ready_at)
{
	return ready_at >= 0 && real->now_us() >= ready_at;
}
