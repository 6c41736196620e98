/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2026 the dropbear-entropy developers */
/*
 * dropbear-entropy: what tells this device from a clone of its disk image.
 *
 * A seed file is credited only where the identity hash stored in it
 * matches this device's, so the identity may hold only what a copy of the
 * image (or of the whole medium) cannot carry to another device:
 *   - serial numbers of the hardware: the SoC's (soc0 serial_number), the
 *     device tree's serial-number, DMI product and board serial and the
 *     product UUID;
 *   - the serial of the medium that holds the seed directory: SD/eMMC CID,
 *     NVMe controller serial, SCSI unit serial (VPD page 0x80), virtio-blk
 *     serial. A clone written to another card has another CID;
 *   - only where none of those exists: the MACs of NICs backed by a
 *     device, and of those only universally administered ones (bit 0x02
 *     of the first octet clear, not multicast, not zero) that the kernel
 *     calls permanent (addr_assign_type 0). Locally administered MACs are
 *     set by software: qemu gives every guest 52:54:00:12:34:56, images
 *     and bootloader environments set their own. MACs come last because
 *     NICs may appear late (modules, USB) or be renamed during boot; the
 *     serials are there from the start, and a hash that changes between
 *     the save and the next boot costs the credit.
 * Each source has a class, which says what binding to it proves:
 *   - fused into the hardware: the SoC's serial (read from its fuses by
 *     the driver or the firmware), an SD/eMMC CID, an NVMe controller's
 *     serial. A copy of the medium on another board or card has others;
 *   - set by software: the device tree's serial-number (U-Boot sets it
 *     from its environment, often on the very medium that is cloned),
 *     DMI fields (firmware, or the hypervisor's configuration), SCSI VPD
 *     0x80 (VM disks, USB sticks that share one serial), the virtio-blk
 *     serial (the hypervisor's configuration, copied with a VM template)
 *     and MACs (a device tree's, reported as permanent, travels with the
 *     bootloader environment). On a virtual machine every source is of
 *     this class: its "hardware" is the hypervisor's configuration.
 * An identity with one fused source is fused: a clone on other hardware
 * changes that part of the hash. The class is shown (status, the credit
 * line); what it changes in crediting is said in dropbear-entropy.8.
 * Placeholder strings that firmware leaves in unset fields ("To Be Filled
 * By O.E.M.", "Default string", "None", "0", all-zero or all-F UUIDs, a
 * single repeated character) and values shorter than 4 characters are
 * ignored: every board of a model has them.
 * /etc/machine-id is not used: it is written into the image at build or
 * first boot and travels with every copy of it.
 * Everything is read through ops->read_file and ops->list_dir, so that the
 * unit tests can give the simulated kernel any hardware.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysmacros.h>

#include "ent_identity.h"
#include "ent_internal.h"
#include "ent_seed.h"
#include "ent_sys.h"

#if ENT_WITH_SEED

#define VALUE_MAX	160	/* longest value read; longer ones are cut */
#define NAME_LEN	40	/* of a block device or network interface */
#define LIST_LEN	4096	/* names of one directory */
#define MAX_NICS	32
#define MAX_HOPS	4	/* partition -> disk, device-mapper -> slave */

#define FUSED		"h"	/* fused into the hardware */
#define SET		"s"	/* set by software or a hypervisor */

/* Serials of the hardware, in the order they enter the identity, and
 * their class */
static const char *const board_files[][3] = {
	{ "soc-serial", "/sys/devices/soc0/serial_number", FUSED },
	{ "dt-serial", "/sys/firmware/devicetree/base/serial-number", SET },
	/* The same property where sysfs shows no firmware tree */
	{ "dt-serial", "/proc/device-tree/serial-number", SET },
	{ "dmi-product-serial", "/sys/class/dmi/id/product_serial", SET },
	{ "dmi-board-serial", "/sys/class/dmi/id/board_serial", SET },
	{ "dmi-uuid", "/sys/class/dmi/id/product_uuid", SET },
};

/* Serials of a disk, below /sys/block/<disk>/, first found wins */
static const char *const medium_files[][3] = {
	{ "medium-cid", "device/cid", FUSED },		/* SD, eMMC */
	{ "medium-serial", "device/serial", FUSED },	/* NVMe controller, SD, eMMC */
	{ "medium-serial", "serial", SET },		/* virtio-blk */
	{ "medium-vpd80", "device/vpd_pg80", SET },	/* SCSI, SATA behind libata */
};

/* /sys/class/dmi/id/sys_vendor of hypervisors */
static const char *const vm_vendors[] = {
	"QEMU", "KVM", "Xen", "Bochs", "VMware, Inc.", "innotek GmbH", "Amazon EC2", "Google",
	"Parallels Software International Inc.", "OpenStack Foundation",
};

/* Unset firmware fields; compared without case */
static const char *const placeholders[] = {
	"To Be Filled By O.E.M.", "To Be Filled By OEM", "Default string", "Default",
	"None", "Not Specified", "Not Applicable", "Not Available", "Not Present",
	"N/A", "Unknown", "Undefined", "Empty", "Null", "Invalid", "OEM", "O.E.M.",
	"System Serial Number", "Chassis Serial Number", "Base Board Serial Number",
	"Serial Number", "SerialNumber", "Serial", "SN", "0123456789", "123456789",
	"1234567890", "12345678", "0123456789ABCDEF",
	/* the UUID that some AMI firmware ships unchanged */
	"03000200-0400-0500-0006-000700080009",
};

/* 1 when v is a value that many devices share */
static int placeholder(const char *v)
{
	size_t i;
	char first = '\0';
	const char *p;

	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		if (strcasecmp(v, placeholders[i]) == 0) {
			return 1;
		}
	}
	/* One character repeated, separators aside: 00000000, FFFF-FFFF,
	 * XXXXXXXX and the all-zero and all-one UUIDs */
	for (p = v; *p != '\0'; p++) {
		char c = *p;

		if (c == '-' || c == ':' || c == '.' || c == ' ') {
			continue;
		}
		if (c >= 'a' && c <= 'z') {
			c = (char)(c - 'a' + 'A');
		}
		if (first == '\0') {
			first = c;
		} else if (c != first) {
			return 0;
		}
	}
	return 1;
}

/* Cuts v (n bytes read) to its first line, trims blanks; returns 1 when
 * what is left may identify a device */
static int clean_value(char *v, size_t n)
{
	size_t len, start = 0;

	v[n] = '\0';
	/* Device-tree strings end in NUL, sysfs values in a newline */
	len = strcspn(v, "\n");
	v[len] = '\0';
	len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r')) {
		v[--len] = '\0';
	}
	while (v[start] == ' ' || v[start] == '\t') {
		start++;
	}
	if (start > 0) {
		memmove(v, v + start, len - start + 1);
		len -= start;
	}
	if (len < 4) {
		return 0;
	}
	for (n = 0; n < len; n++) {
		if ((unsigned char)v[n] < 0x20 || v[n] == 0x7f) {
			return 0;
		}
	}
	return !placeholder(v);
}

/* Reads a small file into v (VALUE_MAX + 1 bytes); returns its length or
 * -1 when it cannot be read */
static ssize_t read_value(const struct ent_ops *ops, const char *path, char *v)
{
	ssize_t n;

	n = ops->read_file(path, v, VALUE_MAX + 1);
	if (n < 0) {
		return -1;
	}
	if ((size_t)n > VALUE_MAX) {
		n = VALUE_MAX;
	}
	v[n] = '\0';
	return n;
}

/* Appends "tag=value\n" of class cls; a value that does not fit is left
 * out whole */
static int add(struct ent_identity *id, const char *tag, const char *value, const char *cls)
{
	size_t room = sizeof(id->text) - id->len;
	int w;

	w = snprintf(id->text + id->len, room, "%s=%s\n", tag, value);
	if (w < 0 || (size_t)w >= room) {
		id->text[id->len] = '\0';
		return 0;
	}
	id->len += (size_t)w;
	id->fused += !id->vm && strcmp(cls, FUSED) == 0;
	if (strstr(id->sources, tag) == NULL) {
		room = sizeof(id->sources) - strlen(id->sources);
		(void)snprintf(id->sources + strlen(id->sources), room, "%s%s",
				id->sources[0] != '\0' ? ", " : "", tag);
	}
	return 1;
}

/* The names in a directory, NUL separated; returns their bytes or -1 */
static ssize_t list(const struct ent_ops *ops, const char *path, char *buf)
{
	ssize_t n;

	n = ops->list_dir(path, buf, LIST_LEN);
	if (n < 0 || (size_t)n > LIST_LEN) {
		return -1;
	}
	return n;
}

/* A name that can stand in a sysfs path: no '/', not "." or "..", short */
static int plain_name(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < NAME_LEN && strchr(name, '/') == NULL
		&& strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* "KEY=value" out of a uevent file, into out (NAME_LEN bytes) */
static int uevent_value(const char *text, const char *key, char *out)
{
	size_t klen = strlen(key), vlen;
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			vlen = strcspn(p, "\n");
			if (vlen == 0 || vlen >= NAME_LEN) {
				return -1;
			}
			memcpy(out, p, vlen);
			out[vlen] = '\0';
			return plain_name(out) ? 0 : -1;
		}
		p = strchr(p, '\n');
		if (p != NULL) {
			p++;
		}
	}
	return -1;
}

/* The disk that holds partition part (a name in /sys/class/block) into
 * disk; 0, or -1 when part is no partition or its disk is not found */
static int disk_of(const struct ent_ops *ops, const char *part, char *disk)
{
	char path[128], v[VALUE_MAX + 1], names[LIST_LEN + 1];
	const char *d;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/sys/class/block/%.39s/partition", part);
	if (read_value(ops, path, v) < 0) {
		return -1;
	}
	/* A partition is a directory of its disk in sysfs */
	n = list(ops, "/sys/block", names);
	if (n < 0) {
		return -1;
	}
	names[n] = '\0';
	for (d = names; d < names + n; d += strlen(d) + 1) {
		if (!plain_name(d)) {
			continue;
		}
		(void)snprintf(path, sizeof(path), "/sys/block/%.39s/%.39s/partition", d, part);
		if (read_value(ops, path, v) >= 0) {
			memcpy(disk, d, strlen(d) + 1);
			return 0;
		}
	}
	return -1;
}

/* The serial of a disk; VPD page 0x80 is binary: a 4-byte header (byte 1
 * the page code, bytes 2-3 the length), then the serial in ASCII */
static int disk_serial(const struct ent_ops *ops, const char *disk, struct ent_identity *id)
{
	char path[128], v[VALUE_MAX + 1];
	ssize_t n;
	size_t i, len;

	for (i = 0; i < sizeof(medium_files) / sizeof(medium_files[0]); i++) {
		(void)snprintf(path, sizeof(path), "/sys/block/%.39s/%.20s", disk, medium_files[i][1]);
		n = read_value(ops, path, v);
		if (n < 0) {
			continue;
		}
		if (strcmp(medium_files[i][0], "medium-vpd80") == 0) {
			if (n < 4 || (unsigned char)v[1] != 0x80) {
				continue;
			}
			len = ((size_t)(unsigned char)v[2] << 8) | (unsigned char)v[3];
			if (len > (size_t)n - 4) {
				len = (size_t)n - 4;
			}
			memmove(v, v + 4, len);
			n = (ssize_t)len;
		}
		if (clean_value(v, (size_t)n) && add(id, medium_files[i][0], v, medium_files[i][2])) {
			return 0;
		}
	}
	return -1;
}

/* The serial of the medium behind st_dev medium; -1 and why in detail */
static int medium_serial(const struct ent_ops *ops, dev_t medium, struct ent_identity *id,
		char *detail, size_t dlen)
{
	char path[128], text[512], name[NAME_LEN], next[NAME_LEN], names[LIST_LEN + 1];
	ssize_t n;
	int hop;

	if (major(medium) == 0) {
		/* tmpfs, overlayfs, NFS, UBIFS, btrfs subvolumes: no block
		 * device of its own whose serial we could read */
		(void)snprintf(detail, dlen, "not on a block device");
		return -1;
	}
	(void)snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent",
			major(medium), minor(medium));
	n = ops->read_file(path, text, sizeof(text));
	if (n < 0 || uevent_value(text, "DEVNAME", name) < 0) {
		(void)snprintf(detail, dlen, "block device %u:%u not in sysfs",
				major(medium), minor(medium));
		return -1;
	}
	for (hop = 0; hop < MAX_HOPS; hop++) {
		if (disk_of(ops, name, next) == 0) {
			memcpy(name, next, sizeof(name));
		}
		if (disk_serial(ops, name, id) == 0) {
			return 0;
		}
		/* device-mapper (dm-crypt, LVM) on one device: follow it */
		(void)snprintf(path, sizeof(path), "/sys/block/%.39s/slaves", name);
		n = list(ops, path, names);
		if (n <= 0) {
			break;
		}
		names[n] = '\0';
		if (strlen(names) + 1 != (size_t)n || !plain_name(names)) {
			break;	/* none, or several (RAID): no single medium */
		}
		memcpy(name, names, strlen(names) + 1);
	}
	(void)snprintf(detail, dlen, "%.39s has none", name);
	return -1;
}

/* Parses "aa:bb:cc:dd:ee:ff"; 0 for a universally administered unicast
 * address other than zero */
static int universal_mac(const char *v, char out[18])
{
	unsigned char b[6];
	int i, any = 0;

	if (strlen(v) != 17) {
		return -1;
	}
	for (i = 0; i < 6; i++) {
		char hex[3] = { v[3 * i], v[3 * i + 1], '\0' };
		char *end;

		if ((i < 5 && v[3 * i + 2] != ':') || strspn(hex, "0123456789abcdefABCDEF") != 2) {
			return -1;
		}
		b[i] = (unsigned char)strtoul(hex, &end, 16);
		any |= b[i] != 0;
	}
	/* 0x01 multicast, 0x02 locally administered (set by software) */
	if (!any || (b[0] & 0x03) != 0) {
		return -1;
	}
	(void)snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
			b[0], b[1], b[2], b[3], b[4], b[5]);
	return 0;
}

static int cmp_mac(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* The permanent, universally administered MACs of device-backed NICs,
 * sorted by value: interface names change when udev renames them */
static void nic_macs(const struct ent_ops *ops, struct ent_identity *id)
{
	char names[LIST_LEN + 1], path[128], v[VALUE_MAX + 1], macs[MAX_NICS][18];
	const char *nic, *end;
	ssize_t n;
	size_t count = 0, i;

	n = list(ops, "/sys/class/net", names);
	if (n <= 0) {
		return;
	}
	names[n] = '\0';
	/* The listing's end is fixed here: n is not looked at again, so no
	 * read below can move it (an address is longer than a short listing) */
	end = names + n;
	for (nic = names; nic < end && count < MAX_NICS; nic += strlen(nic) + 1) {
		if (!plain_name(nic)) {
			continue;
		}
		/* Virtual interfaces (bridges, bonds, VLANs, tun, veth) have
		 * no device behind them, and software-chosen MACs */
		(void)snprintf(path, sizeof(path), "/sys/class/net/%.39s/device/uevent", nic);
		if (read_value(ops, path, v) < 0) {
			continue;
		}
		/* 0 permanent; 1 random, 2 stolen, 3 set from userspace. An
		 * old kernel without the file leaves the address to decide. */
		(void)snprintf(path, sizeof(path), "/sys/class/net/%.39s/addr_assign_type", nic);
		if (read_value(ops, path, v) >= 0 && strtol(v, NULL, 10) != 0) {
			continue;
		}
		/* read_value() ends v with a NUL; a 20-byte IPoIB address (59
		 * characters) is no 6-byte MAC and universal_mac() refuses it */
		(void)snprintf(path, sizeof(path), "/sys/class/net/%.39s/address", nic);
		if (read_value(ops, path, v) < 0) {
			continue;
		}
		v[strcspn(v, "\n")] = '\0';
		if (universal_mac(v, macs[count]) == 0) {
			count++;
		}
	}
	qsort(macs, count, sizeof(macs[0]), cmp_mac);
	for (i = 0; i < count; i++) {
		if (i == 0 || strcmp(macs[i], macs[i - 1]) != 0) {
			(void)add(id, "mac", macs[i], SET);
		}
	}
}

/* 1 where the kernel shows a hypervisor beneath it: its emulated SD
 * card, NVMe disk or SoC has what the hypervisor's configuration (or its
 * source code: qemu's SD card has one CID in every guest) says */
static int virtual_machine(const struct ent_ops *ops)
{
	char text[4096];
	const char *p, *end;
	ssize_t n;
	size_t i;

	/* Xen's sysfs; a device tree's hypervisor node (Xen, and KVM where
	 * the firmware adds one) */
	if (ops->read_file("/sys/hypervisor/type", text, sizeof(text)) > 0
			|| ops->read_file("/sys/firmware/devicetree/base/hypervisor/compatible",
				text, sizeof(text)) >= 0) {
		return 1;
	}
	/* qemu's arm and riscv "virt" board */
	n = ops->read_file("/sys/firmware/devicetree/base/compatible", text, sizeof(text));
	for (p = text; n > 0 && p < text + n; p += strlen(p) + 1) {
		if (strcmp(p, "linux,dummy-virt") == 0) {
			return 1;
		}
	}
	/* ACPI machines: the vendor the hypervisor's firmware gives; Hyper-V
	 * names Microsoft, as Microsoft's own hardware does, and its product */
	n = read_value(ops, "/sys/class/dmi/id/sys_vendor", text);
	if (n > 0) {
		text[strcspn(text, "\n")] = '\0';
		for (i = 0; i < sizeof(vm_vendors) / sizeof(vm_vendors[0]); i++) {
			if (strcmp(text, vm_vendors[i]) == 0) {
				return 1;
			}
		}
		if (strcmp(text, "Microsoft Corporation") == 0
				&& read_value(ops, "/sys/class/dmi/id/product_name", text) > 0
				&& strncmp(text, "Virtual Machine", 15) == 0) {
			return 1;
		}
	}
	/* x86: CPUID's hypervisor bit, which the kernel lists as a flag of
	 * the first CPU, within the first 4 KiB of /proc/cpuinfo */
	n = ops->read_file("/proc/cpuinfo", text, sizeof(text));
	p = n > 0 ? strstr(text, "\nflags") : NULL;
	if (p != NULL) {
		end = strchr(p + 1, '\n');
		for (p = strstr(p, " hypervisor"); p != NULL && (end == NULL || p < end);
				p = strstr(p + 1, " hypervisor")) {
			if (p[11] == ' ' || p[11] == '\n' || p[11] == '\0') {
				return 1;
			}
		}
	}
	return 0;
}

const char *ent_identity_class(const struct ent_identity *id)
{
	return id->len == 0 ? "" : id->fused > 0 ? "hardware" : "software";
}

const char *ent_identity_class_text(const struct ent_identity *id)
{
	if (id->len == 0) {
		return "";
	}
	if (id->fused > 0) {
		return "fused into the hardware";
	}
	return id->vm ? "set by the hypervisor: a clone of the VM keeps it"
		: "set by software: a copy of the medium may carry it";
}

void ent_identity_collect(const struct ent_ops *ops, dev_t medium, const char *seed_dir,
		struct ent_identity *id)
{
	char v[VALUE_MAX + 1], detail[80];
	size_t i;
	ssize_t n;

	memset(id, 0, sizeof(*id));
	id->vm = virtual_machine(ops);
	for (i = 0; i < sizeof(board_files) / sizeof(board_files[0]); i++) {
		/* The /proc copy of the device tree only where sysfs had none */
		if (i > 0 && strcmp(board_files[i][0], board_files[i - 1][0]) == 0
				&& strstr(id->text, board_files[i][0]) != NULL) {
			continue;
		}
		n = read_value(ops, board_files[i][1], v);
		if (n >= 0 && clean_value(v, (size_t)n)) {
			(void)add(id, board_files[i][0], v, board_files[i][2]);
		}
	}
	detail[0] = '\0';
	(void)medium_serial(ops, medium, id, detail, sizeof(detail));
	if (id->len == 0) {
		nic_macs(ops, id);
	}
	if (id->len == 0) {
		(void)snprintf(id->missing, sizeof(id->missing), "no SoC/board serial, no serial "
				"of the medium holding %.100s (%s), no universally administered MAC",
				seed_dir, detail);
	}
}

void ent_identity_hash(const struct ent_identity *id, unsigned char out[ENT_SHA256_LEN])
{
	/* v2: the sources changed (no machine-id, no locally administered
	 * MACs); a v1 hash never matches one of these */
	ent_seed_hash(out, "dropbear-entropy device v2", id->text, id->len);
}

#endif /* ENT_WITH_SEED */
