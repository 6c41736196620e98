/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the log and progress lines (ent_progress.c) */
#ifndef DROPBEAR_ENT_PROGRESS_H
#define DROPBEAR_ENT_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include "entropy.h"
#include "ent_sys.h"

/* ---- log and progress lines (ent_progress.c) ---- */
/* The module's log: the caller's function and, with -X kmsg, a copy to
 * /dev/kmsg */
struct ent_log {
	void (*fn)(int priority, const char *format, ...);
	const struct ent_ops *ops;
	int kmsg;		/* copying to /dev/kmsg */
	const char *tag;	/* the kernel log's name for us */
};
void ent_log_init(struct ent_log *l, const struct entropy_config *cfg, const struct ent_ops *ops);
/* One line to the log (and /dev/kmsg), "entropy: " put before it */
void ent_log(struct ent_log *l, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The progress lines of a wait, written to log */
struct ent_progress {
	struct ent_log *log;
	int64_t t_last_line;
	int64_t t_rate;		/* start of the current rate window */
	int bits_rate;		/* bits at t_rate */
	double rate;		/* bits per second, smoothed; < 0 unknown */
	int bits_needed;
	int64_t interval_us;	/* between progress lines, 1 s at first */
};
void ent_progress_init(struct ent_progress *p, struct ent_log *log, int bits_needed,
		int64_t now);
/* Formats "112/256 bits, 57 bits/s, ETA 3 s"; returns snprintf's value */
int ent_progress_format(char *buf, size_t len, int bits, int needed, double rate);
/* Writes a progress line when at least a second has passed since the last
 * one; returns 1 when it wrote. */
int ent_progress_tick(struct ent_progress *p, int64_t now, int bits,
		const char *running);

/* A line being built from the parts each runner describes
 * (ent_progress.c): what fits stays, nothing is appended after a cut part */
struct ent_text {
	char *buf;
	size_t len, used;
	int full;
};
/* More of the current part */
void ent_text_add(struct ent_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A new part of the line, after ", " when there is one already: the
 * format (a string literal) marked with ENT_TEXT_NEW, so that one
 * function serves both */
#define ENT_TEXT_NEW	"\001"
#define ent_text_part(t, ...)	ent_text_add((t), ENT_TEXT_NEW __VA_ARGS__)

#endif /* DROPBEAR_ENT_PROGRESS_H */
