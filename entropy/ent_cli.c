/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: the module's front door for init scripts and people.
 *
 *   dropbear-entropy status [--json] [-X ...]    why the RNG is (not) ready
 *   dropbear-entropy seed [--timeout S] [--background] [-X ...]
 *                                                the server's wait, one-shot
 *   dropbear-entropy save [-X ...]               the shutdown seed save
 *
 * Exit status: 0 ready / written, 1 not ready / timeout / not written,
 * 2 bad usage or error, 3 (seed --background) seeding goes on in the
 * background child: not ready yet. Every error is one line
 * "dropbear-entropy: ...".
 * The -X options are the server's (entropy_config_set()), so the seed
 * directory, stimulators, gateway and policy agree with dropbear's.
 *
 * Nothing here waits, stimulates or writes on its own: seed is
 * entropy_ensure_seeded() (ent_wait.c, the per-boot lock included) and
 * save is ent_seed_save(), exactly as the server runs them. This file and
 * ent_status.c are linked into this program only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/wait.h>

#include "ent_internal.h"
#include "ent_probe.h"
#include "ent_progress.h"
#include "ent_seed.h"
#include "ent_status.h"
#include "ent_sys.h"
#include "ent_text.h"
#include "entropy.h"

#define PROG			"dropbear-entropy"
#define EXIT_READY		0
#define EXIT_NOT_READY		1
#define EXIT_ERROR		2
#define EXIT_BACKGROUND		3	/* seed --background: the child waits on */
#define TIMEOUT_MAX		86400UL	/* a day: longer is a typo */

/* Raised by SIGALRM (--timeout), SIGTERM and SIGINT. A signal handler can
 * reach nothing else, hence the one file-scope variable. */
static volatile int seed_stop;
static volatile int seed_timed_out;

struct cli {
	struct entropy_config cfg;
	const char *command;
	int json;
	int background;
	unsigned long timeout;	/* seconds, 0: none */
};

/* One line on stderr: prefix, the text, a newline */
static void vline_stderr(const char *prefix, const char *fmt, va_list ap)
{
	(void)fputs(prefix, stderr);
	(void)vfprintf(stderr, fmt, ap);
	(void)fputc('\n', stderr);
}

/* This program's own errors: "dropbear-entropy: ..." */
static void error_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void error_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline_stderr(PROG ": ", fmt, ap);
	va_end(ap);
}

/* The module's log in the foreground (ent_log puts "entropy: " first) */
static void log_stderr(int priority, const char *fmt, ...)
{
	va_list ap;

	(void)priority;
	va_start(ap, fmt);
	vline_stderr("", fmt, ap);
	va_end(ap);
}

static void log_syslog(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
}

static void usage(FILE *out)
{
	(void)fprintf(out, "usage: " PROG " status [--json] [-X key[=value]]...\n"
			"       " PROG " seed [--timeout S] [--background] [-X key[=value]]...\n"
			"       " PROG " save [-X key[=value]]...\n"
			"exit status: 0 ready (seed, status) or written (save), 1 not ready,\n"
			"timeout or not written, 2 bad usage or error, 3 (seed --background) not\n"
			"ready yet, seeding goes on in the background. -X options (as dropbear's):\n%s",
			entropy_config_usage());
}

/* Whole seconds, 0 to TIMEOUT_MAX, digits only; -1 otherwise */
static int parse_timeout(const char *text, unsigned long *out)
{
	return text != NULL && ent_parse_dec(&text, TIMEOUT_MAX, out) == 0
			&& *text == '\0' ? 0 : -1;
}

/* Fills c from argv; -1 after one error line */
static int parse_args(struct cli *c, int argc, char **argv)
{
	char err[256];
	const char *arg, *val;
	int i;

	memset(c, 0, sizeof(*c));
	if (argc < 2) {
		error_line("no command (status, seed or save; -h for help)");
		return -1;
	}
	c->command = argv[1];
	if (strcmp(c->command, "status") != 0 && strcmp(c->command, "seed") != 0
			&& strcmp(c->command, "save") != 0) {
		error_line("unknown command '%.64s' (status, seed or save)", c->command);
		return -1;
	}
	for (i = 2; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "--json") == 0 && strcmp(c->command, "status") == 0) {
			c->json = 1;
		} else if (strcmp(arg, "--background") == 0 && strcmp(c->command, "seed") == 0) {
			c->background = 1;
		} else if ((strcmp(arg, "--timeout") == 0 || strncmp(arg, "--timeout=", 10) == 0)
				&& strcmp(c->command, "seed") == 0) {
			val = arg[9] == '=' ? arg + 10 : (i + 1 < argc ? argv[++i] : NULL);
			if (parse_timeout(val, &c->timeout) < 0) {
				error_line("bad --timeout '%.32s': whole seconds, 0 (none) to %lu",
						val != NULL ? val : "", TIMEOUT_MAX);
				return -1;
			}
		} else if (strncmp(arg, "-X", 2) == 0) {
			val = arg[2] != '\0' ? arg + 2 : (i + 1 < argc ? argv[++i] : NULL);
			if (val == NULL) {
				error_line("-X needs key[=value]");
				return -1;
			}
			if (entropy_config_set(&c->cfg, val, err, sizeof(err)) < 0) {
				error_line("%s", err);
				return -1;
			}
		} else {
			error_line("%s does not take '%.64s' (-h for help)", c->command, arg);
			return -1;
		}
	}
	return 0;
}

static int cmd_status(struct cli *c)
{
	struct ent_status st;

	(void)ent_status_gather(&c->cfg, ent_sys_ops(), &st);
	if (c->json) {
		ent_status_json(&st, stdout);
	} else {
		ent_status_text(&st, stdout);
	}
	if (fflush(stdout) != 0) {
		error_line("cannot write the status: %s", strerror(errno));
		return EXIT_ERROR;
	}
	return st.ready == 1 ? EXIT_READY : st.ready == 0 ? EXIT_NOT_READY : EXIT_ERROR;
}

static void on_stop(int sig)
{
	if (sig == SIGALRM) {
		seed_timed_out = 1;
	}
	seed_stop = 1;
}

/* No SA_RESTART: the wait's poll() returns EINTR and looks at the flag */
static int catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	(void)sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0
			|| sigaction(SIGINT, &sa, NULL) < 0) {
		return -1;
	}
	return 0;
}

/* The wait itself, in the foreground or in the background child */
static int run_seed(struct cli *c)
{
	const struct ent_ops *ops = ent_sys_ops();
	struct ent_log log;
	int r;

	r = ent_probe_ready(ops);
	if (r < 0) {
		error_line("getrandom() failed (%s): nothing to wait for", strerror(errno));
		return EXIT_ERROR;
	}
	if (r == 1) {
		/* Ready already: the wait would be one syscall; keep a seed
		 * for the next boot as the server's SIGTERM path does. Like
		 * the wait's lines, this one goes to /dev/kmsg too with -X
		 * kmsg or --background. */
		ent_log_init(&log, &c->cfg, ops);
		ent_log(&log, LOG_INFO, "kernel CRNG already initialised");
		entropy_save_seed(&c->cfg);
		return EXIT_READY;
	}
	if (c->timeout > 0) {
		(void)alarm((unsigned int)c->timeout);
	}
	r = entropy_ensure_seeded(&c->cfg);
	(void)alarm(0);
	if (r == 0) {
		return EXIT_READY;
	}
	if (seed_timed_out) {
		error_line("kernel CRNG not ready after %lu s (--timeout)", c->timeout);
		return EXIT_NOT_READY;
	}
	if (seed_stop) {
		error_line("stopped by a signal before the kernel CRNG was ready");
		return EXIT_NOT_READY;
	}
	error_line("the wait ended without a ready CRNG (%s)", c->cfg.disabled
			? "-X off: the module is off" : "getrandom() failed");
	return EXIT_ERROR;
}

/* The parent returns once the child is about to wait (the per-boot lock
 * in ent_boot.c keeps it and a server started next from stimulating at
 * once); the child logs to /dev/kmsg and syslog only. The parent's status
 * is 0 only for a ready kernel: while the child waits it is
 * EXIT_BACKGROUND, so that a boot script testing for 0 before it reads
 * /dev/urandom never reads it unseeded (before 5.18 /dev/urandom does not
 * block). */
static int seed_background(struct cli *c)
{
	int pfd[2], devnull, status;
	ssize_t n;
	char byte = 'w';
	pid_t pid;

	if (pipe(pfd) < 0) {
		error_line("pipe: %s", strerror(errno));
		return EXIT_ERROR;
	}
	pid = fork();
	if (pid < 0) {
		error_line("fork: %s", strerror(errno));
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		return EXIT_ERROR;
	}
	if (pid > 0) {
		(void)close(pfd[1]);
		do {
			n = read(pfd[0], &byte, 1);
		} while (n < 0 && errno == EINTR);
		(void)close(pfd[0]);
		if (n == 1) {
			/* The child waits. Ready since (the child may be about
			 * to finish) is still ready: getrandom() never goes back */
			return ent_probe_ready(ent_sys_ops()) == 1 ? EXIT_READY
				: EXIT_BACKGROUND;
		}
		/* The child ended without waiting (ready already, or an
		 * error): its status is ours */
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				error_line("waitpid: %s", strerror(errno));
				return EXIT_ERROR;
			}
		}
		return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_ERROR;
	}
	(void)close(pfd[0]);
	(void)setsid();
	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		(void)dup2(devnull, STDIN_FILENO);
		(void)dup2(devnull, STDOUT_FILENO);
		(void)dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO) {
			(void)close(devnull);
		}
	}
	openlog(PROG, LOG_PID, LOG_DAEMON);
	c->cfg.log = log_syslog;
	c->cfg.log_kmsg = 1;
	if (ent_probe_ready(ent_sys_ops()) == 0) {
		/* About to wait: the parent may go. Should the byte not
		 * get through, the parent waits for our exit status. */
		if (write(pfd[1], &byte, 1) != 1) {
			byte = 0;
		}
	}
	(void)close(pfd[1]);
	status = run_seed(c);
	closelog();
	_exit(status);
}

/* seed and save run as root with the module on: otherwise one line says
 * why and the exit status is returned; -1 when the command may run */
static int refuse_command(const struct cli *c, const char *why_root, const char *when_off,
		int off_status)
{
	if (geteuid() != 0) {
		error_line("%s needs root (%s)", c->command, why_root);
		return EXIT_ERROR;
	}
	if (c->cfg.disabled) {
		error_line("-X off: the module is off, %s", when_off);
		return off_status;
	}
	return -1;
}

static int cmd_seed(struct cli *c)
{
	int refused;

	refused = refuse_command(c, "it credits the kernel RNG and writes the seed file",
			"nothing to seed with", EXIT_ERROR);
	if (refused >= 0) {
		return refused;
	}
	if (catch_stop_signals() < 0) {
		error_line("sigaction: %s", strerror(errno));
		return EXIT_ERROR;
	}
	c->cfg.program = "seed";
	c->cfg.stop_flag = &seed_stop;
	c->cfg.log = log_stderr;
	if (c->background) {
		return seed_background(c);
	}
	return run_seed(c);
}

static int cmd_save(struct cli *c)
{
	int refused;

	refused = refuse_command(c, "the seed directory is root's, mode 0700", "no seed saved",
			EXIT_NOT_READY);
	if (refused >= 0) {
		return refused;
	}
	c->cfg.log = log_stderr;
#if ENT_WITH_SEED
	{
		const struct ent_ops *ops = ent_sys_ops();
		struct ent_log log;
		struct ent_seed none;
		int r;

		memset(&none, 0, sizeof(none));
		ent_log_init(&log, &c->cfg, ops);
		/* One line says why when it fails */
		r = ent_seed_save(&c->cfg, ops, &log, &none);
		return r == 0 ? EXIT_READY : EXIT_NOT_READY;
	}
#else
	error_line("this build has no seed file (configure --with-entropy-sources)");
	return EXIT_NOT_READY;
#endif
}

int dropbear_entropy_main(int argc, char **argv)
{
	struct cli c;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return EXIT_READY;
	}
	if (parse_args(&c, argc, argv) < 0) {
		return EXIT_ERROR;
	}
	if (strcmp(c.command, "status") == 0) {
		return cmd_status(&c);
	}
	if (strcmp(c.command, "seed") == 0) {
		return cmd_seed(&c);
	}
	return cmd_save(&c);
}

/* dropbear's headers (through tomcrypt.h, with the bundled libtomcrypt)
 * define DROPBEAR_MULTI as 0 outside dropbearmulti, so test its value */
#if defined(ENT_CLI_PROGRAM) && !(defined(DROPBEAR_MULTI) && DROPBEAR_MULTI)
int main(int argc, char **argv)
{
	return dropbear_entropy_main(argc, argv);
}
#endif
