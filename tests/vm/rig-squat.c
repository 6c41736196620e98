/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * rig-squat: the rig's hostile local user (issue 22). Run as root by the
 * guest's S05righostile before the server starts; becomes uid 65534 and,
 * where /run is writable by all, makes /run/dropbear-entropy first: mode
 * 0777, its own, FIFOs at the records' temporary names, the old
 * stimulate.lock and the directory itself flocked by a child that stays
 * (for as long as the guest runs). Prints one line of what it did.
 * Built static for aarch64 by rig.py (squat_helper()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#define DIR_PATH "/run/dropbear-entropy"

static int lock(const char *path, int flags)
{
	int fd = open(path, flags, 0666);

	return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : -1;
}

int main(void)
{
	static const char *const fifos[] = { "spent.new", "seeded.new", "waiting.new" };
	char path[128];
	size_t i;
	int n = 0;

	if (setgid(65534) < 0 || setuid(65534) < 0) {
		printf("rig-squat: cannot become uid 65534: %s\n", strerror(errno));
		return 1;
	}
	umask(0);
	if (mkdir(DIR_PATH, 0777) < 0 || chmod(DIR_PATH, 0777) < 0) {
		printf("rig-squat: cannot make %s: %s\n", DIR_PATH, strerror(errno));
		return 1;
	}
	for (i = 0; i < sizeof(fifos) / sizeof(fifos[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", DIR_PATH, fifos[i]);
		n += mkfifo(path, 0666) == 0;
	}
	if (fork() == 0) {
		/* the locks live as long as this child */
		(void)setsid();
		if (lock(DIR_PATH "/stimulate.lock", O_RDWR | O_CREAT) < 0
				|| lock(DIR_PATH, O_RDONLY | O_DIRECTORY) < 0) {
			printf("rig-squat: cannot lock: %s\n", strerror(errno));
			_exit(1);
		}
		for (;;) {
			pause();
		}
	}
	sleep(1);
	printf("rig-squat: %s made by uid %d, mode 0777, %d FIFOs, locks held\n",
			DIR_PATH, (int)getuid(), n);
	return 0;
}
