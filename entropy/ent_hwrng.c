/*
 * dropbear-entropy: /dev/hwrng, under -X policy=default and jitter.
 *
 * Read in blocks of ENT_HWRNG_BLOCK bytes without blocking, so the wait
 * loop and its stop flag are never held up. The bytes go through the same
 * health tests as the jitter collector's samples (ent_health.c): a start-up
 * test of 1024 bytes that must estimate at least ENT_HWRNG_CLAIM bits per byte,
 * then the repetition count and adaptive proportion tests with cutoffs for
 * that claim. Each 128 healthy bytes are hashed and credited with
 * ENT_HWRNG_CREDIT bits per byte (a quarter of what a good device
 * delivers, half of the claim the tests hold it to): 256 bits per digest.
 * A missing device, EAGAIN and EIO cost no log line beyond one note;
 * a failed test stops crediting and what was pooled is mixed only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent_internal.h"

#if ENT_WITH_HWRNG

#define STARTUP		1024
#define BATCH		128

void ent_hwrng_init(struct ent_hwrng *hw)
{
	memset(hw, 0, sizeof(*hw));
	hw->fd = -1;
}

int ent_hwrng_open(struct ent_hwrng *hw, const struct ent_ops *ops)
{
	ent_hwrng_init(hw);
	hw->fd = ops->open_hwrng(ops->ctx);
	if (hw->fd < 0) {
		return -1;	/* no device: nothing to say */
	}
	hw->startup = malloc(STARTUP * sizeof(*hw->startup));
	if (hw->startup == NULL) {
		(void)ops->close(ops->ctx, hw->fd);
		hw->fd = -1;
		return -1;
	}
	hw->active = 1;
	return 0;
}

void ent_hwrng_close(struct ent_hwrng *hw, const struct ent_ops *ops)
{
	if (hw->fd >= 0) {
		(void)ops->close(ops->ctx, hw->fd);
		hw->fd = -1;
	}
	free(hw->startup);
	hw->startup = NULL;
	hw->active = 0;
	memset(&hw->ht.pool, 0, sizeof(hw->ht.pool));
}

static int stop(struct ent_hwrng *hw, const struct ent_ops *ops, struct ent_progress *log,
		const char *why)
{
	unsigned char out[ENT_SHA256_LEN];

	if (hw->ht.pooled > 0) {
		ent_sha256_final(&hw->ht.pool, out);
		(void)ops->rnd_mix(ops->ctx, out, sizeof(out));
	}
	ent_log(log, LOG_WARNING, "entropy: /dev/hwrng: %s after %lu bits credited; "
			"no more credit from it", why, hw->ht.credited);
	ent_hwrng_close(hw, ops);
	return -1;
}

int ent_hwrng_step(struct ent_hwrng *hw, const struct ent_ops *ops,
		struct ent_progress *log, int64_t now)
{
	unsigned char buf[ENT_HWRNG_BLOCK], out[ENT_SHA256_LEN];
	const char *why;
	ssize_t n, i;
	int bits;

	if (!hw->active || now < hw->next) {
		return 0;
	}
	n = ops->read(ops->ctx, hw->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		hw->next = now + ENT_HWRNG_RETRY_US;
		return 0;
	}
	if (n <= 0) {
		/* EIO and friends: the device is not fit, quietly stop */
		ent_log(log, LOG_INFO, "entropy: /dev/hwrng unreadable (%s): not used",
				n < 0 ? strerror(errno) : "end of file");
		ent_hwrng_close(hw, ops);
		return -1;
	}
	hw->bytes += (unsigned long)n;
	i = 0;
	if (hw->startup != NULL) {
		for (; i < n && hw->nstartup < STARTUP; i++) {
			hw->startup[hw->nstartup++] = buf[i];
		}
		if (hw->nstartup < STARTUP) {
			return 0;
		}
		if (ent_health_startup(hw->startup, STARTUP, &hw->ht.h, &why) < 0
				|| hw->ht.h < ENT_HWRNG_CLAIM) {
			return stop(hw, ops, log, why != NULL ? why
					: "start-up estimate below 4 bits per byte");
		}
		free(hw->startup);
		hw->startup = NULL;
		/* Cutoffs for the claim, not the (higher) estimate: fewer
		 * false alarms, and still a failure long before the credit
		 * rate is wrong */
		ent_health_init(&hw->ht.health, (double)ENT_HWRNG_CLAIM);
		ent_sha256_init(&hw->ht.pool);
		ent_log(log, LOG_INFO, "entropy: /dev/hwrng passed its start-up test "
				"(%.2f bits/byte estimated); crediting %d bits per byte",
				hw->ht.h, ENT_HWRNG_CREDIT);
	}
	for (; i < n; i++) {
		if (ent_health_sample(&hw->ht.health, buf[i]) < 0) {
			return stop(hw, ops, log, hw->ht.health.why);
		}
		ent_sha256_update(&hw->ht.pool, &buf[i], 1);
		hw->ht.pooled++;
	}
	if (hw->ht.pooled < BATCH) {
		return 0;
	}
	ent_sha256_final(&hw->ht.pool, out);
	ent_sha256_init(&hw->ht.pool);
	bits = (int)hw->ht.pooled * ENT_HWRNG_CREDIT;
	if (bits > ENT_SHA256_LEN * 8) {
		bits = ENT_SHA256_LEN * 8;
	}
	hw->ht.pooled = 0;
	if (ops->rnd_credit(ops->ctx, out, sizeof(out), bits) < 0) {
		(void)ops->rnd_mix(ops->ctx, out, sizeof(out));
		return stop(hw, ops, log, errno == EPERM ? "crediting needs CAP_SYS_ADMIN"
				: "RNDADDENTROPY failed");
	}
	hw->ht.credited += (unsigned long)bits;
	if (hw->bytes >= ENT_HWRNG_MAX_BYTES) {
		ent_hwrng_close(hw, ops);
	}
	return bits;
}

#endif /* ENT_WITH_HWRNG */
