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
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "ent_internal.h"

#define ENT_CLOSE_SCAN_MAX 65536

/* In the child: close every descriptor but a and b (a < b; a may be -1
 * for none). The child must not hold the server's listening sockets (they
 * would outlive a stopped server) nor anything the module opened. */
static void close_all_but(int a, int b)
{
	long max, fd;
#ifdef SYS_close_range
	const int keep[2] = { a, b };
	unsigned int lo = 0;
	int i, ok = 1;

	for (i = 0; i < 2 && ok; i++) {
		if (keep[i] < 0) {
			continue;
		}
		if ((unsigned int)keep[i] > lo) {
			ok = syscall(SYS_close_range, lo, (unsigned int)keep[i] - 1, 0U) == 0;
		}
		lo = (unsigned int)keep[i] + 1;
	}
	if (ok && syscall(SYS_close_range, lo, ~0U, 0U) == 0) {
		return;
	}
#endif
	/* Pre-5.9 kernel: close them one by one */
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > ENT_CLOSE_SCAN_MAX) {
		max = ENT_CLOSE_SCAN_MAX;
	}
	for (fd = 0; fd < max; fd++) {
		if (fd != a && fd != b) {
			(void)close((int)fd);
		}
	}
}

pid_t ent_sys_fork_helper(int keep, int *fd)
{
	int p[2];
	pid_t pid, parent;
	int saved;

	if (pipe2(p, O_CLOEXEC) < 0) {
		return -1;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		saved = errno;
		close(p[0]);
		close(p[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close_all_but(keep < p[1] ? keep : p[1], keep < p[1] ? p[1] : keep);
		/* The server's handlers must not run here; default
		 * dispositions let an administrator's kill end the child */
		(void)signal(SIGTERM, SIG_DFL);
		(void)signal(SIGINT, SIG_DFL);
		(void)signal(SIGCHLD, SIG_DFL);
		(void)signal(SIGHUP, SIG_DFL);
		(void)signal(SIGPIPE, SIG_DFL);
		/* Die with the parent, and notice if it is already gone */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) {
			_exit(2);
		}
		*fd = p[1];
		return 0;
	}
	/* Only the child may hold the write end, or the hang-up never comes */
	if (close(p[1]) < 0 && errno != EINTR) {
		saved = errno;
		close(p[0]);
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		errno = saved;
		return -1;
	}
	*fd = p[0];
	return pid;
}

pid_t ent_sys_collector_spawn(void *ctx, int *fd)
{
	unsigned char b;
	pid_t pid;
	long r;

	(void)ctx;
	pid = ent_sys_fork_helper(-1, fd);
	if (pid != 0) {
		return pid;
	}
	do {
		r = syscall(SYS_getrandom, &b, 1, 0);
	} while (r < 0 && errno == EINTR);
	/* The byte is thrown away: it only proves readiness. */
	_exit(r == 1 ? 0 : 1);
}

int ent_sys_collector_reap(void *ctx, pid_t pid, int kill_it)
{
	pid_t r;

	(void)ctx;
	if (pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (kill_it && kill(pid, SIGKILL) < 0 && errno != ESRCH) {
		return -1;
	}
	do {
		r = waitpid(pid, NULL, 0);
	} while (r < 0 && errno == EINTR);
	if (r < 0 && errno != ECHILD) {
		return -1;
	}
	/* ECHILD: the server's SIGCHLD handler reaped it with waitpid(-1) */
	return 0;
}

int ent_collector_start(struct ent_collector *c, const struct ent_ops *ops,
		struct ent_progress *log)
{
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->fd = -1;
	c->pid = ops->collector_spawn(ops->ctx, &c->fd);
	if (c->pid < 0) {
		ent_log(log, LOG_WARNING, "entropy: cannot start the collector child: %s; going on without",
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
	(void)c->ops->collector_reap(c->ops->ctx, c->pid, 0);
	(void)c->ops->close(c->ops->ctx, c->fd);
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
	r = c->ops->poll(c->ops->ctx, &pfd, 1, 0);
	if (r > 0 && pfd.revents != 0) {
		ent_collector_finished(c);
		return;
	}
	/* Still inside getrandom(): its pipe is open, so it is not yet reaped
	 * and the pid is still ours to kill. */
	(void)c->ops->collector_reap(c->ops->ctx, c->pid, 1);
	(void)c->ops->close(c->ops->ctx, c->fd);
	c->fd = -1;
	c->running = 0;
}
