/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: the real kernel behind struct ent_ops.
 *
 * Only the system calls themselves: every decision about what to call,
 * when and with what, is in the file that owns it, where the unit tests
 * reach it. Every descriptor is opened close-on-exec so that programs
 * the server starts later never inherit one; the wait closes them all
 * before it returns anyway.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/ip_icmp.h>
#include <linux/fs.h>
#include <linux/random.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#endif

#include "ent_sys.h"
#include "ent_file.h"
#include "ent_internal.h"

#ifndef SYS_getrandom
#error "SYS_getrandom is missing from the libc headers"
#endif

static ssize_t sys_getrandom(void *buf, size_t len, unsigned int flags)
{
	/* The raw syscall: older libcs lack the wrapper, and ENOSYS from an old
	 * kernel must reach the caller unchanged. */
	return syscall(SYS_getrandom, buf, len, flags);
}

static ssize_t sys_read_file(const char *path, char *buf, size_t len)
{
	int fd;
	ssize_t got;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	/* /proc files can come in several short reads; stop one byte short so
	 * the text is always terminated. */
	got = ent_read_all(fd, buf, len - 1);
	if (got < 0) {
		return ent_close_fail(fd);
	}
	buf[got] = '\0';
	if (ent_close(fd) < 0) {
		return -1;
	}
	return got;
}

static int sys_rnd_count(int *bits)
{
	int fd, ret, saved;

	/* /dev/urandom never blocks on open, and RNDGETENTCNT needs no
	 * privilege. */
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	ret = ioctl(fd, RNDGETENTCNT, bits);
	saved = errno;
	close(fd);
	errno = saved;
	return ret < 0 ? -1 : 0;
}

static int64_t sys_now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) {
		return 0;
	}
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int sys_poll(struct pollfd *fds, nfds_t n, int64_t timeout_us)
{
	struct timespec ts;

	if (timeout_us < 0) {
		return ppoll(fds, n, NULL, NULL);
	}
	/* ppoll for microsecond pacing gaps; poll() only knows milliseconds */
	ts.tv_sec = (time_t)(timeout_us / 1000000);
	ts.tv_nsec = (long)(timeout_us % 1000000) * 1000;
	return ppoll(fds, n, &ts, NULL);
}

static int sys_icmp_socket(int raw)
{
	int fd, ttl = 1;

	fd = socket(AF_INET, (raw ? SOCK_RAW : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK,
			IPPROTO_ICMP);
	if (fd < 0) {
		return -1;
	}
	/* TTL 1: a router that got a request anyway (a wrong route, a
	 * proxy ARP answer) drops it instead of forwarding it, so echo
	 * requests never leave the link. Without it, no ICMP at all. */
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0) {
		return ent_close_fail(fd);
	}
#ifdef ICMP_FILTER
	if (raw) {
		/* A raw socket sees every ICMP message of the host; let only echo
		 * replies wake us. Failure costs only wake-ups: ignore it. */
		struct icmp_filter filt;

		filt.data = ~(1u << ICMP_ECHOREPLY);
		(void)setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt));
	}
#endif
	return fd;
}

static ssize_t sys_sendto(int fd, const void *buf, size_t len,
		const struct sockaddr_in *to)
{
	return sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			(const struct sockaddr *)to, sizeof(*to));
}

static ssize_t sys_recvfrom(int fd, void *buf, size_t len,
		struct sockaddr_in *from)
{
	socklen_t flen = sizeof(*from);

	memset(from, 0, sizeof(*from));
	return recvfrom(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)from, &flen);
}

static ssize_t sys_write(int fd, const void *buf, size_t len)
{
	ssize_t r;

	do {
		r = write(fd, buf, len);
	} while (r < 0 && errno == EINTR);
	return r;
}

#define ENT_CLOSE_SCAN_MAX 65536

/* In the child: close every descriptor but a and b (a < b; a may be -1
 * for none). The child must not hold the server's listening sockets (they
 * would outlive a stopped server) nor anything the module opened. */
static void close_all_but(int a, int b)
{
	struct rlimit lim;
	long max, fd;
#ifdef SYS_close_range
	const int keep[2] = { a, b };
	unsigned int lo = 0;
	int i, ok = 1;

	for (i = 0; i < 2 && ok; i++) {
		if (keep[i] < 0) {
			continue;
		}
		if ((unsigned int)keep[i] > lo) {
			ok = syscall(SYS_close_range, lo, (unsigned int)keep[i] - 1, 0U) == 0;
		}
		lo = (unsigned int)keep[i] + 1;
	}
	if (ok && syscall(SYS_close_range, lo, ~0U, 0U) == 0) {
		return;
	}
#endif
	/* Pre-5.9 kernel: close them one by one, below the descriptor limit
	 * (what sysconf(_SC_OPEN_MAX) returns; getrlimit() is linked already,
	 * where musl's sysconf() would bring 1 KB of table) */
	if (getrlimit(RLIMIT_NOFILE, &lim) < 0 || lim.rlim_cur == RLIM_INFINITY
			|| lim.rlim_cur > ENT_CLOSE_SCAN_MAX) {
		max = ENT_CLOSE_SCAN_MAX;
	} else {
		max = (long)lim.rlim_cur;
	}
	for (fd = 0; fd < max; fd++) {
		if (fd != a && fd != b) {
			(void)close((int)fd);
		}
	}
}

/* Parent: the child's pid, the read end in *fd. Child: 0, the write end
 * in *fd. */
static pid_t fork_helper(int keep, int *fd)
{
	static const unsigned char dfl[] = { SIGTERM, SIGINT, SIGCHLD, SIGHUP, SIGPIPE };
	int p[2];
	pid_t pid, parent;
	size_t i;
	int saved;

	/* The raw syscall, as for getrandom(): musl's pipe2() wrapper adds a
	 * fallback for kernels before 2.6.27 (192 bytes) that no kernel we
	 * run on needs */
	if (syscall(SYS_pipe2, p, O_CLOEXEC) < 0) {
		return -1;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		(void)ent_close_fail(p[0]);
		return ent_close_fail(p[1]);
	}
	if (pid == 0) {
		close_all_but(keep < p[1] ? keep : p[1], keep < p[1] ? p[1] : keep);
		/* The server's handlers must not run here; default
		 * dispositions let an administrator's kill end the child */
		for (i = 0; i < sizeof(dfl); i++) {
			(void)signal(dfl[i], SIG_DFL);
		}
		/* Die with the parent, and notice if it is already gone */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) {
			_exit(2);
		}
		*fd = p[1];
		return 0;
	}
	/* Only the child may hold the write end, or the hang-up never comes */
	if (close(p[1]) < 0 && errno != EINTR) {
		saved = errno;
		close(p[0]);
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		errno = saved;
		return -1;
	}
	*fd = p[0];
	return pid;
}

static int sys_reap(pid_t pid, int kill_it, int block)
{
	pid_t r;

	if (pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (kill_it && kill(pid, SIGKILL) < 0 && errno != ESRCH) {
		return -1;
	}
	/* Without block: a child in the read of a hung disk cannot die
	 * before the read ends. Left as a zombie, the server's SIGCHLD
	 * handler reaps it with waitpid(-1) when it does. */
	do {
		r = waitpid(pid, NULL, block ? 0 : WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r < 0 && errno != ECHILD) {
		return -1;
	}
	/* ECHILD: the server's SIGCHLD handler reaped it with waitpid(-1) */
	return 0;
}

static pid_t sys_spawn(void (*child)(int out, const void *arg), const void *arg, int keep,
		int *fd)
{
	int saved;
	pid_t pid;

	pid = fork_helper(keep, fd);
	if (pid == 0) {
		child(*fd, arg);
		_exit(0);
	}
	if (pid < 0) {
		return -1;
	}
	/* The parent never blocks on the pipe: the wait loop polls it */
	if (fcntl(*fd, F_SETFL, O_NONBLOCK) < 0) {
		saved = errno;
		(void)sys_reap(pid, 1, 0);
		errno = saved;
		return ent_close_fail(*fd);
	}
	return pid;
}

static int sys_kmsg_write(const char *line, size_t len)
{
	ssize_t w;
	int fd, saved;

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		return -1;
	}
	/* One write() is one record */
	w = sys_write(fd, line, len);
	saved = errno;
	close(fd);
	if (w != (ssize_t)len) {
		errno = w < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

#if ENT_WITH_BLOCK
static int sys_open_direct(const char *path, uint64_t *bytes, unsigned int *sector)
{
	struct stat before, after;
	int fd, saved, ssz = 0;
#ifdef O_PATH
	char self[40];
	int pfd;
#endif

	/* Only ever open a block device: open() of a character device runs
	 * its driver (/dev/watchdog arms the watchdog, and closing it without
	 * the magic character reboots the board). stat() first, so that
	 * what is plainly no block device is never opened at all. */
	if (stat(path, &before) < 0) {
		return -1;
	}
	if (!S_ISBLK(before.st_mode)) {
		errno = ENOTBLK;
		return -1;
	}
	/* O_NONBLOCK: opening a device node must not hang on a removable
	 * medium; reads of a block device ignore it. */
#ifdef O_PATH
	/* The path may be swapped for a character device after the stat():
	 * an O_PATH descriptor names the inode without opening the device
	 * (no driver runs), it is checked, and the device is opened through
	 * /proc/self/fd, which reaches that very inode, never the path's
	 * new target. */
	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0) {
		return -1;
	}
	errno = ENOTBLK;
	if (fstat(pfd, &after) < 0 || !S_ISBLK(after.st_mode)
			|| after.st_rdev != before.st_rdev) {
		return ent_close_fail(pfd);
	}
	(void)snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	saved = errno;
	close(pfd);
	if (fd < 0 && saved == ENOENT) {
		/* No /proc: the path again, checked after the fact below */
		fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		saved = errno;
	}
	errno = saved;
#else
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
#endif
	if (fd < 0) {
		return -1;
	}
	errno = ENOTBLK;
	if (fstat(fd, &after) < 0 || !S_ISBLK(after.st_mode) || after.st_rdev != before.st_rdev
			|| ioctl(fd, BLKGETSIZE64, bytes) < 0) {
		return ent_close_fail(fd);
	}
	if (ioctl(fd, BLKSSZGET, &ssz) < 0 || ssz <= 0) {
		ssz = 512;
	}
	*sector = (unsigned int)ssz;
	return fd;
}

#endif

static int sys_stat(const char *path, struct stat *st)
{
	return stat(path, st);
}

static ssize_t sys_read(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

#if ENT_WITH_SEED || ENT_WITH_JITTER || ENT_WITH_HWRNG || ENT_WITH_CPURNG
static int sys_rnd_add(const void *buf, size_t len, unsigned int bits)
{
	struct {
		struct rand_pool_info info;
		unsigned char data[64];
	} req;
	ssize_t w = 0;
	int fd, r = 0, saved;

	if (bits > 0 && (len > sizeof(req.data) || bits > len * 8)) {
		errno = EINVAL;
		return -1;
	}
	fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	if (bits == 0) {
		/* A write to /dev/urandom mixes into the pool and never credits */
		w = sys_write(fd, buf, len);
		r = w == (ssize_t)len ? 0 : -1;
		saved = w < 0 ? errno : EIO;
	} else {
		req.info.entropy_count = (int)bits;
		req.info.buf_size = (int)len;
		memcpy(req.data, buf, len);
		r = ioctl(fd, RNDADDENTROPY, &req);
		saved = errno;
		explicit_bzero(&req, sizeof(req));
	}
	close(fd);
	errno = saved;
	return r < 0 ? -1 : 0;
}
#endif

#if ENT_WITH_SEED
static ssize_t sys_list_dir(const char *path, char *buf, size_t len)
{
	struct dirent *de;
	DIR *d;
	size_t used = 0, nlen;
	int fd, saved;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	d = fdopendir(fd);
	if (d == NULL) {
		return ent_close_fail(fd);
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
			continue;
		}
		nlen = strlen(de->d_name) + 1;
		if (nlen > len - used) {
			/* A partial list could change the identity from one
			 * boot to the next: none at all instead */
			(void)closedir(d);
			errno = ENOBUFS;
			return -1;
		}
		memcpy(buf + used, de->d_name, nlen);
		used += nlen;
		errno = 0;
	}
	saved = errno;
	(void)closedir(d);
	if (saved != 0) {
		errno = saved;
		return -1;
	}
	return (ssize_t)used;
}
#endif

#if ENT_WITH_JITTER
static int sys_clock_ns(uint64_t *ns)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC_RAW through the vDSO: the finest clock that
	 * userspace can always read (the cycle counter often not) */
	if (clock_gettime(CLOCK_MONOTONIC_RAW, &ts) < 0) {
		return -1;
	}
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}
#endif

#if ENT_WITH_HWRNG
static int sys_open_read(const char *path)
{
	/* O_NONBLOCK: a read never holds up the wait loop (EAGAIN instead) */
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}
#endif

#if ENT_WITH_CPURNG
#if defined(__x86_64__) || defined(__i386__)
/* One word from RDSEED (seed grade) or RDRAND; CF = 1 means valid */
static int cpu_word(int seed, unsigned long *v)
{
	unsigned char ok;

	if (seed) {
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	} else {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	}
	return ok;
}

static int cpu_kind(const char **name)
{
	unsigned int a, b, c, d;

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 18))) {
		*name = "RDSEED";
		return 1;
	}
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 30))) {
		*name = "RDRAND";
		return 0;
	}
	return -1;
}
#elif defined(__aarch64__)
/* RNDRRS (reseeded) or RNDR; NZCV.Z = 1 means the read failed */
static int cpu_word(int seed, unsigned long *v)
{
	unsigned long ok;

	if (seed) {
		__asm__ volatile("mrs %0, s3_3_c2_c4_1\n\tcset %1, ne" : "=r"(*v), "=r"(ok) : : "cc");
	} else {
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(*v), "=r"(ok) : : "cc");
	}
	return (int)ok;
}

static int cpu_kind(const char **name)
{
	/* HWCAP2_RNG: the kernel says the instructions exist; reading the
	 * register without it would be an illegal instruction */
	if (getauxval(AT_HWCAP2) & (1ul << 16)) {
		*name = "RNDRRS";
		return 1;
	}
	return -1;
}
#else
static int cpu_word(int seed, unsigned long *v)
{
	(void)seed;
	*v = 0;
	return 0;
}

static int cpu_kind(const char **name)
{
	(void)name;
	return -1;
}
#endif

static int sys_cpu_rng(unsigned long *word, const char **name)
{
	int seed = cpu_kind(name);

	if (seed < 0) {
		errno = ENOTSUP;
		return -1;
	}
	return cpu_word(seed, word) ? 1 : 0;
}
#endif

/* Entries of sources this build leaves out stay NULL: nothing calls them */
static const struct ent_ops sys_ops = {
	.read_file = sys_read_file,
	.stat = sys_stat,
	.getrandom = sys_getrandom,
	.rnd_count = sys_rnd_count,
	.now_us = sys_now_us,
	.poll = sys_poll,
	.read = sys_read,
	.close = ent_close,
	.icmp_socket = sys_icmp_socket,
	.sendto = sys_sendto,
	.recvfrom = sys_recvfrom,
	.spawn = sys_spawn,
	.reap = sys_reap,
	.kmsg_write = sys_kmsg_write,
#if ENT_WITH_BLOCK
	.open_direct = sys_open_direct,
#endif
#if ENT_WITH_SEED
	.list_dir = sys_list_dir,
#endif
#if ENT_WITH_SEED || ENT_WITH_JITTER || ENT_WITH_HWRNG || ENT_WITH_CPURNG
	.rnd_add = sys_rnd_add,
#endif
#if ENT_WITH_JITTER
	.clock_ns = sys_clock_ns,
#endif
#if ENT_WITH_HWRNG
	.open_read = sys_open_read,
#endif
#if ENT_WITH_CPURNG
	.cpu_rng = sys_cpu_rng,
#endif
};

const struct ent_ops *ent_sys_ops(void)
{
	return &sys_ops;
}
