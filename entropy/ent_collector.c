/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: wake the kernel's own jitter collector.
 *
 * Since 5.4 the kernel generates entropy from CPU timing jitter, but only
 * while somebody sleeps in a blocking getrandom() (or reads /dev/random).
 * Without threads, the module forks a child that makes exactly that call and
 * exits when it returns. The parent watches a pipe: its write end lives only
 * in the child, so it hangs up the moment the child is done, which is also
 * the moment the CRNG became ready. On kernels without the collector the
 * child simply sleeps; it costs no CPU.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "ent_collector.h"
#include "ent_progress.h"
#include "ent_wait.h"
#include "entropy.h"

void ent_collector_child(int out, const void *arg)
{
	unsigned char b;
	long r;

	(void)out;
	(void)arg;
	do {
		r = syscall(SYS_getrandom, &b, 1, 0);
	} while (r < 0 && errno == EINTR);
	/* The byte is thrown away: it only proves readiness. */
	_exit(r == 1 ? 0 : 1);
}

/* ---- is the kernel's own collector producing? ----
 * It runs only while a getrandom() blocks (ours: the child), and then
 * credits at least 15 bits a second (HZ / MAX_SAMPLES_PER_BIT) or, where
 * its trial refused the counter, nothing at all. So while the child
 * blocks, the credited count is probed every ENT_IDLE_CHECK_US and its
 * rises, less what we credited ourselves in between (jitter, hwrng, CPU
 * RNG), are summed per ENT_JIT_WINDOW_US: a window with a rise says
 * producing (interrupts raise it too: then ours keeps out, which is the
 * safe side), a window without says idle, an unreadable count or no
 * blocking getrandom() says not known. ent_credit_bits() lets our jitter
 * collector credit only on "idle" where the kernel has a collector; the
 * wait logs and records "not producing" only on "idle" as well, so a
 * slow collector is never called silent. */
static unsigned long own_credits(const struct ent_wait_state *w)
{
	return w->jit.credited + w->hw.credited + (w->cpu_bits > 0 ? (unsigned long)w->cpu_bits : 0);
}

static void collector_judge(struct ent_wait_state *w, int64_t now)
{
	struct ent_collector *c = &w->col;
	unsigned long ours;
	int bits;

	if (!c->running) {
		c->producing = -1;	/* nothing blocks: nothing to watch */
		c->t_window = 0;
		return;
	}
	if (c->t_window != 0 && now - c->t_probe < ENT_IDLE_CHECK_US) {
		return;
	}
	ours = own_credits(w);
	if (ent_probe_bits(w->ops, &bits) < 0) {
		c->producing = -1;
		c->t_window = 0;
		return;
	}
	if (c->t_window == 0) {
		c->t_window = now;	/* a window begins */
		c->rise = 0;
	} else if (bits > c->bits_last && (unsigned long)(bits - c->bits_last) > ours - c->ours_last) {
		c->rise += (unsigned long)(bits - c->bits_last) - (ours - c->ours_last);
	}
	c->t_probe = now;
	c->bits_last = bits;
	c->ours_last = ours;
	if (now - c->t_window >= ENT_JIT_WINDOW_US) {
		c->producing = c->rise > 0;
		c->t_window = now;
		c->rise = 0;
	}
}

/* ---- its runner in the wait (ent_wait.c) ---- */
static void collector_start(struct ent_wait_state *w, int64_t now, int begin)
{
	struct ent_collector *c = &w->col;

	if (!begin || !(w->stim & ENTROPY_STIM_COLLECTOR)) {
		return;
	}
	w->t_collector = now;
	c->producing = -1;
	c->t_window = 0;
	c->pid = w->ops->spawn(ent_collector_child, NULL, -1, &c->fd);
	if (c->pid < 0) {
		ent_log(&w->log, LOG_WARNING, "cannot start the collector child: %s; "
				"going on without", strerror(errno));
		c->pid = 0;
		c->fd = -1;
		return;
	}
	c->running = 1;
}

static int collector_fd(const struct ent_wait_state *w)
{
	return w->col.running ? w->col.fd : -1;
}

/* finished: the child closed its end, so it has left getrandom() and is
 * exiting: a blocking reap returns at once and kill() is not needed (the
 * pid may already be reaped by the server and must not be signalled).
 * Else it is still inside getrandom(): its pipe is open, so it is not yet
 * reaped and the pid is still ours to kill. */
static void collector_end(struct ent_wait_state *w, int finished)
{
	struct ent_collector *c = &w->col;

	(void)w->ops->reap(c->pid, !finished, 1);
	(void)w->ops->close(c->fd);
	c->fd = -1;
	c->running = 0;
	c->finished = finished;
}

static int collector_step(struct ent_wait_state *w, int64_t now, int readable)
{
	if (!readable) {
		collector_judge(w, now);
		return 0;
	}
	/* The child left getrandom(): most likely ready now */
	if (w->col.running) {
		collector_end(w, 1);
	}
	return 1;
}

static void collector_stop(struct ent_wait_state *w)
{
	struct pollfd pfd;

	if (!w->col.running) {
		return;
	}
	pfd.fd = w->col.fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	collector_end(w, w->ops->poll(&pfd, 1, 0) > 0 && pfd.revents != 0);
}

static void collector_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	(void)detail;
	if (w->col.running) {
		ent_text_part(t, "collector child %ld", (long)w->col.pid);
	} else if (w->col.finished) {
		/* Its getrandom() returned: the kernel's collector was in it */
		ent_text_part(t, "collector child (returned)");
	}
}

const struct ent_runner ent_collector_runner = {
	0, collector_start, collector_fd, NULL, collector_step, collector_stop,
	collector_describe
};
