/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the CPU's RNG instructions (ent_cpurng.c) */
#ifndef DROPBEAR_ENT_CPURNG_H
#define DROPBEAR_ENT_CPURNG_H

#include <stddef.h>

#include "entropy.h"
#include "ent_internal.h"
#include "ent_progress.h"
#include "ent_sys.h"

/* ---- CPU RNG instructions (ent_cpurng.c) ---- */
#if ENT_WITH_CPURNG
/* 1 when 64 bytes of output hold no zero, all-ones or repeated word */
int ent_cpurng_sane(const unsigned char *buf, size_t len);
/* 1 when /proc/cpuinfo's text lists rdseed, rdrand (x86) or rng (arm64) */
int ent_cpurng_kernel_lists(const char *cpuinfo);
/* Mixes (or, where ent_credit_bits() allows, credits) one read; returns
 * bits credited */
int ent_cpurng_feed(const struct entropy_config *cfg, const struct ent_ops *ops,
		struct ent_log *log);
#endif

#endif /* DROPBEAR_ENT_CPURNG_H */
