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

#include "ent_internal.h"

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

int ent_collector_start(struct ent_collector *c, const struct ent_ops *ops,
		struct ent_log *log)
{
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->fd = -1;
	c->pid = ops->spawn(ent_collector_child, NULL, -1, &c->fd);
	if (c->pid < 0) {
		ent_log(log, LOG_WARNING, "cannot start the collector child: %s; going on without",
				strerror(errno));
		c->pid = 0;
		c->fd = -1;
		return -1;
	}
	c->running = 1;
	return 0;
}

void ent_collector_finished(struct ent_collector *c)
{
	if (!c->running) {
		return;
	}
	/* The child closed its end: it has left getrandom() and is exiting, so
	 * a blocking reap returns at once and kill() is not needed (the pid
	 * may already be reaped by the server and must not be signalled). */
	(void)c->ops->reap(c->pid, 0, 1);
	(void)c->ops->close(c->fd);
	c->fd = -1;
	c->running = 0;
	c->finished = 1;
}

void ent_collector_stop(struct ent_collector *c)
{
	struct pollfd pfd;
	int r;

	if (!c->running) {
		return;
	}
	pfd.fd = c->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	r = c->ops->poll(&pfd, 1, 0);
	if (r > 0 && pfd.revents != 0) {
		ent_collector_finished(c);
		return;
	}
	/* Still inside getrandom(): its pipe is open, so it is not yet reaped
	 * and the pid is still ours to kill. */
	(void)c->ops->reap(c->pid, 1, 1);
	(void)c->ops->close(c->fd);
	c->fd = -1;
	c->running = 0;
}
