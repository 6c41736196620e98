/* dropbear-entropy: one stimulation per boot and the boot records (ent_boot.c) */
#ifndef DROPBEAR_ENT_BOOT_H
#define DROPBEAR_ENT_BOOT_H

#include <stddef.h>

#include "ent_sys.h"

/* ---- one stimulation per boot (ent_boot.c) ---- */
#ifndef ENT_RUN_DIR
#define ENT_RUN_DIR		"/run/dropbear-entropy"
#endif
#define ENT_PATH_BOOT_ID	"/proc/sys/kernel/random/boot_id"
#define ENT_BOOT_ID_MAX		40	/* a UUID, 36 characters */
struct ent_boot {
	int dirfd, lock_fd;	/* lock_fd >= 0: we hold the lock */
	char boot_id[ENT_BOOT_ID_MAX];	/* tells this boot's record */
	unsigned long packets_spent;	/* by earlier holders this boot */
	unsigned long seconds_spent;
	const char *why;	/* strerror() of the last failure */
};
void ent_boot_init(struct ent_boot *b);
/* 1: we hold the lock and may stimulate within what is left of the boot's
 * budget; 0: another process holds it, wait without stimulating; -1: no
 * usable ENT_RUN_DIR (b->why), the bounds are per wait */
int ent_boot_acquire(struct ent_boot *b, const struct ent_ops *ops);
/* What this holder spent so far (cumulative), for a later holder */
void ent_boot_record(struct ent_boot *b, unsigned long packets, unsigned long seconds);
void ent_boot_release(struct ent_boot *b);
/* The boot record ENT_RUN_DIR/ENT_BOOT_SEEDED: who saw the CRNG become
 * ready while waiting, when, and what was credited and stimulated. Written
 * once per boot (a record of this boot is never replaced); quiet when
 * ENT_RUN_DIR is unusable. by is "dropbear" or "seed". */
#define ENT_BOOT_SEEDED		"seeded"
#define ENT_BOOT_WAITING	"waiting"
void ent_boot_seeded(const struct ent_ops *ops, const char *by, int seed_bits,
		unsigned long hwrng_bits, int cpu_bits, unsigned long jitter_bits,
		unsigned long icmp_sent, unsigned long block_reads);
/* ENT_RUN_DIR/ENT_BOOT_WAITING: "boot=<boot id> pid=<pid> collector=silent",
 * left by a waiting process whose blocking getrandom() has not seeded the
 * CRNG in ENT_COLLECTOR_SILENT_US; what status tells the collector by */
void ent_boot_note_collector_silent(const struct ent_ops *ops);
/* The kernel's boot id (ENT_PATH_BOOT_ID), "unknown" when unreadable: it
 * tells this boot's records from stale ones where /run is not a tmpfs */
void ent_boot_id(const struct ent_ops *ops, char *id, size_t len);

#endif /* DROPBEAR_ENT_BOOT_H */
