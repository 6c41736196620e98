/*
 * dropbear-entropy: /dev/hwrng, under -X policy=default and jitter.
 *
 * The kernel decides first. Its hwrng core feeds the pool itself, with
 * credit, when the current device has a quality above 0 (declared by the
 * driver, or rng_core.default_quality): then we leave the device to the
 * kernel, since crediting its output again would count it twice. Where
 * the quality is 0 the kernel has chosen not to credit it, and so do we:
 * a few bytes are mixed in, which can only help. Only the administrator's
 * -X trust-hwrng, the counterpart of rng_core.default_quality, makes us
 * credit it (ent_credit_bits() decides, as for every source).
 *
 * Under that opt-in the bytes still have to look like noise: a start-up
 * test on 1024 bytes (SP 800-90B estimators, ent_health.c), the
 * continuous repetition count and adaptive proportion tests with cut-offs
 * from the assessed value, and a check that no 32-byte block repeats one
 * of the last 64 (a device serving a fixed buffer or a short cycle). A
 * DRBG or a conditioned output passes all of them; they only catch a
 * broken device, which is why the opt-in is needed at all. Each 128
 * healthy bytes are hashed and credited with half the assessed
 * min-entropy, at most 2 bits per byte and 256 bits per digest.
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

#define STARTUP		1024
#define BATCH		128
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
	if (hw->startup != NULL) {
		explicit_bzero(hw->startup, STARTUP * sizeof(*hw->startup));
		free(hw->startup);
		hw->startup = NULL;
	}
	hw->active = 0;
	explicit_bzero(&hw->pool, sizeof(hw->pool));
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
	facts.h_per_unit = 8.0;
	/* Would a healthy device be credited? If not, mix a little only */
	hw->trusted = ent_credit_bits(cfg, ENT_SOURCE_HWRNG, &facts, BATCH, &hw->why) > 0;
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
		hw->startup = malloc(STARTUP * sizeof(*hw->startup));
		if (hw->startup == NULL) {
			hwrng_close(hw, ops);
			return -1;
		}
	}
	hw->active = 1;
	return 0;
}

static int stop(struct ent_hwrng *hw, const struct ent_ops *ops, struct ent_log *log,
		const char *why)
{
	unsigned char out[ENT_SHA256_LEN];

	if (hw->pooled > 0) {
		ent_sha256_done(&hw->pool, out);
		(void)ops->rnd_add(out, sizeof(out), 0);
		explicit_bzero(out, sizeof(out));
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

/* One read: bits credited, 0, or -1 once it stopped (logged) */
static int hwrng_read(struct ent_hwrng *hw, const struct entropy_config *cfg,
		const struct ent_ops *ops, struct ent_log *log, int64_t now)
{
	unsigned char buf[ENT_HWRNG_BLOCK], out[ENT_SHA256_LEN];
	struct ent_credit_facts facts;
	const char *why = NULL;
	unsigned int bits;
	ssize_t n, i;

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
	hw->bytes += (unsigned long)n;
	if (!hw->trusted) {
		(void)mix_only(hw, ops, log, buf, (size_t)n);
		explicit_bzero(buf, sizeof(buf));
		return 0;
	}
	i = 0;
	if (hw->startup != NULL) {
		for (; i < n && hw->nstartup < STARTUP; i++) {
			hw->startup[hw->nstartup++] = buf[i];
		}
		if (hw->nstartup < STARTUP) {
			return 0;
		}
		if (ent_health_startup(hw->startup, STARTUP, &hw->h, &why) < 0) {
			return stop(hw, ops, log, why != NULL ? why : "start-up test failed");
		}
		explicit_bzero(hw->startup, STARTUP * sizeof(*hw->startup));
		free(hw->startup);
		hw->startup = NULL;
		ent_health_init(&hw->health, hw->h);
		sha256_init(&hw->pool);
		ent_log(log, LOG_INFO, "/dev/hwrng (%s) passed its start-up test "
				"(%.2f bits/byte assessed); crediting under -X trust-hwrng",
				hw->name, hw->h);
	}
	for (; i < n; i++) {
		if (ent_health_sample(&hw->health, buf[i]) < 0) {
			return stop(hw, ops, log, hw->health.why);
		}
		hw->blk[hw->blk_len++] = buf[i];
		if (hw->blk_len == sizeof(hw->blk)) {
			hw->blk_len = 0;
			if (block_repeats(hw)) {
				return stop(hw, ops, log, "a 32-byte block repeated");
			}
		}
		sha256_process(&hw->pool, &buf[i], 1);
		hw->pooled++;
	}
	explicit_bzero(buf, sizeof(buf));
	if (hw->pooled < BATCH) {
		return 0;
	}
	memset(&facts, 0, sizeof(facts));
	facts.checks_passed = 1;
	facts.kernel_credits = hw->kernel_quality > 0;
	facts.h_per_unit = hw->h;
	bits = ent_credit_bits(cfg, ENT_SOURCE_HWRNG, &facts, hw->pooled, &why);
	ent_sha256_done(&hw->pool, out);
	sha256_init(&hw->pool);
	hw->pooled = 0;
	if (bits == 0 || ops->rnd_add(out, sizeof(out), bits) < 0) {
		(void)ops->rnd_add(out, sizeof(out), 0);
		explicit_bzero(out, sizeof(out));
		return stop(hw, ops, log, bits == 0 ? why : errno == EPERM
				? "crediting needs CAP_SYS_ADMIN" : "RNDADDENTROPY failed");
	}
	explicit_bzero(out, sizeof(out));
	hw->credited += bits;
	if (hw->bytes >= ENT_HWRNG_MAX_BYTES) {
		hwrng_close(hw, ops);
	}
	return (int)bits;
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
		ent_text_part(t, "/dev/hwrng %s (%s)", w->hw.name, w->hw.trusted
				? "health-tested, credited under -X trust-hwrng" : w->hw.why);
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
