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

/* ---- its runner in the wait (ent_wait.c) ---- */
static void collector_start(struct ent_wait_state *w, int64_t now, int begin)
{
	struct ent_collector *c = &w->col;

	if (!begin || !(w->stim & ENTROPY_STIM_COLLECTOR)) {
		return;
	}
	w->t_collector = now;
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
	(void)now;
	if (!readable) {
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
