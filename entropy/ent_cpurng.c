/*
 * dropbear-entropy: CPU random number instructions (RDSEED/RDRAND on x86,
 * RNDRRS/RNDR on ARMv8.5). Their output is always mixed in; it is credited
 * only under -X trust-cpu (and never under policy=strict), the same choice
 * the kernel leaves to random.trust_cpu: nobody outside the vendor can
 * check these generators, so trusting them is the integrator's call.
 */
#include <errno.h>
#include <string.h>

#include "ent_internal.h"

#if ENT_WITH_CPURNG

#define CPURNG_BYTES	64
#define CPURNG_CREDIT	256	/* half the bits read */

int ent_cpurng_feed(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_progress *log)
{
	unsigned char buf[CPURNG_BYTES];
	const char *name = NULL;
	int r = 0;

	if (ops->cpu_rng(ops->ctx, buf, sizeof(buf), &name) != (ssize_t)sizeof(buf)) {
		return 0;	/* no such instruction, or it kept failing */
	}
	if (cfg->trust_cpu && cfg->policy != ENTROPY_POLICY_STRICT
			&& ops->rnd_credit(ops->ctx, buf, sizeof(buf), CPURNG_CREDIT) == 0) {
		ent_log(log, LOG_NOTICE, "entropy: CPU RNG (%s) credited %d bits (-X trust-cpu)",
				name, CPURNG_CREDIT);
		r = CPURNG_CREDIT;
	} else if (ops->rnd_mix(ops->ctx, buf, sizeof(buf)) == 0) {
		ent_log(log, LOG_INFO, "entropy: CPU RNG (%s) mixed in without credit%s", name,
				!cfg->trust_cpu ? " (-X trust-cpu would credit it)"
				: cfg->policy == ENTROPY_POLICY_STRICT ? " (policy strict)"
				: errno == EPERM ? " (crediting needs CAP_SYS_ADMIN)" : "");
	}
	memset(buf, 0, sizeof(buf));
	return r;
}

#endif /* ENT_WITH_CPURNG */
