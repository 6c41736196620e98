/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: what the operator reads while the server waits.
 *
 * One line at the start (cause, RNG generation, plan), at most one line a
 * second while waiting (bits credited of bits needed, rate, ETA, what
 * runs, built from each runner's part with ent_text_part()) and one final
 * line. Lines go to the caller's log function and,
 * when asked, to /dev/kmsg so that they sit beside "crng init done".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ent_progress.h"
#include "ent_internal.h"
#include "ent_sys.h"
#include "entropy.h"

#define ENT_LINE_US 1000000
#define ENT_LOG_PREFIX "entropy: "

void ent_log_init(struct ent_log *l, const struct entropy_config *cfg, const struct ent_ops *ops)
{
	l->fn = cfg->log;
	l->ops = ops;
	l->kmsg = cfg->log_kmsg;
	/* Only the companion program sets cfg->program */
	l->tag = cfg->program != NULL ? "dropbear-entropy" : "dropbear";
}

void ent_progress_init(struct ent_progress *p, struct ent_log *log, int bits_needed,
		int64_t now)
{
	memset(p, 0, sizeof(*p));
	p->log = log;
	p->t_last_line = now;
	p->t_rate = now;
	p->bits_rate = -1;
	p->rate = -1.0;
	p->bits_needed = bits_needed;
	p->interval_us = ENT_LINE_US;
}

void ent_log(struct ent_log *l, int priority, const char *fmt, ...)
{
	char line[ENT_LINE_MAX];
	char kline[ENT_LINE_MAX + 32];
	va_list ap;
	int n;

	/* Every line of the module says whose it is */
	memcpy(line, ENT_LOG_PREFIX, sizeof(ENT_LOG_PREFIX) - 1);
	va_start(ap, fmt);
	n = vsnprintf(line + sizeof(ENT_LOG_PREFIX) - 1, sizeof(line) - (sizeof(ENT_LOG_PREFIX) - 1),
			fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	/* A truncated line is still worth printing */
	if (l->fn != NULL) {
		l->fn(priority, "%s", line);
	}
	if (l->kmsg) {
		/* "<N>" sets the level */
		n = snprintf(kline, sizeof(kline), "<%d>%s[%ld]: %s\n", priority & 7,
				l->tag != NULL ? l->tag : "dropbear", (long)getpid(), line);
		if (n > 0) {
			size_t len = (size_t)n < sizeof(kline) ? (size_t)n : sizeof(kline) - 1;

			if (l->ops->kmsg_write(kline, len) < 0) {
				/* The kernel log is a copy; the main log has the line */
				l->kmsg = 0;
				ent_log(l, LOG_WARNING, "cannot write to /dev/kmsg: %s; "
						"logging without it", strerror(errno));
			}
		}
	}
}

int ent_progress_format(char *buf, size_t len, int bits, int needed, double rate)
{
	double eta;

	if (bits >= needed) {
		return snprintf(buf, len, "%d/%d bits, ETA now", bits, needed);
	}
	if (rate < 0.0) {
		return snprintf(buf, len, "%d/%d bits, rate not yet measured", bits, needed);
	}
	if (rate < 0.05) {
		return snprintf(buf, len, "%d/%d bits, 0 bits/s, ETA unknown", bits, needed);
	}
	eta = (double)(needed - bits) / rate;
	if (eta > 86400.0) {
		return snprintf(buf, len, "%d/%d bits, %.1f bits/s, ETA over a day",
				bits, needed, rate);
	}
	/* Rounded up: the ETA promises no earlier than the rate allows */
	return snprintf(buf, len, "%d/%d bits, %.1f bits/s, ETA %ld s",
			bits, needed, rate, (long)(eta + 0.999));
}

int ent_progress_tick(struct ent_progress *p, int64_t now, int bits,
		const char *running)
{
	char text[128];
	double secs, fresh;

	if (p->bits_rate < 0) {
		/* First sample starts the first rate window */
		p->bits_rate = bits;
		p->t_rate = now;
	}
	if (now - p->t_last_line < p->interval_us) {
		return 0;
	}
	secs = (double)(now - p->t_rate) / 1e6;
	if (secs > 0.0) {
		fresh = (double)(bits - p->bits_rate) / secs;
		if (fresh < 0.0) {
			/* Old kernels can move bits out of the input pool */
			fresh = 0.0;
		}
		/* Light smoothing: the rate jumps when a stimulator starts/stops */
		p->rate = p->rate < 0.0 ? fresh : (p->rate + fresh) / 2.0;
	}
	p->bits_rate = bits;
	p->t_rate = now;
	(void)ent_progress_format(text, sizeof(text), bits, p->bits_needed, p->rate);
	ent_log(p->log, LOG_INFO, "%s; running: %s", text, running);
	p->t_last_line = now;
	return 1;
}

void ent_text_add(struct ent_text *t, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (t->full) {
		return;
	}
	if (fmt[0] == ENT_TEXT_NEW[0]) {
		fmt++;
		if (t->used > 0) {
			if (t->len - t->used <= 2) {
				t->full = 1;
				return;
			}
			t->buf[t->used++] = ',';
			t->buf[t->used++] = ' ';
			t->buf[t->used] = '\0';
		}
	}
	va_start(ap, fmt);
	r = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= t->len - t->used) {
		/* What fits stays; nothing is appended after a cut part */
		t->full = 1;
		return;
	}
	t->used += (size_t)r;
}
