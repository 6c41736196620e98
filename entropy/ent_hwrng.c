/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: /dev/hwrng, under -X policy=default and jitter.
 *
 * The kernel decides first. Its hwrng core feeds the pool itself, with
 * credit, when the current device has a quality above 0 (declared by the
 * driver, or rng_core.default_quality): then we leave the device to the
 * kernel, since crediting its output again would count it twice. Where
 * the quality is 0 the kernel has chosen not to credit it, and so do we:
 * a few bytes are mixed in, which can only help. Only the administrator's
 * -X trust-hwrng=Q, the counterpart of rng_core's quality, makes us
 * credit it, at Q bits per 1024 bits read (ent_credit_bits() decides, as
 * for every source): the quality is the administrator's statement, and no
 * statistic of ours raises or lowers it.
 *
 * Under that opt-in the bytes still have to look like noise: the first
 * 1024 bytes are only tested and mixed (SP 800-90B 4.3's start-up), and
 * every byte goes through the continuous repetition count and adaptive
 * proportion tests with cut-offs for the claimed Q/128 bits a byte
 * (ent_health.c), and no 32-byte block may repeat one of the last 64 (a
 * device serving a fixed buffer or a short cycle; a block counts for
 * credit only once the block after it passed as well). A DRBG or a
 * conditioned output passes all of them; they only catch a broken
 * device, which is why the opt-in is needed at all. Nor do they see a
 * device that serves the same 4096-byte page, or replays the same stream
 * after each reset: a wait reads too little for that (the man page says
 * so). Credit goes with each healthy 32-byte block as it completes.
 *
 * Reads never block (O_NONBLOCK, EAGAIN retried after 10 ms), so the wait
 * loop and its stop flag are never held up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent_hwrng.h"
#include "ent_credit.h"
#include "ent_health.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"

#if ENT_WITH_HWRNG

#define QUALITY_BYTES	128	/* 1024 bits: what a quality is given per */
#define PATH_CURRENT	"/sys/class/misc/hw_random/rng_current"
#define PATH_QUALITY	"/sys/class/misc/hw_random/rng_quality"	/* 5.18+ */
#define PATH_QUALITY_OLD "/sys/module/rng_core/parameters/current_quality"

void ent_hwrng_init(struct ent_hwrng *hw)
{
	memset(hw, 0, sizeof(*hw));
	hw->fd = -1;
	hw->kernel_quality = -1;
}

static int read_int(const struct ent_ops *ops, const char *path, int *v)
{
	char text[32], *end;
	long n;

	if (ops->read_file(path, text, sizeof(text)) < 0) {
		return -1;
	}
	n = strtol(text, &end, 10);
	if (end == text || n < 0 || n > 1024 || (*end != '\0' && *end != '\n')) {
		return -1;
	}
	*v = (int)n;
	return 0;
}

/* What the kernel says of its current hwrng: its name and the quality it
 * credits it with (-1 when this kernel does not say) */
void ent_hwrng_kernel_view(struct ent_hwrng *hw, const struct ent_ops *ops)
{
	if (ops->read_file(PATH_CURRENT, hw->name, sizeof(hw->name)) < 0) {
		strcpy(hw->name, "?");
	}
	hw->name[strcspn(hw->name, "\n")] = '\0';
	if (read_int(ops, PATH_QUALITY, &hw->kernel_quality) < 0
			&& read_int(ops, PATH_QUALITY_OLD, &hw->kernel_quality) < 0) {
		hw->kernel_quality = -1;
	}
}

static void hwrng_close(struct ent_hwrng *hw, const struct ent_ops *ops)
{
	if (hw->fd >= 0) {
		(void)ops->close(hw->fd);
		hw->fd = -1;
	}
	hw->active = 0;
	explicit_bzero(hw->blk, sizeof(hw->blk));
}

int ent_hwrng_open(struct ent_hwrng *hw, const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log)
{
	struct ent_credit_facts facts;

	ent_hwrng_init(hw);
	ent_hwrng_kernel_view(hw, ops);
	if (strcmp(hw->name, "none") == 0) {
		return -1;	/* the kernel has no device: nothing to say */
	}
	memset(&facts, 0, sizeof(facts));
	facts.kernel_credits = hw->kernel_quality > 0;
	facts.checks_passed = 1;
	/* Would a healthy device be credited? If not, mix a little only */
	hw->trusted = ent_credit_bits(cfg, ENT_SOURCE_HWRNG, &facts, QUALITY_BYTES,
			&hw->why) > 0;
	if (facts.kernel_credits) {
		/* The kernel's own thread reads it with credit: leave it be */
		return -1;
	}
	hw->fd = ops->open_read("/dev/hwrng");
	if (hw->fd < 0) {
		if (errno != ENOENT && errno != ENODEV && errno != ENXIO) {
			ent_log(log, LOG_WARNING, "cannot open /dev/hwrng (%s): not used",
					strerror(errno));
		}
		return -1;
	}
	if (hw->trusted) {
		/* H = Q/128 bits a byte, the administrator's own claim */
		ent_health_init(&hw->health, (unsigned int)cfg->trust_hwrng, 1024 / 8);
	}
	hw->active = 1;
	return 0;
}

static int stop(struct ent_hwrng *hw, const struct ent_ops *ops, struct ent_log *log,
		const char *why)
{
	if (hw->blk_len > 0) {
		(void)ops->rnd_add(hw->blk, hw->blk_len, 0);
	}
	ent_log(log, LOG_WARNING, "/dev/hwrng: %s after %lu bits credited; "
			"no more credit from it", why, hw->credited);
	hwrng_close(hw, ops);
	return -1;
}

/* Untrusted: the bytes go to the pool uncredited, a few and done */
static int mix_only(struct ent_hwrng *hw, const struct ent_ops *ops,
		struct ent_log *log, const unsigned char *buf, size_t n)
{
	(void)ops->rnd_add(buf, n, 0);
	if (hw->bytes >= ENT_HWRNG_MIX_BYTES) {
		ent_log(log, LOG_INFO, "/dev/hwrng (%s, kernel quality %d) mixed in "
				"without credit (%s)", hw->name, hw->kernel_quality, hw->why);
		hwrng_close(hw, ops);
	}
	return 0;
}

/* A fingerprint of each 32-byte block; a repeat among the last 64 is a
 * device stuck on a buffer or cycling (by chance: 2^-64 per pair) */
static int block_repeats(struct ent_hwrng *hw)
{
	unsigned char d[ENT_SHA256_LEN];
	hash_state h;
	uint64_t fp;
	unsigned int i, n;

	sha256_init(&h);
	sha256_process(&h, hw->blk, sizeof(hw->blk));
	ent_sha256_done(&h, d);
	memcpy(&fp, d, sizeof(fp));
	explicit_bzero(d, sizeof(d));
	n = hw->nseen < ENT_HWRNG_SEEN ? hw->nseen : ENT_HWRNG_SEEN;
	for (i = 0; i < n; i++) {
		if (hw->seen[i] == fp) {
			return 1;
		}
	}
	hw->seen[hw->nseen++ % ENT_HWRNG_SEEN] = fp;
	return 0;
}

/* A full block under -X trust-hwrng: checked, then mixed (start-up) or
 * credited; bits credited, or -1 once it stopped (logged) */
static int hwrng_block(struct ent_hwrng *hw, const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log)
{
	struct ent_credit_facts facts;
	const char *why = NULL;
	unsigned int bits;

	hw->blk_len = 0;
	if (block_repeats(hw)) {
		return stop(hw, ops, log, "a 32-byte block repeated");
	}
	if (hw->bytes <= ENT_HWRNG_STARTUP) {
		(void)ops->rnd_add(hw->blk, sizeof(hw->blk), 0);
		if (hw->bytes == ENT_HWRNG_STARTUP) {
			ent_log(log, LOG_INFO, "/dev/hwrng (%s) passed its start-up (%d bytes); "
					"crediting %d bits per 1024 read under -X trust-hwrng",
					hw->name, ENT_HWRNG_STARTUP, cfg->trust_hwrng);
		}
		return 0;
	}
	hw->healthy += sizeof(hw->blk);
	memset(&facts, 0, sizeof(facts));
	facts.checks_passed = 1;
	facts.kernel_credits = hw->kernel_quality > 0;
	facts.credited = hw->credited;
	/* A block counts once the next one passed too: a device stuck on
	 * one 32-byte buffer is caught before any of it is credited */
	bits = ent_credit_bits(cfg, ENT_SOURCE_HWRNG, &facts, hw->healthy - sizeof(hw->blk),
			&why);
	if (bits == 0) {
		/* Trusted at open, and nothing it depends on changed since: a
		 * low quality has nothing due for this block yet (carried) */
		(void)ops->rnd_add(hw->blk, sizeof(hw->blk), 0);
		return 0;
	}
	if (ops->rnd_add(hw->blk, sizeof(hw->blk), bits) < 0) {
		(void)ops->rnd_add(hw->blk, sizeof(hw->blk), 0);
		return stop(hw, ops, log, errno == EPERM ? "crediting needs CAP_SYS_ADMIN"
				: "RNDADDENTROPY failed");
	}
	hw->credited += bits;
	return (int)bits;
}

/* One read: bits credited, 0, or -1 once it stopped (logged) */
static int hwrng_read(struct ent_hwrng *hw, const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log, int64_t now)
{
	unsigned char buf[ENT_HWRNG_BLOCK];
	ssize_t n, i;
	int bits = 0, r;

	if (!hw->active || now < hw->next) {
		return 0;
	}
	n = ops->read(hw->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		hw->next = now + ENT_HWRNG_RETRY_US;
		return 0;
	}
	if (n <= 0) {
		/* EIO and friends: the device is not fit, quietly stop */
		ent_log(log, LOG_INFO, "/dev/hwrng unreadable (%s): not used",
				n < 0 ? strerror(errno) : "end of file");
		hwrng_close(hw, ops);
		return -1;
	}
	if (!hw->trusted) {
		hw->bytes += (unsigned long)n;
		(void)mix_only(hw, ops, log, buf, (size_t)n);
		explicit_bzero(buf, sizeof(buf));
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (ent_health_sample(&hw->health, buf[i]) < 0) {
			explicit_bzero(buf, sizeof(buf));
			return stop(hw, ops, log, hw->health.why);
		}
		hw->blk[hw->blk_len++] = buf[i];
		hw->bytes++;
		if (hw->blk_len == sizeof(hw->blk)) {
			r = hwrng_block(hw, cfg, ops, log);
			if (r < 0) {
				explicit_bzero(buf, sizeof(buf));
				return -1;
			}
			bits += r;
		}
	}
	explicit_bzero(buf, sizeof(buf));
	/* 256 bits seed either generation: no more is read for this wait */
	if (hw->bytes >= ENT_HWRNG_MAX_BYTES || hw->credited >= ENT_SHA256_LEN * 8) {
		hwrng_close(hw, ops);
	}
	return bits;
}

/* ---- its runner in the wait (ent_wait.c) ---- */
static void hwrng_start(struct ent_wait_state *w, int64_t now, int begin)
{
	(void)now;
	if (begin && w->cfg->policy != ENTROPY_POLICY_STRICT) {
		(void)ent_hwrng_open(&w->hw, w->cfg, w->ops, &w->log);
	}
}

static int64_t hwrng_deadline(const struct ent_wait_state *w)
{
	return w->hw.active ? w->hw.next : -1;
}

static int hwrng_step(struct ent_wait_state *w, int64_t now, int readable)
{
	return !readable && hwrng_read(&w->hw, w->cfg, w->ops, &w->log, now) > 0;
}

static void hwrng_stop(struct ent_wait_state *w)
{
	hwrng_close(&w->hw, w->ops);
}

static void hwrng_describe(struct ent_wait_state *w, struct ent_text *t, int detail)
{
	if (!detail && w->hw.active) {
		if (w->hw.trusted) {
			ent_text_part(t, "/dev/hwrng %s (credited at %d bits per 1024 under "
					"-X trust-hwrng, health-tested)", w->hw.name, w->cfg->trust_hwrng);
		} else {
			ent_text_part(t, "/dev/hwrng %s (%s)", w->hw.name, w->hw.why);
		}
	} else if (!detail && w->hw.kernel_quality > 0) {
		ent_text_part(t, "/dev/hwrng %s (credited by the kernel, quality %d)", w->hw.name,
				w->hw.kernel_quality);
	} else if (w->hw.active || w->hw.credited > 0) {
		ent_text_part(t, "/dev/hwrng (%lu bits credited)", w->hw.credited);
	}
}

const struct ent_runner ent_hwrng_runner = {
	1, hwrng_start, NULL, hwrng_deadline, hwrng_step, hwrng_stop, hwrng_describe
};

#endif /* ENT_WITH_HWRNG */
