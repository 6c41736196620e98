/* dropbear-entropy: the collector waker (ent_collector.c) */
#ifndef DROPBEAR_ENT_COLLECTOR_H
#define DROPBEAR_ENT_COLLECTOR_H

#include <sys/types.h>

/* ---- collector waker (ent_collector.c) ---- */
struct ent_collector {
	pid_t pid;
	int fd;
	int running;
	int finished;	/* the child returned from getrandom() or died */
};
/* The child: blocks in getrandom(buf, 1, 0) and exits when it returns */
void ent_collector_child(int out, const void *arg);

#endif /* DROPBEAR_ENT_COLLECTOR_H */
