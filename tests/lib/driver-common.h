/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * What the C test drivers (tests/bad-input, tests/netns, tests/seedfile)
 * share when they run the real entropy module outside a server: its log
 * on stderr, a stop flag raised by a signal, and a readiness that the
 * driver decides (the machine's real kernel is seeded already).
 */
#ifndef DBE_DRIVER_COMMON_H
#define DBE_DRIVER_COMMON_H

#include <stdint.h>

#include "ent_sys.h"

/* The module's log: "<priority> text" per line on stderr, prefixed with
 * the wall-clock time "[seconds.micro] " after drv_log_timestamps(1) */
void drv_log_stderr(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void drv_log_timestamps(int on);

/* The flag for entropy_config.stop_flag; SIGALRM, and SIGTERM too when
 * also_term is set, raise it. Returns 0, or -1 after perror(). */
extern volatile int drv_stop_flag;
int drv_stop_on_signals(int also_term);

/* Ready once the monotonic clock of real reaches ready_at (us); never when
 * ready_at is negative */
int drv_is_ready(const struct ent_ops *real, int64_t ready_at);

#endif /* DBE_DRIVER_COMMON_H */
