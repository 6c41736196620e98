/*
 * dropbear-entropy: the real kernel behind struct ent_ops.
 *
 * Every descriptor is opened close-on-exec so that programs the server
 * starts later never inherit one; the wait closes them all before it
 * returns anyway.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#endif

#include "ent_internal.h"

#ifndef SYS_getrandom
#error "SYS_getrandom is missing from the libc headers"
#endif

static ssize_t sys_getrandom(void *ctx, void *buf, size_t len, unsigned int flags)
{
	(void)ctx;
	/* The raw syscall: older libcs lack the wrapper, and ENOSYS from an old
	 * kernel must reach the caller unchanged. */
	return syscall(SYS_getrandom, buf, len, flags);
}

static ssize_t sys_read_file(void *ctx, const char *path, char *buf, size_t len)
{
	int fd;
	size_t got = 0;
	ssize_t r;
	int saved;

	(void)ctx;
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
	while (got < len - 1) {
		r = read(fd, buf + got, len - 1 - got);
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (r == 0) {
			break;
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	if (close(fd) < 0 && errno != EINTR) {
		return -1;
	}
	return (ssize_t)got;
}

static int sys_entcnt_ioctl(void *ctx, int *bits)
{
	int fd, ret, saved;

	(void)ctx;
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

static int64_t sys_now_us(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) {
		return 0;
	}
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int sys_poll(void *ctx, struct pollfd *fds, nfds_t n, int64_t timeout_us)
{
	struct timespec ts;

	(void)ctx;
	if (timeout_us < 0) {
		return ppoll(fds, n, NULL, NULL);
	}
	/* ppoll for microsecond pacing gaps; poll() only knows milliseconds */
	ts.tv_sec = (time_t)(timeout_us / 1000000);
	ts.tv_nsec = (long)(timeout_us % 1000000) * 1000;
	return ppoll(fds, n, &ts, NULL);
}

static int sys_close(void *ctx, int fd)
{
	(void)ctx;
	/* Linux releases the descriptor even when close() reports EINTR, so
	 * it is never retried. */
	if (close(fd) < 0 && errno != EINTR) {
		return -1;
	}
	return 0;
}

static pid_t sys_getpid(void *ctx)
{
	(void)ctx;
	return getpid();
}

static int sys_icmp_socket(void *ctx, int raw)
{
	int fd, ttl = 1, saved;

	(void)ctx;
	fd = socket(AF_INET, (raw ? SOCK_RAW : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK,
			IPPROTO_ICMP);
	if (fd < 0) {
		return -1;
	}
	/* TTL 1: a router that got a request anyway (a wrong route, a
	 * proxy ARP answer) drops it instead of forwarding it, so echo
	 * requests never leave the link. Without it, no ICMP at all. */
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
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

static ssize_t sys_sendto(void *ctx, int fd, const void *buf, size_t len,
		const struct sockaddr_in *to)
{
	(void)ctx;
	return sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			(const struct sockaddr *)to, sizeof(*to));
}

static ssize_t sys_recvfrom(void *ctx, int fd, void *buf, size_t len,
		struct sockaddr_in *from)
{
	socklen_t flen = sizeof(*from);

	(void)ctx;
	memset(from, 0, sizeof(*from));
	return recvfrom(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)from, &flen);
}

static void sys_child_stop(void *ctx, pid_t pid)
{
	(void)ctx;
	if (pid <= 0) {
		return;
	}
	(void)kill(pid, SIGKILL);
	/* No waiting: a child in the read of a hung disk cannot die before
	 * the read ends. Left as a zombie, the server's SIGCHLD handler
	 * reaps it with waitpid(-1) when it does. */
	(void)waitpid(pid, NULL, WNOHANG);
}

#if ENT_WITH_BLOCK
static int sys_open_direct(void *ctx, const char *path)
{
	struct stat before, after;
	int fd, saved;

	(void)ctx;
	/* Only ever open a block device: open() of a character device runs
	 * its driver (/dev/watchdog arms the watchdog, and closing it without
	 * the magic character reboots the board). stat() first, then the
	 * descriptor must be that same device. */
	if (stat(path, &before) < 0) {
		return -1;
	}
	if (!S_ISBLK(before.st_mode)) {
		errno = ENOTBLK;
		return -1;
	}
	/* O_NONBLOCK: opening a device node must not hang on a removable
	 * medium; reads of a block device ignore it. */
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		return -1;
	}
	if (fstat(fd, &after) < 0 || !S_ISBLK(after.st_mode) || after.st_rdev != before.st_rdev) {
		saved = errno;
		close(fd);
		errno = saved != 0 ? saved : ENOTBLK;
		return -1;
	}
	return fd;
}

static int sys_blk_geometry(void *ctx, int fd, uint64_t *bytes, unsigned int *sector)
{
	struct stat st;
	int ssz = 0;

	(void)ctx;
	if (fstat(fd, &st) < 0) {
		return -1;
	}
	if (!S_ISBLK(st.st_mode)) {
		errno = ENOTBLK;
		return -1;
	}
	if (ioctl(fd, BLKGETSIZE64, bytes) < 0) {
		return -1;
	}
	if (ioctl(fd, BLKSSZGET, &ssz) < 0 || ssz <= 0) {
		ssz = 512;
	}
	*sector = (unsigned int)ssz;
	return 0;
}

/* Writes all of buf; the reader went away (or the pipe broke): -1 */
static int write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t r;

	while (len > 0) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* The reader child: n reads of one sector, one byte 'r' on the pipe after
 * each; 'e' and the errno on a failure. It only reads, holds nothing but
 * the device and the pipe, and dies with its parent or when the pipe
 * breaks. */
static void block_child(int dev, int out, unsigned int sector, uint64_t nsectors,
		unsigned long n)
{
	unsigned char msg[2];
	void *buf;
	unsigned long i;
	ssize_t r;

	/* O_DIRECT wants a buffer aligned to the sector; a page is aligned
	 * for every sector size up to it */
	if (posix_memalign(&buf, sector > ENT_BLOCK_ALIGN ? sector : ENT_BLOCK_ALIGN,
				sector) != 0) {
		msg[0] = 'e';
		msg[1] = ENOMEM;
		(void)write_all(out, msg, 2);
		_exit(1);
	}
	for (i = 0; i < n; i++) {
		do {
			r = pread(dev, buf, sector, (off_t)ent_block_offset(i, nsectors, sector));
		} while (r < 0 && errno == EINTR);
		if (r != (ssize_t)sector) {
			msg[0] = 'e';
			msg[1] = (unsigned char)(r < 0 && errno < 256 ? errno : EIO);
			(void)write_all(out, msg, 2);
			_exit(1);
		}
		msg[0] = 'r';
		if (write_all(out, msg, 1) < 0) {
			_exit(1);
		}
	}
	_exit(0);
}

static pid_t sys_block_spawn(void *ctx, int dev, unsigned int sector, uint64_t nsectors,
		unsigned long n, int *fd)
{
	int saved;
	pid_t pid;

	pid = ent_sys_fork_helper(dev, fd);
	if (pid == 0) {
		block_child(dev, *fd, sector, nsectors, n);
	}
	if (pid < 0) {
		return -1;
	}
	/* The parent never blocks on the pipe: the wait loop polls it */
	if (fcntl(*fd, F_SETFL, O_NONBLOCK) < 0) {
		saved = errno;
		close(*fd);
		sys_child_stop(ctx, pid);
		errno = saved;
		return -1;
	}
	return pid;
}

/* Root in an initramfs, tmpfs or on NFS: take the first disk that exists
 * under a usual name. Reading it is as harmless as reading the root. */
static int first_disk(char *path, size_t len)
{
	static const char *const disks[] = {
		"/dev/vda", "/dev/mmcblk0", "/dev/nvme0n1", "/dev/sda", "/dev/xvda", NULL
	};
	struct stat st;
	int i;

	for (i = 0; disks[i] != NULL; i++) {
		if (stat(disks[i], &st) == 0 && S_ISBLK(st.st_mode)
				&& strlen(disks[i]) < len) {
			strcpy(path, disks[i]);
			return 0;
		}
	}
	errno = ENODEV;
	return -1;
}

static int sys_root_device(void *ctx, char *path, size_t len)
{
	struct stat st;
	char sysp[64], text[512];
	const char *name, *end;
	ssize_t n;
	int w;

	if (stat("/", &st) < 0) {
		return -1;
	}
	if (major(st.st_dev) == 0) {
		/* No block device behind / */
		return first_disk(path, len);
	}
	w = snprintf(sysp, sizeof(sysp), "/sys/dev/block/%u:%u/uevent",
			major(st.st_dev), minor(st.st_dev));
	if (w < 0 || (size_t)w >= sizeof(sysp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	n = sys_read_file(ctx, sysp, text, sizeof(text));
	if (n < 0) {
		return -1;
	}
	name = strstr(text, "DEVNAME=");
	if (name == NULL) {
		errno = ENOENT;
		return -1;
	}
	name += strlen("DEVNAME=");
	end = strchr(name, '\n');
	if (end == NULL) {
		end = name + strlen(name);
	}
	w = snprintf(path, len, "/dev/%.*s", (int)(end - name), name);
	if (w < 0 || (size_t)w >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
#endif

static int sys_kmsg_open(void *ctx)
{
	(void)ctx;
	return open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
}

static ssize_t sys_write(void *ctx, int fd, const void *buf, size_t len)
{
	ssize_t r;

	(void)ctx;
	do {
		r = write(fd, buf, len);
	} while (r < 0 && errno == EINTR);
	return r;
}

/* Files: the seed directory and the per-boot lock (ent_boot.c) */
static int sys_mkdir(void *ctx, const char *path, mode_t mode)
{
	(void)ctx;
	return mkdir(path, mode);
}

static int sys_open_dir(void *ctx, const char *path)
{
	(void)ctx;
	/* O_NOFOLLOW: a symlink planted in place of the directory is refused */
	return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int sys_fstat(void *ctx, int fd, struct stat *st)
{
	(void)ctx;
	return fstat(fd, st);
}

static int sys_flock(void *ctx, int fd)
{
	int r;

	(void)ctx;
	do {
		r = flock(fd, LOCK_EX | LOCK_NB);
	} while (r < 0 && errno == EINTR);
	return r;
}

static int sys_openat(void *ctx, int dirfd, const char *name, int flags, mode_t mode)
{
	(void)ctx;
	return openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
}

static ssize_t sys_read(void *ctx, int fd, void *buf, size_t len)
{
	(void)ctx;
	return read(fd, buf, len);
}

static int sys_renameat(void *ctx, int dirfd, const char *from, const char *to)
{
	(void)ctx;
	return renameat(dirfd, from, dirfd, to);
}

#if ENT_WITH_SEED
static int sys_unlinkat(void *ctx, int dirfd, const char *name)
{
	(void)ctx;
	return unlinkat(dirfd, name, 0);
}

static int sys_fsync(void *ctx, int fd)
{
	(void)ctx;
	return fsync(fd);
}

static uid_t sys_geteuid(void *ctx)
{
	(void)ctx;
	return geteuid();
}
#endif

#if ENT_WITH_SEED || ENT_WITH_JITTER || ENT_WITH_HWRNG || ENT_WITH_CPURNG
static int sys_rnd_credit(void *ctx, const void *buf, size_t len, int bits)
{
	struct {
		struct rand_pool_info info;
		unsigned char data[64];
	} req;
	int fd, r, saved;

	(void)ctx;
	if (len > sizeof(req.data) || bits < 0 || (size_t)bits > len * 8) {
		errno = EINVAL;
		return -1;
	}
	req.info.entropy_count = bits;
	req.info.buf_size = (int)len;
	memcpy(req.data, buf, len);
	fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	r = ioctl(fd, RNDADDENTROPY, &req);
	saved = errno;
	close(fd);
	explicit_bzero(&req, sizeof(req));
	errno = saved;
	return r < 0 ? -1 : 0;
}

static int sys_rnd_mix(void *ctx, const void *buf, size_t len)
{
	ssize_t r;
	int fd, saved;

	/* A write to /dev/urandom mixes into the pool and never credits */
	fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	r = sys_write(ctx, fd, buf, len);
	saved = errno;
	close(fd);
	if (r != (ssize_t)len) {
		errno = r < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}
#endif

#if ENT_WITH_SEED
static ssize_t sys_list_dir(void *ctx, const char *path, char *buf, size_t len)
{
	struct dirent *de;
	DIR *d;
	size_t used = 0, nlen;
	int fd, saved;

	(void)ctx;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	d = fdopendir(fd);
	if (d == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
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
static ssize_t sys_jitter_sample(void *ctx, void *mem, size_t memlen, uint64_t *d, size_t n)
{
	volatile unsigned char *m = mem;
	struct timespec a, b;
	size_t i, k, idx = 0;

	(void)ctx;
	if (memlen == 0) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* CLOCK_MONOTONIC_RAW through the vDSO: the finest clock that
		 * userspace can always read (the cycle counter often not) */
		if (clock_gettime(CLOCK_MONOTONIC_RAW, &a) < 0) {
			return -1;
		}
		/* A data-dependent walk that the prefetcher cannot follow:
		 * cache and TLB misses make its duration vary */
		for (k = 0; k < 64; k++) {
			idx = (idx * 1103515245u + 12345u + m[idx % memlen]) % memlen;
			m[idx]++;
		}
		if (clock_gettime(CLOCK_MONOTONIC_RAW, &b) < 0) {
			return -1;
		}
		d[i] = (uint64_t)((int64_t)(b.tv_sec - a.tv_sec) * 1000000000
				+ (b.tv_nsec - a.tv_nsec));
	}
	return (ssize_t)n;
}
#endif

#if ENT_WITH_HWRNG
static int sys_open_hwrng(void *ctx)
{
	(void)ctx;
	/* O_NONBLOCK: a read never holds up the wait loop (EAGAIN instead) */
	return open("/dev/hwrng", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
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

static ssize_t sys_cpu_rng(void *ctx, void *buf, size_t len, const char **name)
{
	unsigned char *p = buf;
	unsigned long v;
	size_t got = 0, take;
	int seed, tries;

	(void)ctx;
	seed = cpu_kind(name);
	if (seed < 0) {
		errno = ENOTSUP;
		return -1;
	}
	while (got < len) {
		/* Seed-grade reads may run dry for a moment: retry a little */
		for (tries = 0; tries < 100 && !cpu_word(seed, &v); tries++) {
		}
		if (tries == 100) {
			errno = EAGAIN;
			return -1;
		}
		take = len - got < sizeof(v) ? len - got : sizeof(v);
		memcpy(p + got, &v, take);
		got += take;
	}
	v = 0;
	return (ssize_t)got;
}
#endif

/* Entries of sources this build leaves out stay NULL: nothing calls them */
static const struct ent_ops sys_ops = {
	.getrandom = sys_getrandom,
	.read_file = sys_read_file,
	.entcnt_ioctl = sys_entcnt_ioctl,
	.now_us = sys_now_us,
	.poll = sys_poll,
	.close = sys_close,
	.getpid = sys_getpid,
	.icmp_socket = sys_icmp_socket,
	.sendto = sys_sendto,
	.recvfrom = sys_recvfrom,
#if ENT_WITH_BLOCK
	.open_direct = sys_open_direct,
	.blk_geometry = sys_blk_geometry,
	.block_spawn = sys_block_spawn,
	.root_device = sys_root_device,
#endif
	.child_stop = sys_child_stop,
	.collector_spawn = ent_sys_collector_spawn,
	.collector_reap = ent_sys_collector_reap,
	.kmsg_open = sys_kmsg_open,
	.write = sys_write,
	.mkdir = sys_mkdir,
	.open_dir = sys_open_dir,
	.fstat = sys_fstat,
	.flock = sys_flock,
	.openat = sys_openat,
	.read = sys_read,
	.renameat = sys_renameat,
#if ENT_WITH_SEED
	.unlinkat = sys_unlinkat,
	.fsync = sys_fsync,
	.geteuid = sys_geteuid,
	.list_dir = sys_list_dir,
#endif
#if ENT_WITH_SEED || ENT_WITH_JITTER || ENT_WITH_HWRNG || ENT_WITH_CPURNG
	.rnd_credit = sys_rnd_credit,
	.rnd_mix = sys_rnd_mix,
#endif
#if ENT_WITH_JITTER
	.jitter_sample = sys_jitter_sample,
#endif
#if ENT_WITH_HWRNG
	.open_hwrng = sys_open_hwrng,
#endif
#if ENT_WITH_CPURNG
	.cpu_rng = sys_cpu_rng,
#endif
};

const struct ent_ops *ent_sys_ops(void)
{
	return &sys_ops;
}
