/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: wait for the kernel CRNG and help it along.
 *
 * The policy: where getrandom(GRND_NONBLOCK) already works, return after
 * that one call. Otherwise start what can raise credited entropy - the
 * collector child, ICMP ping-pong with the gateway, O_DIRECT reads - and
 * run them from one poll() loop that probes readiness at least every
 * ENT_STOP_LATENCY_US while anything is stimulating, so stimulation ends
 * within 100 ms of readiness. When nothing helps, sleep in poll() with long
 * timeouts: the wait goes on, but costs no CPU. The only ways out are a
 * ready CRNG (0) or the caller's stop flag / a broken kernel interface
 * (-1, and the caller takes upstream's own blocking path). The
 * stimulators credit nothing themselves (the kernel credits the
 * interrupts they raise); the sources this loop runs - seed file, CPU
 * RNG, /dev/hwrng, our jitter collector - credit only what
 * ent_credit_bits() allows. Each of them is one entry of runners[] below,
 * its operations in its own file (struct ent_runner); this file is the
 * loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent_wait.h"
#include "ent_boot.h"
#include "ent_config.h"
#include "ent_hwrng.h"
#include "ent_internal.h"
#include "ent_interrupts.h"
#include "ent_probe.h"
#include "ent_progress.h"
#include "ent_seed.h"
#include "ent_sys.h"
#include "entropy.h"

#define ENT_BITS_EVERY_US	250000
#define ENT_LINE_US_IDLE	60000000	/* progress once a minute when stuck */
/* A working kernel jitter collector seeds within about a second of a
 * blocking getrandom(); twice that without readiness means it gave up */
#define ENT_COLLECTOR_SILENT_US	2000000
#define ENT_BOOT_RETRY_US	1000000	/* a waiter looks at the lock again */

int ent_wait_irqs(struct ent_wait_state *w, struct ent_irq_count *irq)
{
	if (w->ops->read_file(ENT_PATH_INTERRUPTS, w->text, ENT_TEXT_MAX) < 0) {
		return -1;
	}
	return ent_irq_parse(w->text, irq);
}

#if ENT_WITH_SEED
/* The seed file: loaded before anything else (ent_wait()), described here */
static void seed_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	(void)detail;
	if (w->seed.credited_bits > 0) {
		ent_text_part(t, "seed file (%d bits)", w->seed.credited_bits);
	}
}

static const struct ent_runner seed_runner = {
	0, NULL, NULL, NULL, NULL, NULL, seed_describe
};
#endif

/* In the order of the plan and the progress lines; a source this build
 * leaves out has no entry */
static const struct ent_runner *const runners[] = {
	&ent_collector_runner,
	&ent_icmp_runner,
#if ENT_WITH_BLOCK
	&ent_block_runner,
#endif
#if ENT_WITH_JITTER
	&ent_jitter_runner,
#endif
#if ENT_WITH_CPURNG
	&ent_cpurng_runner,
#endif
#if ENT_WITH_HWRNG
	&ent_hwrng_runner,
#endif
#if ENT_WITH_SEED
	&seed_runner,
#endif
};
#define ENT_RUNNERS	(sizeof(runners) / sizeof(runners[0]))

static int64_t runner_deadline(const struct ent_runner *r, const struct ent_wait_state *w)
{
	return r->deadline != NULL ? r->deadline(w) : -1;
}

static int runner_fd(const struct ent_runner *r, const struct ent_wait_state *w)
{
	return r->fd != NULL ? r->fd(w) : -1;
}

/* 1 while anything that the stimulation bound stops runs */
static int stimulating(const struct ent_wait_state *w)
{
	size_t i;

	for (i = 0; i < ENT_RUNNERS; i++) {
		if (runners[i]->bounded && (runner_fd(runners[i], w) >= 0
					|| runner_deadline(runners[i], w) >= 0)) {
			return 1;
		}
	}
	return 0;
}

static void start_stimulators(struct ent_wait_state *w, int64_t now)
{
	struct ent_irq_count irq;
	int have_irq;
	size_t i;

	have_irq = ent_wait_irqs(w, &irq) == 0;
	for (i = 0; i < ENT_RUNNERS; i++) {
		if (runners[i]->start != NULL) {
			runners[i]->start(w, now, 1);
		}
	}
	if ((w->icmp.fd >= 0 || w->blk.fd >= 0) && !have_irq) {
		ent_log(&w->log, LOG_INFO, "%s unreadable: pacing without interrupt counts",
				ENT_PATH_INTERRUPTS);
	}
}

/* The boot's budget a burst at a time (ent_boot_grant()), each in the
 * record before it is used; the time bound follows what was taken */
static void grant(struct ent_wait_state *w, int64_t now)
{
	if (ent_boot_grant(&w->boot, w->icmp.sent, now - w->t_stim_start) < 0) {
		ent_log(&w->log, LOG_WARNING, "cannot record this boot's stimulation in "
				"%s (%s): %s", ENT_RUN_DIR, w->boot.why, w->boot.alone
				? "going on within what is left" : "stimulating no further");
	}
	w->t_end_stim = w->t_stim_start + (int64_t)w->boot.seconds_granted * 1000000;
	if (w->boot.failed && !w->boot.alone && w->t_end_stim > now) {
		w->t_end_stim = now;	/* not a packet beyond the record */
	}
}

/* Stimulation is one per boot across every process of the fork
 * (ent_boot.c): take it, or learn that another process has it, and start
 * within what is left of the boot's budget. Returns 1 when we stimulate. */
static int begin_stimulation(struct ent_wait_state *w, int64_t now)
{
	w->t_end_stim = now;
	w->boot_role = ent_boot_acquire(&w->boot, w->ops, ent_config_max_packets(w->cfg),
			ent_config_max_seconds(w->cfg));
	if (w->boot_role == 0) {
		w->t_boot_retry = now + ENT_BOOT_RETRY_US;
		return 0;
	}
	if (w->boot_role < 0 && !w->boot.alone) {
		/* A user's dbclient or dropbearkey: no packet and no disk read
		 * on a budget of its own each time it runs; the collector child
		 * and the sources of -X policy= still run, on its own time */
		ent_log(&w->log, LOG_WARNING, "%s %s (%s): no ICMP or block reads without "
				"this boot's record (only root stimulates without it)",
				ENT_RUN_DIR, w->boot.untrusted ? "cannot be trusted" : "unusable",
				w->boot.why);
		w->t_end_stim = now + (int64_t)ent_config_max_seconds(w->cfg) * 1000000;
		w->stim = ent_config_stimulators(w->cfg) & ENTROPY_STIM_COLLECTOR;
		start_stimulators(w, now);
		return 0;
	}
	if (w->boot_role < 0) {
		ent_log(&w->log, w->boot.untrusted ? LOG_WARNING : LOG_INFO, "%s %s (%s): "
				"the stimulation bounds are per wait, not per boot", ENT_RUN_DIR,
				w->boot.untrusted ? "cannot be trusted" : "unusable", w->boot.why);
	}
	w->packets_left = w->boot.packets_left;
	if (w->packets_left == 0 || w->boot.seconds_left == 0) {
		ent_log(&w->log, LOG_WARNING, "this boot's stimulation budget is "
				"spent (%lu packets, %lu s by earlier processes): waiting without "
				"stimulating", w->boot.packets_spent, w->boot.seconds_spent);
		return 0;
	}
	w->t_stim_start = now;
	grant(w, now);
	if (w->t_end_stim <= now) {
		return 0;	/* not even the first burst could be recorded */
	}
	w->stim = ent_config_stimulators(w->cfg);
	start_stimulators(w, now);
	return 1;
}

static void record_spent(struct ent_wait_state *w, int64_t now)
{
	if (w->boot_role == 1 && w->t_stim_start != 0) {
		ent_boot_record(&w->boot, w->icmp.sent, (unsigned long)((now - w->t_stim_start)
				/ 1000000));
	}
}

/* "collector child 123, ICMP echo to 10.0.2.2 (raw socket, ...)" */
static void describe(struct ent_wait_state *w, char *buf, size_t len, int detail)
{
	struct ent_text t = { buf, len, 0, 0 };
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < ENT_RUNNERS; i++) {
		runners[i]->describe(w, &t, detail);
	}
	if (t.used == 0 && w->boot_role == 0) {
		ent_text_part(&t, "nothing: another process of this boot stimulates (holds "
				ENT_RUN_DIR "'s lock)");
	} else if (t.used == 0) {
		ent_text_part(&t, "nothing (the kernel on its own)");
	}
}

/* bounded_only: at the stimulation bound; else everything, at the end */
static void stop_runners(struct ent_wait_state *w, int bounded_only)
{
	size_t i;

	for (i = 0; i < ENT_RUNNERS; i++) {
		if (runners[i]->stop != NULL && (runners[i]->bounded || !bounded_only)) {
			runners[i]->stop(w);
		}
	}
}

static void log_hint_once(struct ent_wait_state *w)
{
	if (w->hint_logged) {
		return;
	}
	w->hint_logged = 1;
	/* From now on a progress line a minute is plenty */
	w->prog.interval_us = ENT_LINE_US_IDLE;
	ent_log(&w->log, LOG_WARNING, "nothing here raises the kernel's entropy; "
			"waiting without load. Give the system a boot source: virtio-rng, "
			"rng-seed in the device tree, a seed file (seedrng) or a hwrng driver");
}

static int64_t next_timeout(struct ent_wait_state *w, int64_t now)
{
	int64_t t, d;
	size_t i;

	t = w->prog.t_last_line + w->prog.interval_us - now;
	for (i = 0; i < ENT_RUNNERS; i++) {
		d = runner_deadline(runners[i], w);
		if (d >= 0 && d - now < t) {
			t = d - now;
		}
	}
	if (stimulating(w)) {
		if (t > ENT_STOP_LATENCY_US) {
			t = ENT_STOP_LATENCY_US;
		}
	} else if (!w->col.running) {
		/* No child to tell us: look again every 100 ms, which is no load */
		if (t > ENT_IDLE_CHECK_US) {
			t = ENT_IDLE_CHECK_US;
		}
	} else if (t > ENT_IDLE_CHECK_US * 10) {
		/* The child wakes us at readiness; still keep the bound checks */
		t = ENT_IDLE_CHECK_US * 10;
	}
	return t < 0 ? 0 : t;
}

/* Starts, steps and bounds every runner once; returns 1 when one of them
 * may have made the CRNG ready */
static int run_turn(struct ent_wait_state *w, int64_t now)
{
	int check_now = 0;
	size_t i;

	if (w->boot_role == 1) {
		grant(w, now);
	}
	if (now >= w->t_end_stim) {
		if (stimulating(w) && !w->bound_logged) {
			w->bound_logged = 1;
			ent_log(&w->log, LOG_WARNING, "stimulation bound of %lu s reached "
					"(%lu packets, %lu reads); waiting on",
					ent_config_max_seconds(w->cfg), w->icmp.sent, w->blk.reads);
		}
		stop_runners(w, 1);
	}
	for (i = 0; i < ENT_RUNNERS; i++) {
		if (runners[i]->start != NULL && now < w->t_end_stim && w->boot_role != 0) {
			runners[i]->start(w, now, 0);
			now = w->ops->now_us();
		}
		/* Each looks at its own state: a finished reader child is
		 * closed here, a stopped source does nothing */
		if (runners[i]->step != NULL) {
			check_now |= runners[i]->step(w, now, 0);
			now = w->ops->now_us();
		}
	}
	return check_now;
}

int ent_wait(const struct entropy_config *cfg, const struct ent_ops *ops)
{
	struct ent_wait_state w;
	struct pollfd pfd[ENT_RUNNERS];
	size_t owner[ENT_RUNNERS];
	char running[ENT_LINE_MAX / 2];	/* what runs, for one log line */
	int64_t now, t_check, timeout, t_ready = 0;
	int r, ret = -1, check_now = 0;	/* -1 until the CRNG is ready */
	size_t i, nfds;

	r = ent_probe_ready(ops);
	if (r != 0) {
		return r == 1 ? 0 : -1;
	}
	if (cfg->stop_flag != NULL && *cfg->stop_flag) {
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	w.ops = ops;
	w.col.fd = -1;
	w.col.producing = -1;	/* not known until a window of its own says */
	w.icmp.fd = -1;
	w.blk.fd = -1;
	ent_hwrng_init(&w.hw);
	ent_boot_init(&w.boot);
	w.boot_role = -1;	/* until begin_stimulation() */
	w.text = malloc(ENT_TEXT_MAX);
	now = w.t0 = ops->now_us();
	(void)ent_probe_generation(ops, &w.gen);
	w.kernel_collector = ent_probe_kernel_collector(ops, &w.gen, w.release,
			sizeof(w.release));
	ent_log_init(&w.log, cfg, ops);
	ent_progress_init(&w.prog, &w.log, w.gen.bits_needed, now);
	/* The seed file first: where it is credited, nothing else starts */
	if (ent_seed_load(cfg, ops, &w.log, &w.seed) > 0 && ent_probe_ready(ops) == 1) {
		t_ready = ops->now_us();
		ret = 0;
		goto done;
	}
	if (w.text == NULL) {
		ent_log(&w.log, LOG_WARNING, "out of memory; waiting without stimulation");
	} else {
		(void)begin_stimulation(&w, now);
	}
	(void)ent_probe_bits(ops, &w.bits);	/* left 0 when unknown */
	w.t_bits = w.t_gain = now;
	describe(&w, running, sizeof(running), 0);
	ent_log(&w.log, LOG_WARNING, "kernel CRNG not initialised, getrandom() would "
			"block; %s; kernel jitter collector: %s%s%s; %d/%d bits; plan: %s",
			w.gen.name, w.kernel_collector == 1 ? "yes" : w.kernel_collector == 0
			? "none" : "unknown", w.release[0] != '\0' ? ", Linux " : "", w.release,
			w.bits, w.gen.bits_needed, running);
	(void)ent_progress_tick(&w.prog, now, w.bits, running);

	t_check = now;
	for (;;) {
		if (cfg->stop_flag != NULL && *cfg->stop_flag) {
			ent_log(&w.log, LOG_INFO, "wait stopped after %.1f s, CRNG not seeded",
					(double)(ops->now_us() - w.t0) / 1e6);
			break;
		}
		now = ops->now_us();
		if (check_now || now - t_check >= ENT_READY_CHECK_US) {
			check_now = 0;
			t_check = now;
			r = ent_probe_ready(ops);
			if (r == 1) {
				t_ready = now;
				ret = 0;
				break;
			}
			if (r < 0) {
				ent_log(&w.log, LOG_WARNING, "getrandom() failed (%s); "
						"leaving the wait to the caller", strerror(errno));
				break;
			}
		}
		if (now - w.t_bits >= ENT_BITS_EVERY_US) {
			int b = w.bits;	/* unchanged when unknown */

			(void)ent_probe_bits(ops, &b);
			if (b > w.bits) {
				w.t_gain = now;
			}
			w.bits = b;
			w.t_bits = now;
		}
		check_now = run_turn(&w, now);
		now = ops->now_us();
		if (!stimulating(&w) && w.boot_role != 0
				&& (cfg->policy != ENTROPY_POLICY_JITTER || w.jit_tried)
				&& ((!w.col.running && !w.route_retry) || now - w.t_gain >= ENT_STALL_US)) {
			log_hint_once(&w);
		}
		if (w.boot_role == 0 && w.text != NULL && now >= w.t_boot_retry
				&& begin_stimulation(&w, now) == 1) {
			describe(&w, running, sizeof(running), 0);
			ent_log(&w.log, LOG_WARNING, "the process that stimulated is "
					"gone; taking over with what is left of this boot's budget: %s",
					running);
		}
		/* Silent only where its count was seen not to rise (ent_collector.c):
		 * a slow collector, or an unreadable count, is not called so */
		if (w.kernel_collector == 1 && w.col.running && w.col.producing == 0
				&& !w.collector_silent_logged
				&& now - w.t_collector >= ENT_COLLECTOR_SILENT_US) {
			w.collector_silent_logged = 1;
			describe(&w, running, sizeof(running), 0);
			ent_log(&w.log, LOG_WARNING, "the kernel's jitter collector has "
					"not seeded the CRNG in %d s of a blocking getrandom() nor "
					"raised the count for 1 s: not producing on this board "
					"(cycle counter too coarse); seeding with: %s",
					ENT_COLLECTOR_SILENT_US / 1000000, running);
			ent_boot_note_collector_silent(ops);
		}
		if (now - w.prog.t_last_line >= w.prog.interval_us) {
			/* Only build the text when a line is due: this loop turns
			 * once per ICMP reply */
			describe(&w, running, sizeof(running), 1);
			(void)ent_progress_tick(&w.prog, now, w.bits, running);
		}

		nfds = 0;
		for (i = 0; i < ENT_RUNNERS; i++) {
			pfd[nfds].fd = runner_fd(runners[i], &w);
			if (pfd[nfds].fd >= 0) {
				pfd[nfds].events = POLLIN;
				pfd[nfds].revents = 0;
				owner[nfds++] = i;
			}
		}
		timeout = next_timeout(&w, now);
		r = ops->poll(pfd, (nfds_t)nfds, timeout);
		if (r < 0) {
			if (errno == EINTR) {
				continue;	/* the stop flag is looked at first */
			}
			ent_log(&w.log, LOG_WARNING, "poll() failed (%s); "
					"leaving the wait to the caller", strerror(errno));
			break;
		}
		now = ops->now_us();
		for (i = 0; i < nfds; i++) {
			if (pfd[i].revents != 0) {
				check_now |= runners[owner[i]]->step(&w, now, 1);
			}
		}
	}

done:
	describe(&w, running, sizeof(running), 1);
	stop_runners(&w, 1);
	record_spent(&w, ops->now_us());
	ent_boot_release(&w.boot);
	stop_runners(&w, 0);
	if (ret == 0) {
		/* tests/vm/rig.py parses this line: keep its tail stable */
		ent_log(&w.log, LOG_NOTICE, "kernel CRNG seeded after %.1f s, while "
				"running: %s; %lu ICMP packets, %lu replies, %lu block reads",
				(double)(t_ready - w.t0) / 1e6, running, w.icmp.sent, w.icmp.replies,
				w.blk.reads);
		ent_boot_seeded(ops, cfg->program != NULL ? cfg->program : "dropbear",
				w.seed.credited_bits, w.hw.credited, w.cpu_bits, w.jit.credited,
				w.icmp.sent, w.blk.reads);
		/* getrandom() is ready: this seed will be creditable */
		(void)ent_seed_save(cfg, ops, &w.log, &w.seed);
	}
	/* the previous seed, kept to be hashed into the next one */
	explicit_bzero(w.seed.old, sizeof(w.seed.old));
	free(w.text);
	return ret;
}

void entropy_save_seed(const struct entropy_config *cfg)
{
	const struct ent_ops *ops = ent_sys_ops();
	struct entropy_config defaults;
	struct ent_log log;
	struct ent_seed none;

	if (!ENT_WITH_SEED) {
		(void)cfg;
		return;	/* nothing to save: the rest would be dead code */
	}
	if (cfg == NULL) {
		memset(&defaults, 0, sizeof(defaults));
		cfg = &defaults;
	}
	if (cfg->disabled) {
		return;
	}
	memset(&none, 0, sizeof(none));
	ent_log_init(&log, cfg, ops);
	(void)ent_seed_save(cfg, ops, &log, &none);
}

int entropy_ensure_seeded(const struct entropy_config *cfg)
{
	const struct ent_ops *ops = ent_sys_ops();
	struct entropy_config defaults;
	int r;

	/* The common case costs exactly this one syscall */
	r = ent_probe_ready(ops);
	if (r == 1) {
		return 0;
	}
	if (r < 0) {
		return -1;	/* ENOSYS: the caller falls back as upstream does */
	}
	if (cfg == NULL) {
		memset(&defaults, 0, sizeof(defaults));
		cfg = &defaults;
	}
	if (cfg->disabled) {
		return -1;
	}
	return ent_wait(cfg, ops);
}
