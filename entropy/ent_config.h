/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/* dropbear-entropy: the options' values with their defaults (ent_config.c) */
#ifndef DROPBEAR_ENT_CONFIG_H
#define DROPBEAR_ENT_CONFIG_H

#include "entropy.h"

/* ---- config (ent_config.c) ---- */
#define ENT_DEFAULT_MAX_PACKETS	65536UL	/* about four times what a 6.1 guest needed */
#define ENT_DEFAULT_MAX_SECONDS	60UL	/* of active stimulation per wait */
#define ENT_LIMIT_MAX_PACKETS	10000000UL
#define ENT_LIMIT_MAX_SECONDS	86400UL
unsigned int ent_config_stimulators(const struct entropy_config *cfg);
unsigned long ent_config_max_packets(const struct entropy_config *cfg);
unsigned long ent_config_max_seconds(const struct entropy_config *cfg);
/* -X seed-dir=, else the default */
const char *ent_config_seed_dir(const struct entropy_config *cfg);

#endif /* DROPBEAR_ENT_CONFIG_H */
