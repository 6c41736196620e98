/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * The simulated kernel behind struct ent_ops; see sim.h for the model.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/ip_icmp.h>
#include <sys/file.h>
#include <sys/sysmacros.h>

#include "ent_block.h"
#include "ent_collector.h"
#include "ent_icmp.h"
#include "ent_internal.h"
#include "ent_probe.h"
#include "ent_route.h"
#include "ent_seed.h"
#include "ent_sys.h"
#include "ent_wait.h"
#include "entropy.h"
#include "sim.h"
#include "fs-wrap.h"

#define SIM_STEP_US 1000
#define SIM_GW "10.0.2.2"

static struct sim *current;

static ssize_t hwrng_read(struct sim *s, unsigned char *buf, size_t len);
static void block_child_run(struct sim *s);

static const char default_route[] =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	"eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	"eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";

void sim_set_current(struct sim *s)
{
	current = s;
}

void sim_init(struct sim *s, int poolsize)
{
	memset(s, 0, sizeof(*s));
	s->poolsize = poolsize;
	s->gw_answers = 1;
	s->rtt_us = 60;
	s->jitter_bits_per_s = 256.0;
	s->block_bytes = 1ULL << 30;
	s->block_sector = 512;
	s->block_latency_us = 100;
	s->root_has_block = 1;
	s->limit = 600LL * 1000000;
	s->now = 5000000;	/* boot happened 5 s ago */
	s->last_mix = s->now;
	s->old_fastload = 256;
	s->last_rx_irq = -1000000000LL;
	s->dir_mode = S_IFDIR | 0700;
	s->file_idx = -1;
	/* The rig's guest: the seed directory on the virtio disk, which has
	 * a serial, and qemu's default NIC */
	s->dir_dev = makedev(254, 0);
	sim_sysfs_set(s, "/sys/dev/block/254:0/uevent",
			"MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n");
	sim_sysfs_set(s, "/sys/class/block/vda/dev", "254:0\n");
	sim_sysfs_set(s, "/sys/block/vda/serial", "dbe-rig-0001");
	sim_sysfs_set(s, "/sys/class/net/eth0/device/uevent", "DRIVER=virtio_net\n");
	sim_sysfs_set(s, "/sys/class/net/eth0/address", "52:54:00:12:34:56\n");
	sim_sysfs_set(s, "/sys/class/net/eth0/addr_assign_type", "0\n");
	sim_sysfs_set(s, "/sys/class/net/lo/address", "00:00:00:00:00:00\n");
	sim_sysfs_set(s, "/sys/class/net/lo/addr_assign_type", "0\n");
	sim_set_current(s);
}

void sim_sysfs_bin(struct sim *s, const char *path, const void *data, size_t len)
{
	int i, free_slot = -1;

	for (i = 0; i < SIM_SYSFS_MAX; i++) {
		if (s->sysfs[i].path != NULL && strcmp(s->sysfs[i].path, path) == 0) {
			break;
		}
		if (s->sysfs[i].path == NULL && free_slot < 0) {
			free_slot = i;
		}
	}
	if (i == SIM_SYSFS_MAX) {
		if (data == NULL) {
			return;
		}
		if (free_slot < 0) {
			fprintf(stderr, "sim: more than %d sysfs files\n", SIM_SYSFS_MAX);
			abort();
		}
		i = free_slot;
	}
	s->sysfs[i].path = data != NULL ? path : NULL;
	s->sysfs[i].data = data;
	s->sysfs[i].len = len;
}

void sim_sysfs_set(struct sim *s, const char *path, const char *text)
{
	sim_sysfs_bin(s, path, text, text != NULL ? strlen(text) : 0);
}

void sim_sysfs_clear(struct sim *s)
{
	memset(s->sysfs, 0, sizeof(s->sysfs));
}

static ssize_t sysfs_read(struct sim *s, const char *path, char *buf, size_t len)
{
	size_t n;
	int i;

	for (i = 0; i < SIM_SYSFS_MAX; i++) {
		if (s->sysfs[i].path == NULL || strcmp(s->sysfs[i].path, path) != 0) {
			continue;
		}
		/* as the real read_file: at most len - 1 bytes, terminated */
		n = s->sysfs[i].len;
		if (len == 0) {
			errno = EINVAL;
			return -1;
		}
		if (n > len - 1) {
			n = len - 1;
		}
		memcpy(buf, s->sysfs[i].data, n);
		buf[n] = '\0';
		return (ssize_t)n;
	}
	errno = ENOENT;
	return -1;
}

/* The directory path exists while some file lies below it; its entries
 * are the first components below it */
static ssize_t sim_list_dir(const char *path, char *buf, size_t len)
{
	struct sim *s = current;
	size_t plen = strlen(path), used = 0, nlen;
	const char *rest, *p;
	int i, found = 0;

	for (i = 0; i < SIM_SYSFS_MAX; i++) {
		if (s->sysfs[i].path == NULL || strncmp(s->sysfs[i].path, path, plen) != 0
				|| s->sysfs[i].path[plen] != '/') {
			continue;
		}
		found = 1;
		rest = s->sysfs[i].path + plen + 1;
		nlen = strcspn(rest, "/");
		/* already listed? */
		for (p = buf; p < buf + used; p += strlen(p) + 1) {
			if (strlen(p) == nlen && strncmp(p, rest, nlen) == 0) {
				break;
			}
		}
		if (p < buf + used) {
			continue;
		}
		if (nlen + 1 > len - used) {
			errno = ENOBUFS;
			return -1;
		}
		memcpy(buf + used, rest, nlen);
		buf[used + nlen] = '\0';
		used += nlen + 1;
	}
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	return (ssize_t)used;
}

void sim_config(struct sim *s, struct entropy_config *cfg, volatile int *stop)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log = sim_log_fn;
	*stop = 0;
	cfg->stop_flag = stop;
	s->stop_flag = stop;
}

static int bits_needed(const struct sim *s)
{
	return s->poolsize == 4096 ? 128 : 256;
}

static void credit(struct sim *s, double b)
{
	s->bits += b;
	if (!s->ready && s->bits >= bits_needed(s)) {
		s->ready = 1;
		s->ready_at = s->now;
	}
}

/* One device interrupt, as add_interrupt_randomness() sees it */
static void device_irq(struct sim *s)
{
	unsigned int c;

	s->dev_irqs++;
	if (s->poolsize == 4096 && s->old_fastload > 0) {
		/* crng_fast_load(): feeds the CRNG key, credits nothing */
		s->old_fastload--;
		return;
	}
	s->fast_count++;
	if (s->fast_count < (s->poolsize == 4096 ? 64u : 1024u)
			&& s->now - s->last_mix < 1000000) {
		return;
	}
	c = s->fast_count / 64;
	if (c < 1) {
		c = 1;
	}
	s->fast_count = 0;
	s->last_mix = s->now;
	credit(s, (double)c);
}

/* When the next reply on its way arrives; -1 none */
static int64_t next_reply_at(const struct sim *s)
{
	return s->q_len > s->q_arrived ? s->q_at[(s->q_head + s->q_arrived) % SIM_QMAX] : -1;
}

/* The next time advance_to() must stop at before to: a reply's arrival,
 * or the strangers before it */
static int64_t reply_event_before(const struct sim *s, int64_t to)
{
	int64_t ra = next_reply_at(s);

	if (ra > s->now && ra < to) {
		to = ra;
	}
	if (ra >= 0 && s->bad_before_each && !s->bad_sent
			&& ra - s->rtt_us / 2 > s->now && ra - s->rtt_us / 2 < to) {
		to = ra - s->rtt_us / 2;
	}
	return to;
}

static void advance_to(struct sim *s, int64_t to)
{
	int64_t step, ra;
	double dt;

	while (s->now < to) {
		step = to;
		if (step - s->now > SIM_STEP_US) {
			step = s->now + SIM_STEP_US;
		}
		step = reply_event_before(s, step);
		if (s->blk_child && s->blk_left > 0 && s->blk_next > s->now && s->blk_next < step) {
			step = s->blk_next;
		}
		dt = (double)(step - s->now) / 1e6;
		s->now = step;
		block_child_run(s);
		/* per-CPU timer ticks at 250 Hz on 2 CPUs: no credit */
		s->percpu_irqs += (uint64_t)(dt * 500.0 + 0.5);
		s->bg_acc += s->bg_irq_per_s * dt;
		while (s->bg_acc >= 1.0) {
			s->bg_acc -= 1.0;
			device_irq(s);
		}
		if (s->collector_running && s->has_jitter && !s->ready) {
			s->jitter_acc += s->jitter_bits_per_s * dt;
			if (s->jitter_acc >= 1.0) {
				credit(s, (double)(int)s->jitter_acc);
				s->jitter_acc -= (double)(int)s->jitter_acc;
			}
		}
		ra = next_reply_at(s);
		if (ra >= 0 && s->bad_before_each && !s->bad_sent
				&& s->now >= ra - s->rtt_us / 2) {
			/* Strangers arrive while the real reply is on its way:
			 * taking one for the reply would free a request's place */
			s->bad_queued = 3;
			s->bad_sent = 1;
		}
		while ((ra = next_reply_at(s)) >= 0 && ra <= s->now) {
			s->q_arrived++;
			s->bad_sent = 0;
			/* Interrupt moderation: replies closer together than
			 * coalesce_us interrupt only one time in eight */
			if (s->coalesce_us == 0 || s->now - s->last_rx_irq >= s->coalesce_us) {
				if (!s->no_reply_irq) {
					device_irq(s);
				}
			} else if (++s->coalesced % 8 == 0 && !s->no_reply_irq) {
				device_irq(s);
			}
			s->last_rx_irq = s->now;
		}
	}
}

static ssize_t sim_getrandom(void *buf, size_t len, unsigned int flags)
{
	struct sim *s = current;

	s->getrandom_calls++;
	if (s->enosys) {
		errno = ENOSYS;
		return -1;
	}
	if (!(flags & 5)) {
		/* The parent must never block in getrandom() */
		s->violations++;
	}
	if (!s->ready && !(flags & 4)) {
		errno = EAGAIN;
		return -1;
	}
	{
		size_t i;

		s->rnd_counter++;
		for (i = 0; i < len; i++) {
			((unsigned char *)buf)[i] = (unsigned char)(s->rnd_counter * 131 + i * 7);
		}
	}
	return (ssize_t)len;
}

static ssize_t put_text(char *buf, size_t len, const char *text)
{
	size_t n = strlen(text);

	if (n >= len) {
		n = len - 1;
	}
	memcpy(buf, text, n);
	buf[n] = '\0';
	return (ssize_t)n;
}

void sim_text(struct sim *s, const char *path, const char *text)
{
	int i, free_slot = -1;

	for (i = 0; i < SIM_TEXTS; i++) {
		if (s->text_path[i] != NULL && strcmp(s->text_path[i], path) == 0) {
			break;
		}
		if (s->text_path[i] == NULL && free_slot < 0) {
			free_slot = i;
		}
	}
	if (i == SIM_TEXTS) {
		i = free_slot;
	}
	if (i < 0) {
		s->violations++;	/* a test wants more than SIM_TEXTS files */
		return;
	}
	s->text_path[i] = text != NULL ? path : NULL;
	s->text[i] = text;
}

/* /sys/class/net/IF/carrier from s->operstate ("IF STATE" lines): 1
 * where STATE is up or unknown, 0 where it is not */
static ssize_t sim_operstate(struct sim *s, const char *rest, char *buf, size_t len)
{
	const char *slash = strchr(rest, '/'), *p = s->operstate;
	size_t n = slash != NULL ? (size_t)(slash - rest) : 0;
	char state[18];

	if (slash == NULL || strcmp(slash, "/carrier") != 0 || n == 0) {
		errno = ENOENT;
		return -1;
	}
	while (p != NULL && *p != '\0') {
		if (strncmp(p, rest, n) == 0 && p[n] == ' '
				&& sscanf(p + n + 1, "%15s", state) == 1) {
			return put_text(buf, len, strcmp(state, "up") == 0
					|| strcmp(state, "unknown") == 0 ? "1\n" : "0\n");
		}
		p = strchr(p, '\n');
		p = p != NULL ? p + 1 : NULL;
	}
	return put_text(buf, len, "1\n");
}

static ssize_t sim_read_file(const char *path, char *buf, size_t len)
{
	struct sim *s = current;
	char text[1024];
	int b;

	for (b = 0; b < SIM_TEXTS; b++) {
		if (s->text_path[b] != NULL && strcmp(s->text_path[b], path) == 0) {
			return put_text(buf, len, s->text[b]);
		}
	}

	if (strcmp(path, ENT_PATH_POOLSIZE) == 0 && s->poolsize != 0) {
		snprintf(text, sizeof(text), "%d\n", s->poolsize);
		return put_text(buf, len, text);
	}
	if (strcmp(path, ENT_PATH_ENTROPY_AVAIL) == 0 && !s->no_entropy_avail) {
		b = s->ready && s->poolsize != 4096 ? 256 : (int)s->bits;
		snprintf(text, sizeof(text), "%d\n", b);
		return put_text(buf, len, text);
	}
	if (strcmp(path, ENT_PATH_ROUTE) == 0 && !s->no_route_file && s->now < s->route_at) {
		return put_text(buf, len, s->route_before != NULL ? s->route_before
				: "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n");
	}
	if (strcmp(path, ENT_PATH_ROUTE) == 0 && !s->no_route_file) {
		return put_text(buf, len, s->route_text != NULL ? s->route_text : default_route);
	}
	if (strcmp(path, ENT_PATH_ARP) == 0 && s->arp_text != NULL) {
		return put_text(buf, len, s->arp_text);
	}
	if (strncmp(path, "/sys/class/net/", 15) == 0 && strlen(path) > 23
			&& strcmp(path + strlen(path) - 8, "/carrier") == 0) {
		return sim_operstate(s, path + 15, buf, len);
	}
	if (strcmp(path, ENT_PATH_INTERRUPTS) == 0 && !s->no_interrupts) {
		/* arm64 layout: the arch timer is a PPI, IPIs have names */
		snprintf(text, sizeof(text),
				"           CPU0       CPU1       \n"
				" 11: %10llu %10llu     GICv3  27 Level     arch_timer\n"
				" 36: %10llu %10llu     GICv3  79 Edge      virtio0\n"
				" 37: %10llu %10llu     GICv3  80 Edge      virtio1\n"
				"IPI0: %10llu %10llu       Rescheduling interrupts\n"
				"Err:          0\n",
				(unsigned long long)(s->percpu_irqs / 2),
				(unsigned long long)(s->percpu_irqs - s->percpu_irqs / 2),
				(unsigned long long)(s->dev_irqs / 3),
				(unsigned long long)(s->dev_irqs / 3),
				(unsigned long long)(s->dev_irqs - 2 * (s->dev_irqs / 3)), 0ULL,
				(unsigned long long)s->percpu_irqs, 7ULL);
		return put_text(buf, len, text);
	}
	if (strncmp(path, "/sys/", 5) == 0 || strncmp(path, "/proc/device-tree/", 18) == 0) {
		return sysfs_read(s, path, buf, len);
	}
	errno = ENOENT;
	return -1;
}

static int sim_rnd_count(int *bits)
{
	struct sim *s = current;

	if (s->no_ioctl) {
		errno = ENOTTY;
		return -1;
	}
	*bits = s->ready && s->poolsize != 4096 ? 256 : (int)s->bits;
	return 0;
}

static int64_t sim_now(void)
{
	return current->now;
}

static int fd_ready(struct sim *s, const struct pollfd *p)
{
	if (p->fd == SIM_FD_ICMP && s->icmp_open) {
		return s->q_arrived > 0 || s->bad_queued > 0;
	}
	if (p->fd == SIM_FD_COLLECTOR && s->collector_running) {
		return s->ready || s->collector_error;
	}
	if (p->fd == SIM_FD_BLOCK_PIPE && s->blk_pipe_open) {
		/* reads to report, an error, or the end (child done or gone) */
		return s->blk_msg_len > 0 || s->blk_pending > 0 || s->blk_err || !s->blk_child
			|| s->blk_left == 0;
	}
	return 0;
}

/* Reads the reader child finished by now: each raises a device interrupt */
static void block_child_run(struct sim *s)
{
	uint64_t off;

	while (s->blk_child && s->blk_left > 0 && !s->blk_err && !s->blk_hung
			&& s->now >= s->blk_next) {
		if (s->block_hangs) {
			s->blk_hung = 1;
			return;
		}
		if (s->block_fails) {
			s->blk_err = 1;
			return;
		}
		off = ent_block_offset(s->block_reads, s->blk_nsectors, s->block_sector);
		if (off % s->block_sector != 0 || off + s->block_sector > s->block_bytes) {
			s->block_misaligned++;
		}
		device_irq(s);
		s->block_reads++;
		s->blk_pending++;
		s->blk_left--;
		s->blk_next += s->block_latency_us;
	}
}

static int sim_poll(struct pollfd *fds, nfds_t n, int64_t timeout_us)
{
	struct sim *s = current;
	int64_t deadline;
	nfds_t i;
	int hits;

	s->polls++;
	if (timeout_us == 0) {
		s->zero_polls++;
	}
	deadline = timeout_us < 0 ? s->limit + 1 : s->now + timeout_us;
	for (;;) {
		if (s->stop_at != 0 && s->now >= s->stop_at && s->stop_flag != NULL) {
			if (++s->stop_returns > 1000) {
				printf("FAIL sim: the wait keeps polling after the stop flag\n");
				printf("0 passed, 1 failed\n");
				exit(1);
			}
			*s->stop_flag = 1;
			errno = EINTR;
			return -1;
		}
		if (s->now >= s->limit + 10000000) {
			/* The wait ignored the stop flag: end the test run */
			printf("FAIL sim: the wait did not return 10 s after the stop flag\n");
			printf("0 passed, 1 failed\n");
			exit(1);
		}
		if (s->now >= s->limit && s->stop_flag != NULL) {
			if (++s->stop_returns > 1000) {
				printf("FAIL sim: the wait keeps polling after the stop flag\n");
				printf("0 passed, 1 failed\n");
				exit(1);
			}
			s->hit_limit = 1;
			*s->stop_flag = 1;
			errno = EINTR;
			return -1;
		}
		hits = 0;
		for (i = 0; i < n; i++) {
			fds[i].revents = 0;
			if (fd_ready(s, &fds[i])) {
				fds[i].revents = fds[i].fd == SIM_FD_COLLECTOR ? POLLHUP : POLLIN;
				hits++;
			}
		}
		if (hits > 0 || s->now >= deadline) {
			return hits;
		}
		{
			int64_t to = deadline < s->now + SIM_STEP_US ? deadline : s->now + SIM_STEP_US;

			/* Stop at a reply's arrival so that it wakes the poll */
			advance_to(s, reply_event_before(s, to));
		}
	}
}

static int sim_close(int fd)
{
	struct sim *s = current;

	if (fd == SIM_FD_ICMP && s->icmp_open) {
		s->icmp_open = 0;
		s->q_len = s->q_arrived = 0;
		return 0;
	}
	if (fd == SIM_FD_BLOCK && s->block_open) {
		s->block_open = 0;
		return 0;
	}
	if (fd == SIM_FD_BLOCK_PIPE && s->blk_pipe_open) {
		s->blk_pipe_open = 0;
		return 0;
	}
	if (fd == SIM_FD_COLLECTOR && s->collector_spawned) {
		s->collector_spawned = 0;
		return 0;
	}
	if (fd == SIM_FD_DIR && s->dir_open) {
		s->dir_open = 0;
		return 0;
	}
	if (fd == SIM_FD_HWRNG && s->hwrng_open) {
		s->hwrng_open = 0;
		return 0;
	}
	if (fd == SIM_FD_FILE && s->file_open) {
		s->file_open = 0;
		return 0;
	}
	s->violations++;
	errno = EBADF;
	return -1;
}


static int sim_icmp_socket(int raw)
{
	struct sim *s = current;

	if ((raw && s->raw_eperm) || (!raw && s->dgram_eperm)) {
		errno = raw ? EPERM : EACCES;
		return -1;
	}
	if (s->icmp_open) {
		s->violations++;
	}
	s->sockets++;
	s->icmp_open = 1;
	s->icmp_raw = raw;
	return SIM_FD_ICMP;
}

static ssize_t sim_sendto(int fd, const void *buf, size_t len,
		const struct sockaddr_in *to)
{
	struct sim *s = current;
	const struct icmphdr *h = buf;
	struct in_addr gw;

	if (fd != SIM_FD_ICMP || !s->icmp_open || len < 8) {
		s->violations++;
		errno = EBADF;
		return -1;
	}
	if (h->type != ICMP_ECHO || ent_icmp_checksum(buf, len) != 0) {
		s->violations++;
	}
	if (s->silent_gw != NULL) {
		struct in_addr sg;

		inet_pton(AF_INET, s->silent_gw, &sg);
		if (to->sin_addr.s_addr == sg.s_addr) {
			s->sent_silent++;
			s->sent++;
			return (ssize_t)len;
		}
	}
	inet_pton(AF_INET, SIM_GW, &gw);
	if (to->sin_addr.s_addr != gw.s_addr) {
		s->stray_dest++;
	}
	s->sent++;
	s->last_send_at = s->now;
	if (s->ready) {
		s->sent_after_ready++;
	}
	if (s->gw_answers && to->sin_addr.s_addr == gw.s_addr && s->q_len < SIM_QMAX) {
		int i = (s->q_head + s->q_len++) % SIM_QMAX;

		s->q_at[i] = s->now + s->rtt_us;
		s->q_id[i] = ntohs(h->un.echo.id);
		s->q_seq[i] = ntohs(h->un.echo.sequence);
		if ((unsigned long)s->q_len > s->max_in_flight) {
			s->max_in_flight = (unsigned long)s->q_len;
		}
	}
	return (ssize_t)len;
}

static ssize_t sim_recvfrom(int fd, void *buf, size_t len,
		struct sockaddr_in *from)
{
	struct sim *s = current;
	unsigned char pkt[64];
	struct icmphdr *h;
	size_t off = s->icmp_raw ? 20 : 0, n = off + 16;
	uint16_t id, seq;
	int bad = 0;

	if (fd != SIM_FD_ICMP || !s->icmp_open) {
		s->violations++;
		errno = EBADF;
		return -1;
	}
	/* the reply at the head; strangers borrow its id and sequence */
	id = s->q_id[s->q_head];
	seq = s->q_seq[s->q_head];
	if (s->bad_queued > 0) {
		bad = s->bad_queued--;
	} else if (s->q_arrived == 0) {
		errno = EAGAIN;
		return -1;
	} else {
		s->q_head = (s->q_head + 1) % SIM_QMAX;
		s->q_len--;
		s->q_arrived--;
		s->last_seq = seq;
		s->replies++;
	}
	memset(pkt, 0, sizeof(pkt));
	if (s->icmp_raw) {
		pkt[0] = 0x45;
		pkt[9] = IPPROTO_ICMP;
	}
	h = (struct icmphdr *)(void *)(pkt + off);
	h->type = ICMP_ECHOREPLY;
	h->un.echo.id = htons(id);
	h->un.echo.sequence = htons(seq);
	memset(from, 0, sizeof(*from));
	from->sin_family = AF_INET;
	inet_pton(AF_INET, SIM_GW, &from->sin_addr);
	if (bad == 3) {
		h->un.echo.sequence = htons(s->last_seq);	/* late: read already */
	} else if (bad == 2) {
		inet_pton(AF_INET, "10.0.2.99", &from->sin_addr);	/* stranger */
	} else if (bad == 1) {
		if (s->icmp_raw) {
			h->un.echo.id = htons((uint16_t)(id + 1));	/* other pinger */
		} else {
			h->type = ICMP_ECHO;	/* not a reply */
		}
	}
	/* A real reply carries a valid checksum over the ICMP message; the
	 * module verifies it on the raw socket */
	h->checksum = 0;
	h->checksum = ent_icmp_checksum(h, 16);
	if (n > len) {
		n = len;
	}
	memcpy(buf, pkt, n);
	return (ssize_t)n;
}

/* The block reader child opens the device; the sim never runs it, so a
 * call here is the server opening a device, which it must never do */
static int sim_open_direct(const char *path, uint64_t *bytes, unsigned int *sector)
{
	struct sim *s = current;

	(void)path; (void)bytes; (void)sector;
	s->parent_opens++;
	s->violations++;
	errno = ENOSYS;
	return -1;
}

#if ENT_WITH_BLOCK
/* What the reader child's open and checks of job->path say first */
static void block_child_open(struct sim *s, const struct ent_block_job *job)
{
	unsigned int shift = 9;

	s->blk_msg_len = 2;
	s->blk_left = 0;	/* 'E' and 'U' end the child */
	if (s->block_open_hangs) {
		s->blk_msg_len = 0;
		s->blk_left = 1;
		s->blk_hung = 1;
	} else if (!s->has_block || strcmp(job->path, SIM_BLOCK_DEV) != 0) {
		s->blk_msg[0] = 'E';
		s->blk_msg[1] = ENOENT;
	} else if (s->block_chardev) {
		s->blk_msg[0] = 'E';
		s->blk_msg[1] = ENOTBLK;
	} else if (s->block_bytes < s->block_sector) {
		s->blk_msg[0] = 'U';
		s->blk_msg[1] = 0;
	} else {
		while (shift < 16 && (1U << shift) != s->block_sector) {
			shift++;
		}
		s->blk_msg[0] = 'o';
		s->blk_msg[1] = (unsigned char)shift;
		s->blk_left = ent_block_max_reads(s->block_sector) - job->first;
		s->blk_nsectors = s->block_bytes / s->block_sector;
	}
}
#endif

/* The children are simulated, never run: the block reader by its reads'
 * interrupts, the collector by the readiness it waits for */
static pid_t sim_spawn(void (*child)(int out, const void *arg), const void *arg, int keep,
		int *fd)
{
	struct sim *s = current;

	if (s->spawn_fails) {
		errno = EAGAIN;
		return -1;
	}
#if ENT_WITH_BLOCK
	if (child == ent_block_child) {
		const struct ent_block_job *job = arg;

		/* Nothing of the device is open in the server: the child
		 * gets the path and opens it itself */
		if (keep != -1 || job->ops != sim_ops(s) || s->blk_child) {
			s->violations++;
		}
		s->blk_child = 1;
		s->blk_pipe_open = 1;
		s->blk_err = s->blk_hung = 0;
		s->blk_pending = 0;
		block_child_open(s, job);
		s->blk_next = s->now + s->block_latency_us;
		*fd = SIM_FD_BLOCK_PIPE;
		return SIM_BLOCK_PID;
	}
#endif
	if (child != ent_collector_child || arg != NULL || keep != -1) {
		s->violations++;
	}
	s->collector_running = 1;
	s->collector_spawned = 1;
	*fd = SIM_FD_COLLECTOR;
	return SIM_COLLECTOR_PID;
}

static int sim_reap(pid_t pid, int kill_it, int block)
{
	struct sim *s = current;

	if (pid == SIM_BLOCK_PID && s->blk_child && kill_it && !block) {
		s->blk_child = 0;
		s->children_stopped++;
		return 0;
	}
	if (pid != SIM_COLLECTOR_PID || !block) {
		s->violations++;
		errno = ECHILD;
		return -1;
	}
	if (kill_it) {
		s->collector_killed = 1;
	}
	s->collector_running = 0;
	return 0;
}

static int sim_kmsg_write(const char *line, size_t len)
{
	struct sim *s = current;
	size_t n = len < sizeof(s->kmsg_last) - 1 ? len : sizeof(s->kmsg_last) - 1;

	if (s->kmsg_fails) {
		errno = EACCES;
		return -1;
	}
	memcpy(s->kmsg_last, line, n);
	s->kmsg_last[n] = '\0';
	if (strstr(s->kmsg_last, "seeded after") != NULL) {
		memcpy(s->kmsg_seeded, s->kmsg_last, n + 1);
	}
	s->nkmsg++;
	return 0;
}

static ssize_t sim_write(int fd, const void *buf, size_t len)
{
	struct sim *s = current;

	if (fd == SIM_FD_FILE && s->file_open && s->file_wr) {
		struct sim_file *f = &s->files[s->file_idx];

		if (s->dir_enospc) {
			errno = ENOSPC;
			return -1;
		}
		if (s->fail_op != NULL && strcmp(s->fail_op, "write") == 0) {
			s->fail_op = NULL;
			errno = s->fail_errno;
			return -1;
		}
		if (s->file_off + len > sizeof(f->data)) {
			errno = EFBIG;
			return -1;
		}
		memcpy(f->data + s->file_off, buf, len);
		s->file_off += len;
		if (s->file_off > f->len) {
			f->len = s->file_off;
		}
		return (ssize_t)len;
	}
	s->violations++;
	errno = EBADF;
	return -1;
}

/* ---- seed directory ---- */
static int injected(struct sim *s, const char *op)
{
	if (s->fail_op != NULL && strcmp(s->fail_op, op) == 0) {
		s->fail_op = NULL;
		errno = s->fail_errno;
		return 1;
	}
	return 0;
}

struct sim_file *sim_file(struct sim *s, const char *name)
{
	int i;

	for (i = 0; i < SIM_FILES; i++) {
		if (s->files[i].used && strcmp(s->files[i].name, name) == 0) {
			return &s->files[i];
		}
	}
	return NULL;
}

struct sim_file *sim_file_add(struct sim *s, const char *name, const void *data, size_t len)
{
	int i;

	for (i = 0; i < SIM_FILES; i++) {
		if (!s->files[i].used) {
			memset(&s->files[i], 0, sizeof(s->files[i]));
			s->files[i].used = 1;
			snprintf(s->files[i].name, sizeof(s->files[i].name), "%s", name);
			if (len > sizeof(s->files[i].data)) {
				len = sizeof(s->files[i].data);
			}
			if (data != NULL) {
				memcpy(s->files[i].data, data, len);
			}
			s->files[i].len = len;
			s->files[i].mode = S_IFREG | 0600;
			s->files[i].uid = s->euid;
			s->files[i].nlink = 1;
			return &s->files[i];
		}
	}
	return NULL;
}

static int sim_mkdir(const char *path, mode_t mode)
{
	struct sim *s = current;

	if (injected(s, "mkdir")) {
		return -1;
	}
	if (strcmp(path, SIM_SEED_DIR) != 0) {
		errno = ENOENT;
		return -1;
	}
	if (s->dir_exists) {
		errno = EEXIST;
		return -1;
	}
	if (s->dir_rofs) {
		errno = EROFS;
		return -1;
	}
	s->dir_exists = 1;
	s->dir_mode = S_IFDIR | (mode & 07777);
	s->dir_uid = s->euid;
	return 0;
}

static int sim_open_dir(const char *path)
{
	struct sim *s = current;

	if (injected(s, "open_dir")) {
		return -1;
	}
	if (strcmp(path, SIM_SEED_DIR) != 0 || !s->dir_exists) {
		errno = ENOENT;
		return -1;
	}
	if (S_ISLNK(s->dir_mode)) {
		errno = ELOOP;	/* a symlink in its place: O_NOFOLLOW */
		return -1;
	}
	if (s->dir_open) {
		s->violations++;
	}
	s->dir_open = 1;
	return SIM_FD_DIR;
}

static int sim_fstat(int fd, struct stat *st)
{
	struct sim *s = current;

	memset(st, 0, sizeof(*st));
	if (fd == SIM_FD_DIR && s->dir_open) {
		st->st_mode = s->dir_mode;
		st->st_uid = s->dir_uid;
		st->st_dev = s->dir_dev;
		st->st_nlink = 2;
		return 0;
	}
	if (fd == SIM_FD_FILE && s->file_open) {
		st->st_mode = s->files[s->file_idx].mode;
		st->st_uid = s->files[s->file_idx].uid;
		st->st_size = (off_t)s->files[s->file_idx].len;
		st->st_dev = s->dir_dev;
		st->st_nlink = (nlink_t)s->files[s->file_idx].nlink;
		return 0;
	}
	s->violations++;
	errno = EBADF;
	return -1;
}

static int sim_flock(int fd)
{
	struct sim *s = current;

	if (fd != SIM_FD_DIR || !s->dir_open) {
		s->violations++;
		errno = EBADF;
		return -1;
	}
	if (s->dir_locked) {
		errno = EWOULDBLOCK;
		return -1;
	}
	return 0;
}

static int sim_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	struct sim *s = current;
	struct sim_file *f;

	if (dirfd != SIM_FD_DIR || !s->dir_open || strchr(name, '/') != NULL || s->file_open) {
		s->violations++;
		errno = EBADF;
		return -1;
	}
	if (injected(s, "openat")) {
		return -1;
	}
	f = sim_file(s, name);
	if (f != NULL && (flags & O_CREAT) && (flags & O_EXCL)) {
		errno = EEXIST;
		return -1;
	}
	if (f != NULL && S_ISLNK(f->mode)) {
		errno = ELOOP;	/* O_NOFOLLOW */
		return -1;
	}
	if (f != NULL && S_ISDIR(f->mode) && (flags & O_ACCMODE) != O_RDONLY) {
		errno = EISDIR;
		return -1;
	}
	/* A FIFO nobody else opens: without O_NONBLOCK the open waits for
	 * ever (counted, and EINTR here); with it a writer gets ENXIO and
	 * a reader an empty pipe */
	if (f != NULL && S_ISFIFO(f->mode) && !(flags & O_NONBLOCK)) {
		s->violations++;
		s->fifo_blocked++;
		errno = EINTR;
		return -1;
	}
	if (f != NULL && S_ISFIFO(f->mode) && (flags & O_ACCMODE) != O_RDONLY) {
		errno = ENXIO;
		return -1;
	}
	/* A hard link planted at the name: O_TRUNC would empty its target */
	if (f != NULL && (flags & O_TRUNC) && f->nlink > 1) {
		s->violations++;
		s->link_truncated++;
	}
	if (f == NULL) {
		if (!(flags & O_CREAT)) {
			errno = ENOENT;
			return -1;
		}
		if (s->dir_rofs) {
			errno = EROFS;
			return -1;
		}
		f = sim_file_add(s, name, NULL, 0);
		if (f == NULL) {
			errno = ENOSPC;
			return -1;
		}
		f->mode = S_IFREG | (mode & 07777);
	}
	s->file_open = 1;
	s->file_idx = (int)(f - s->files);
	s->file_wr = (flags & O_ACCMODE) != O_RDONLY;
	s->file_off = 0;
	return SIM_FD_FILE;
}

static ssize_t sim_read(int fd, void *buf, size_t len)
{
	struct sim *s = current;
	size_t n;

	if (fd == SIM_FD_HWRNG && s->hwrng_open) {
		return hwrng_read(s, buf, len);
	}
	if (fd == SIM_FD_BLOCK_PIPE && s->blk_pipe_open) {
		unsigned char *p = buf;

		if (s->blk_msg_len > 0 && len >= (size_t)s->blk_msg_len) {
			memcpy(p, s->blk_msg, (size_t)s->blk_msg_len);
			n = (size_t)s->blk_msg_len;
			s->blk_msg_len = 0;
			return (ssize_t)n;
		}
		if (s->blk_err == 1 && len >= 2) {
			s->blk_err = 2;		/* said once; then the end */
			p[0] = 'e';
			p[1] = EIO;
			return 2;
		}
		if (s->blk_pending > 0) {
			n = s->blk_pending < len ? s->blk_pending : len;
			memset(p, 'r', n);
			s->blk_pending -= n;
			return (ssize_t)n;
		}
		if (s->blk_err || !s->blk_child || s->blk_left == 0) {
			return 0;
		}
		errno = EAGAIN;
		return -1;
	}
	s->violations++;
	errno = EBADF;
	return -1;
}

/* A read of the seed directory's open file */
static ssize_t sim_file_read(struct sim *s, void *buf, size_t len)
{
	struct sim_file *f;
	size_t n;

	if (injected(s, "read")) {
		return -1;
	}
	f = &s->files[s->file_idx];
	if (S_ISDIR(f->mode)) {
		errno = EISDIR;
		return -1;
	}
	n = f->len - s->file_off;
	if (n > len) {
		n = len;
	}
	/* Short reads, to exercise the read loop */
	if (n > 50) {
		n = 50;
	}
	memcpy(buf, f->data + s->file_off, n);
	s->file_off += n;
	return (ssize_t)n;
}

static int sim_unlinkat(int dirfd, const char *name)
{
	struct sim *s = current;
	struct sim_file *f;

	if (dirfd != SIM_FD_DIR || !s->dir_open) {
		s->violations++;
		errno = EBADF;
		return -1;
	}
	if (injected(s, "unlinkat")) {
		return -1;
	}
	if (s->dir_rofs) {
		errno = EROFS;
		return -1;
	}
	f = sim_file(s, name);
	if (f == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (S_ISDIR(f->mode)) {
		errno = EISDIR;	/* unlink(2) of a directory, on Linux */
		return -1;
	}
	f->used = 0;
	if (strcmp(name, ENT_SEED_NAME) == 0) {
		s->unlinked_unsynced = 1;
	}
	return 0;
}

static int sim_fsync(int fd)
{
	struct sim *s = current;

	if (!((fd == SIM_FD_DIR && s->dir_open) || (fd == SIM_FD_FILE && s->file_open))) {
		s->violations++;
		errno = EBADF;
		return -1;
	}
	if (injected(s, "fsync")) {
		return -1;
	}
	if (fd == SIM_FD_DIR && s->unlinked_unsynced) {
		s->unlinked_unsynced = 0;
		s->durable_unlinks++;
	}
	return 0;
}

static int sim_renameat(int dirfd, const char *from, const char *to)
{
	struct sim *s = current;
	struct sim_file *f, *t;

	if (dirfd != SIM_FD_DIR || !s->dir_open) {
		s->violations++;
		errno = EBADF;
		return -1;
	}
	if (injected(s, "renameat")) {
		return -1;
	}
	f = sim_file(s, from);
	if (f == NULL) {
		errno = ENOENT;
		return -1;
	}
	t = sim_file(s, to);
	if (t != NULL && S_ISDIR(t->mode) && !S_ISDIR(f->mode)) {
		errno = EISDIR;
		return -1;
	}
	if (t != NULL) {
		t->used = 0;
	}
	snprintf(f->name, sizeof(f->name), "%s", to);
	return 0;
}

static uid_t sim_geteuid(void)
{
	return current->euid;
}

/*
 * The module reaches the seed directory and ENT_RUN_DIR with plain system
 * calls (entropy/ent_file.c); this binary is linked with
 * tests/lib/fs-wrap.opts, so they land here. While a simulation is current
 * every such call is the simulation's (SIM_SEED_DIR is its only directory:
 * /run/dropbear-entropy does not exist, and nothing here touches the real
 * one), except read, write and close on descriptors it has not handed
 * out: those are the tests' own.
 */
static int sim_fs_fd(const struct sim *s, int fd)
{
	return s != NULL && ((fd == SIM_FD_DIR && s->dir_open)
			|| (fd == SIM_FD_FILE && s->file_open));
}

int __wrap_mkdir(const char *path, mode_t mode)
{
	if (current == NULL) {
		return __real_mkdir(path, mode);
	}
	current->fs_calls++;
	return sim_mkdir(path, mode);
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode;

	DBE_WRAP_MODE(flags, flags, mode);
	/* The module opens only directories itself; files are ent_ops'
	 * read_file */
	if (current == NULL || !(flags & O_DIRECTORY)) {
		return __real_open(path, flags, mode);
	}
	current->fs_calls++;
	return sim_open_dir(path);
}

int __wrap_openat(int dirfd, const char *name, int flags, ...)
{
	mode_t mode;

	DBE_WRAP_MODE(flags, flags, mode);
	if (current == NULL) {
		return __real_openat(dirfd, name, flags, mode);
	}
	current->fs_calls++;
	if ((flags & (O_NOFOLLOW | O_CLOEXEC)) != (O_NOFOLLOW | O_CLOEXEC)) {
		current->violations++;
	}
	return sim_openat(dirfd, name, flags, mode);
}

int __wrap_fstat(int fd, struct stat *st)
{
	if (current == NULL) {
		return __real_fstat(fd, st);
	}
	current->fs_calls++;
	return sim_fstat(fd, st);
}

int __wrap_flock(int fd, int op)
{
	if (current == NULL) {
		return __real_flock(fd, op);
	}
	current->fs_calls++;
	if (op != (LOCK_EX | LOCK_NB)) {
		current->violations++;
	}
	return sim_flock(fd);
}

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
	if (!sim_fs_fd(current, fd)) {
		return __real_read(fd, buf, len);
	}
	current->fs_calls++;
	if (fd != SIM_FD_FILE) {
		errno = EISDIR;
		return -1;
	}
	return sim_file_read(current, buf, len);
}

ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
	if (!sim_fs_fd(current, fd)) {
		return __real_write(fd, buf, len);
	}
	current->fs_calls++;
	return sim_write(fd, buf, len);
}

int __wrap_close(int fd)
{
	if (!sim_fs_fd(current, fd)) {
		return __real_close(fd);
	}
	current->fs_calls++;
	return sim_close(fd);
}

int __wrap_unlinkat(int dirfd, const char *name, int flags)
{
	if (current == NULL) {
		return __real_unlinkat(dirfd, name, flags);
	}
	current->fs_calls++;
	if (flags != 0) {
		current->violations++;
	}
	return sim_unlinkat(dirfd, name);
}

int __wrap_fsync(int fd)
{
	if (current == NULL) {
		return __real_fsync(fd);
	}
	current->fs_calls++;
	return sim_fsync(fd);
}

int __wrap_renameat(int olddirfd, const char *from, int newdirfd, const char *to)
{
	if (current == NULL) {
		return __real_renameat(olddirfd, from, newdirfd, to);
	}
	current->fs_calls++;
	if (newdirfd != olddirfd) {
		current->violations++;
	}
	return sim_renameat(olddirfd, from, to);
}

uid_t __wrap_geteuid(void)
{
	if (current == NULL) {
		return __real_geteuid();
	}
	return sim_geteuid();
}

static int sim_rnd_add(const void *buf, size_t len, unsigned int bits)
{
	struct sim *s = current;

	(void)buf;
	if (bits == 0) {
		s->mix_calls++;
		return 0;
	}
	s->credit_calls++;
	if (s->unlinked_unsynced) {
		s->credit_before_sync++;
	}
	if (s->euid != 0) {
		errno = EPERM;
		return -1;
	}
	if (injected(s, "rnd_credit")) {
		return -1;
	}
	if ((size_t)bits > len * 8) {
		s->violations++;
		errno = EINVAL;
		return -1;
	}
	s->credited_bits += bits;
	credit(s, (double)bits);
	return 0;
}


/* Durations in ns of the memory loop. Healthy: spread over a few
 * hundred ns by a generator the health tests cannot predict by lag */
static uint64_t jit_next(struct sim *s)
{
	static const uint64_t period[] = { 310, 325, 402, 377, 290, 515, 333, 460 };
	unsigned long i = s->jit_samples++;

	if (s->jit_fn != NULL) {
		return s->jit_fn(s, i);
	}
	if (s->jit_stream == SIM_JIT_CONSTANT
			|| (s->jit_stuck_after != 0 && i >= s->jit_stuck_after)) {
		return 400;
	}
	if (s->jit_stream == SIM_JIT_PERIODIC) {
		return period[i % 8];
	}
	s->jit_x = s->jit_x * 1664525u + 1013904223u;
	if (s->jit_stream == SIM_JIT_COARSE) {
		/* a 24 MHz counter behind a loop shorter than one tick */
		return (s->jit_x >> 28) < 3 ? 42 : 0;
	}
	return 250 + (s->jit_x >> 22) % 400;
}

/* Each reading is the last plus the duration of one memory loop, so the
 * module's differences are exactly the stream above */
static int sim_clock_ns(uint64_t *ns)
{
	struct sim *s = current;

	if (s->jit_stream == SIM_JIT_NOCLOCK) {
		errno = EINVAL;
		return -1;
	}
	if (s->jit_clock_ns == 0) {
		s->jit_clock_ns = (uint64_t)s->now * 1000;
	} else {
		s->jit_clock_ns += jit_next(s);
		if ((int64_t)(s->jit_clock_ns / 1000) > s->now) {
			advance_to(s, (int64_t)(s->jit_clock_ns / 1000));
		}
	}
	*ns = s->jit_clock_ns;
	return 0;
}

static int sim_cpu_rng(unsigned long *word, const char **name)
{
	struct sim *s = current;

	if (!s->cpu_rng) {
		errno = ENOTSUP;
		return -1;
	}
	s->cpu_words++;
	*name = "RNDRRS";
	if (s->cpu_rng == SIM_CPU_DRY) {
		return 0;
	}
	*word = 0x3c3c3c3c3c3c3c3cUL;
	if (s->cpu_rng == SIM_CPU_GOOD) {
		*word = (unsigned long)(s->cpu_words * 0x9E3779B97F4A7C15ULL);
	}
	return 1;
}

static int sim_open_read(const char *path)
{
	struct sim *s = current;

	if (strcmp(path, "/dev/hwrng") != 0) {
		errno = ENOENT;
		return -1;
	}
	if (s->hwrng == SIM_HWRNG_NONE || s->hwrng == SIM_HWRNG_EACCES) {
		errno = s->hwrng == SIM_HWRNG_NONE ? ENOENT : EACCES;
		return -1;
	}
	if (s->hwrng_open) {
		s->violations++;
	}
	s->hwrng_open = 1;
	return SIM_FD_HWRNG;
}

static ssize_t hwrng_read(struct sim *s, unsigned char *buf, size_t len)
{
	size_t i;

	s->hwrng_reads++;
	if (s->hwrng == SIM_HWRNG_EIO) {
		errno = EIO;
		return -1;
	}
	if (s->hwrng_eagain && s->hwrng_reads % 2 == 1) {
		errno = EAGAIN;
		return -1;
	}
	for (i = 0; i < len; i++) {
		s->hwrng_x = s->hwrng_x * 1664525u + 1013904223u;
		buf[i] = (unsigned char)(s->hwrng_x >> 24);
		if (s->hwrng == SIM_HWRNG_STUCK && s->hwrng_bytes >= 1100) {
			buf[i] = 0xff;
		} else if (s->hwrng == SIM_HWRNG_BIASED) {
			buf[i] &= 0x81;
		} else if (s->hwrng == SIM_HWRNG_FIXED32 || (s->hwrng == SIM_HWRNG_LATE_FIXED
					&& s->hwrng_bytes >= 1024)) {
			buf[i] = (unsigned char)((s->hwrng_bytes % 32) * 131 + 17);
		} else if (s->hwrng == SIM_HWRNG_CYCLE) {
			buf[i] = (unsigned char)((s->hwrng_bytes % 40) * 6 + 3);
		}
		s->hwrng_bytes++;
	}
	/* about 1 MB/s */
	advance_to(s, s->now + (int64_t)len);
	return (ssize_t)len;
}

/* Stat of "/" (on vda when root_has_block, else on tmpfs) and of the one
 * usual disk there is */
static int sim_stat(const char *path, struct stat *st)
{
	struct sim *s = current;

	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_dev = s->root_has_block ? s->dir_dev : makedev(0, 21);
		return 0;
	}
	if (s->usual_disk != NULL && strcmp(path, s->usual_disk) == 0) {
		st->st_mode = S_IFBLK | 0660;
		st->st_rdev = makedev(179, 0);
		return 0;
	}
	errno = ENOENT;
	return -1;
}

const struct ent_ops *sim_ops(struct sim *s)
{
	static const struct ent_ops ops = {
		.read_file = sim_read_file,
		.list_dir = sim_list_dir,
		.stat = sim_stat,
		.getrandom = sim_getrandom,
		.rnd_count = sim_rnd_count,
		.rnd_add = sim_rnd_add,
		.cpu_rng = sim_cpu_rng,
		.now_us = sim_now,
		.clock_ns = sim_clock_ns,
		.poll = sim_poll,
		.read = sim_read,
		.close = sim_close,
		.icmp_socket = sim_icmp_socket,
		.sendto = sim_sendto,
		.recvfrom = sim_recvfrom,
		.open_direct = sim_open_direct,
		.open_read = sim_open_read,
		.spawn = sim_spawn,
		.reap = sim_reap,
		.kmsg_write = sim_kmsg_write,
	};

	current = s;
	return &ops;
}

void sim_log_fn(int priority, const char *fmt, ...)
{
	struct sim *s = current;
	struct sim_log *l;
	va_list ap;

	if (s == NULL || s->nlog >= SIM_LOG_MAX) {
		return;
	}
	l = &s->log[s->nlog++];
	l->priority = priority;
	l->at = s->now;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
	if (getenv("SIM_VERBOSE") != NULL) {
		fprintf(stderr, "  [%8.3f] <%d> %s\n", (double)s->now / 1e6, priority, l->text);
	}
}

int sim_log_count(const struct sim *s, const char *needle)
{
	int i, n = 0;

	for (i = 0; i < s->nlog; i++) {
		if (strstr(s->log[i].text, needle) != NULL) {
			n++;
		}
	}
	return n;
}

int sim_seeded_counts(const struct sim *s, unsigned long *sent, unsigned long *replies)
{
	const char *t;
	int i;

	for (i = s->nlog - 1; i >= 0; i--) {
		if (strstr(s->log[i].text, "seeded after") == NULL) {
			continue;
		}
		t = strstr(s->log[i].text, " ICMP packets, ");
		while (t != NULL && t > s->log[i].text && t[-1] != ' ') {
			t--;
		}
		if (t == NULL || sscanf(t, "%lu ICMP packets, %lu replies", sent, replies) != 2) {
			return -1;
		}
		return 0;
	}
	return -1;
}

int sim_fds_open(const struct sim *s)
{
	return s->icmp_open + s->block_open + s->blk_pipe_open + s->blk_child
		+ s->collector_spawned
		+ s->dir_open + s->file_open + s->hwrng_open;
}
