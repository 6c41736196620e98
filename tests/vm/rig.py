#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
"""Boot one scenario of the zero-entropy aarch64 guest and measure it.

Everything is measured from the host, in seconds since qemu was started:
  crng_s    the kernel's "crng init done" line appears on the console
  start_s   the guest's init starts the SSH server ("rig: server starting")
  listen_s  a socket listens on port 22 ("rig: listening", from rig-watch)
  login_s   the one OpenSSH login (`ssh ... true`) has succeeded

The SSH attempt is made exactly once, as soon as the console says the server
listens: qemu's user-mode stack accepts the host's TCP connection even while
nothing listens in the guest and then drops it, and repeated probing would
itself feed interrupts (entropy) to the guest. The connect timeout is the
whole remaining budget of the run.

Network safety: qemu always gets `-netdev user,...,restrict=on` and a
hostfwd bound to 127.0.0.1 only. The guest's only peer is slirp's virtual
host inside the qemu process; restrict=on stops anything from leaving it.
The host talks only to 127.0.0.1:<port>.
"""

import argparse
import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

VM_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(os.path.dirname(VM_DIR))
CACHE = os.environ.get("DBE_CACHE", "/var/cache/dropbear-entropy")
BUILD = os.environ.get("DBE_BUILD", os.path.join(REPO_DIR, "build"))

BASE_APPEND = "console=ttyAMA0 random.trust_cpu=off random.trust_bootloader=off panic=-1"
# Legacy = the pre-5.4 readiness of BSP kernels: no jitter collector and
# ready after 128 credited bits (see README.md for how close this is).
# Starved = a modern kernel whose jitter collector gives up (a cycle
# counter too coarse for it, as on the RK3328 boards of the OpenWrt
# report): the same 6.1 kernel, the collector off, the ready threshold
# left at 256 bits, i.e. 16k device interrupts, twice legacy's.
KERNEL_APPEND = {
    "legacy": BASE_APPEND + " random.jitter=off random.ready_bits=128",
    "modern": BASE_APPEND,
    "starved": BASE_APPEND + " random.jitter=off",
    "debian": BASE_APPEND,
}

PACKAGED_INIT = os.path.join(REPO_DIR, "packaging", "buildroot", "package",
                             "dropbear-entropy", "S50dropbear")
# The program's early script, as BR2_PACKAGE_DROPBEAR_ENTROPY_PROGRAM
# installs it (--companion).
PACKAGED_SEED_INIT = os.path.join(REPO_DIR, "packaging", "buildroot", "package",
                                  "dropbear-entropy", "S02dropbear-entropy")
GETRANDOM_DAEMON_SRC = os.path.join(VM_DIR, "getrandom-daemon.c")
SQUAT_SRC = os.path.join(VM_DIR, "rig-squat.c")
PINGPONG_SRC = os.path.join(VM_DIR, "rig-pingpong.c")
# The guest's gateway is always slirp's virtual host.
SLIRP_GW = "10.0.2.2"
GUEST_IP = "10.0.2.15"
# qemu's default NIC MAC: the board of every boot without --mac.
DEFAULT_MAC = "52:54:00:12:34:56"


def disk_serial(mac):
    """The virtio disk's serial of the board with this NIC MAC. Every SD
    card and eMMC has a CID, every virtio disk of the rig a serial: one
    per simulated board, so a clone (another MAC) also has another disk
    serial. At most 20 characters (virtio-blk's limit)."""
    return "dbe-" + (mac or DEFAULT_MAC).replace(":", "").lower()

# Modules Debian's generic kernel needs for the NIC (in load order).
DEBIAN_MODULES = [
    "drivers/virtio/virtio_mmio.ko",
    "net/core/failover.ko",
    "drivers/net/net_failover.ko",
    "drivers/net/virtio_net.ko",
]

# Debian arm64 packages per peer daemon, with their run-time libraries
# (apt-cache depends <pkg>:arm64); libc6 brings the dynamic loader.
PEER_PACKAGES = {
    "haveged": ["libc6", "haveged", "libhavege2"],
    "jitterentropy-rngd": ["libc6", "jitterentropy-rngd"],
    "rngd": ["libc6", "rng-tools5"],
}


def log(msg):
    print("vm: " + msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def is_aarch64_elf(path):
    with open(path, "rb") as f:
        head = f.read(20)
    return head[:4] == b"\x7fELF" and head[18:20] == b"\xb7\x00"


def rig_kernel():
    """Path of the rig kernel, built first if its inputs changed. One build
    at a time: a caller that finds another one building waits for it (under
    the lock build-kernel then finds the Image cached)."""
    d = os.path.join(CACHE, "kernel")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        out = subprocess.run([os.path.join(VM_DIR, "build-kernel")], check=True,
                             stdout=subprocess.PIPE, text=True).stdout.strip()
    return out.splitlines()[-1]


# Where the "floor" scenarios get a seeded kernel from, before any of our
# code runs (see README.md): the seed qemu's virt board writes into the
# device tree (credited because the rig kernel has
# CONFIG_RANDOM_TRUST_BOOTLOADER=y; arm64 reads it before the command line),
# or the RNDR instruction of `-cpu max` with random.trust_cpu=on.
SEED_SOURCES = ("dtb", "cpu")


def kernel_append(kernel, seed_source=None, extra=""):
    """The kernel command line of a boot."""
    append = KERNEL_APPEND[kernel]
    if seed_source == "dtb":
        append = append.replace("random.trust_bootloader=off", "random.trust_bootloader=on")
    elif seed_source == "cpu":
        append = append.replace("random.trust_cpu=off", "random.trust_cpu=on")
    if extra:
        append += " " + extra
    return append


def deb_cache_dir():
    d = os.path.join(CACHE, "debs")
    os.makedirs(d, exist_ok=True)
    return d


def candidate_version(pkg):
    out = subprocess.run(["apt-cache", "policy", pkg], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    m = re.search(r"Candidate:\s*(\S+)", out)
    if not m or m.group(1) == "(none)":
        raise SystemExit("vm: error: no candidate for %s (is arm64 added and apt-get update run?)" % pkg)
    return m.group(1)


def extracted_deb(pkg):
    """Download an arm64 package with apt-get and unpack it into the cache,
    keyed on its version. Nothing is installed on the host."""
    ver = candidate_version(pkg + ":arm64")
    key = "%s_%s_arm64" % (pkg, ver.replace(":", "%3a"))
    root = os.path.join(deb_cache_dir(), key)
    if os.path.isdir(os.path.join(root, "done")):
        return os.path.join(root, "tree")
    tmp = tempfile.mkdtemp(dir=deb_cache_dir())
    run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", "%s:arm64=%s" % (pkg, ver)], cwd=tmp,
        stdout=subprocess.DEVNULL)
    debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
    if len(debs) != 1:
        raise SystemExit("vm: error: apt-get download %s gave %r" % (pkg, debs))
    os.makedirs(os.path.join(tmp, "tree"))
    run(["dpkg-deb", "-x", os.path.join(tmp, debs[0]), os.path.join(tmp, "tree")])
    os.remove(os.path.join(tmp, debs[0]))
    os.makedirs(os.path.join(tmp, "done"))
    shutil.rmtree(root, ignore_errors=True)
    os.rename(tmp, root)
    return os.path.join(root, "tree")


def debian_kernel():
    """Debian's unmodified arm64 kernel and the four NIC modules."""
    out = subprocess.run(["apt-cache", "depends", "linux-image-arm64:arm64"],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    m = re.search(r"Depends:\s*(linux-image-\S+-arm64)", out)
    if not m:
        raise SystemExit("vm: error: cannot resolve linux-image-arm64:arm64")
    tree = extracted_deb(m.group(1).split(":")[0])
    boot = os.path.join(tree, "boot")
    image = [f for f in os.listdir(boot) if f.startswith("vmlinuz-")][0]
    kver = image[len("vmlinuz-"):]
    moddir = os.path.join(tree, "lib", "modules", kver, "kernel")
    mods = []
    for rel in DEBIAN_MODULES:
        for suffix in ("", ".xz"):
            p = os.path.join(moddir, rel + suffix)
            if os.path.exists(p):
                mods.append(p)
                break
        else:
            raise SystemExit("vm: error: %s not in %s" % (rel, m.group(1)))
    return os.path.join(boot, image), mods


def client_key():
    d = os.path.join(CACHE, "ssh")
    key = os.path.join(d, "id_ed25519")
    if not os.path.exists(key):
        os.makedirs(d, exist_ok=True)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dbe-rig",
             "-f", key])
    return key


def guest_tool(name, src):
    """A program of the rig for the guest (tests/vm/NAME.c), static for
    aarch64 into $DBE_BUILD/vm-tools/, rebuilt when the source is newer
    than the binary: getrandom-daemon (a daemon blocking in getrandom()),
    rig-squat (the hostile-rundir scenario's local user), rig-pingpong
    (--pingpong: one echo request in flight to the gateway until ready)."""
    out = os.path.join(BUILD, "vm-tools", name)
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        run(["aarch64-linux-gnu-gcc", "-static", "-Os", "-Wall", "-Wextra", "-Werror",
             "-o", out + ".new", src])
        os.rename(out + ".new", out)
    return out


def busybox():
    path = "/bin/busybox"
    if os.path.exists(path) and is_aarch64_elf(path):
        return path
    tree = extracted_deb("busybox-static")
    path = os.path.join(tree, "bin", "busybox")
    if not is_aarch64_elf(path):
        raise SystemExit("vm: error: no aarch64 busybox")
    return path


def copy_tree(src, dst):
    for root, dirs, files in os.walk(src):
        rel = os.path.relpath(root, src)
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
        for f in files:
            s = os.path.join(root, f)
            d = os.path.join(dst, rel, f)
            if os.path.islink(s):
                if os.path.lexists(d):
                    os.remove(d)
                os.symlink(os.readlink(s), d)
            else:
                shutil.copy2(s, d)


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def make_initramfs(work, args, bindir, modules):
    """Stage the guest's root and pack it as a newc cpio."""
    root = os.path.join(work, "root")
    copy_tree(os.path.join(VM_DIR, "guest"), root)
    # The server starts through the packaged init script, as on a board
    # built with packaging/buildroot (git keeps it 0644, as Buildroot wants).
    initd = os.path.join(root, "etc", "init.d")
    shutil.copy2(PACKAGED_INIT, os.path.join(initd, "S50dropbear"))
    os.chmod(os.path.join(initd, "S50dropbear"), 0o755)
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    shutil.copy2(busybox(), os.path.join(root, "bin", "busybox"))
    os.makedirs(os.path.join(root, "usr", "sbin"), exist_ok=True)
    os.makedirs(os.path.join(root, "usr", "bin"), exist_ok=True)
    progs = [("dropbear", "sbin"), ("dropbearkey", "bin")]
    if getattr(args, "companion", False):
        # BR2_PACKAGE_DROPBEAR_ENTROPY_PROGRAM: the program and its early
        # script; the rig's daemon that blocks in getrandom().
        progs.append(("dropbear-entropy", "sbin"))
        shutil.copy2(PACKAGED_SEED_INIT, os.path.join(initd, "S02dropbear-entropy"))
        os.chmod(os.path.join(initd, "S02dropbear-entropy"), 0o755)
        shutil.copy2(guest_tool("getrandom-daemon", GETRANDOM_DAEMON_SRC), os.path.join(root, "usr", "sbin", "getrandom-daemon"))
    if getattr(args, "hostile_rundir", False):
        shutil.copy2(guest_tool("rig-squat", SQUAT_SRC), os.path.join(root, "usr", "sbin", "rig-squat"))
    if getattr(args, "pingpong", False):
        shutil.copy2(guest_tool("rig-pingpong", PINGPONG_SRC), os.path.join(root, "usr", "sbin", "rig-pingpong"))
    for prog, sub in progs:
        src = os.path.join(bindir, prog)
        if not os.path.exists(src):
            raise SystemExit("vm: error: %s missing" % src)
        if not is_aarch64_elf(src):
            raise SystemExit("vm: error: %s is not an aarch64 binary" % src)
        dst = os.path.join(root, "usr", sub, prog)
        shutil.copy2(src, dst)
        # Build trees hold unstripped binaries; a smaller initramfs unpacks
        # faster under emulation. Stripping changes no code.
        if shutil.which("aarch64-linux-gnu-strip"):
            run(["aarch64-linux-gnu-strip", dst])
    sshd = os.path.join(root, "root", ".ssh")
    os.makedirs(sshd, exist_ok=True)
    os.chmod(os.path.join(root, "root"), 0o700)
    os.chmod(sshd, 0o700)
    with open(client_key() + ".pub") as f:
        write(os.path.join(sshd, "authorized_keys"), f.read(), 0o600)
    for peer in args.peers:
        for pkg in PEER_PACKAGES[peer]:
            copy_tree(extracted_deb(pkg), root)
    if modules:
        md = os.path.join(root, "lib", "rig-modules")
        os.makedirs(md, exist_ok=True)
        names = []
        for i, m in enumerate(modules):
            name = "%02d-%s" % (i, os.path.basename(m))
            shutil.copy2(m, os.path.join(md, name))
            names.append(name)
        write(os.path.join(root, "etc", "init.d", "S01modules"),
              "#!/bin/sh\n# Debian's kernel: load the NIC modules the rig kernel has built in.\n"
              "[ \"$1\" = start ] || exit 0\n"
              "for m in " + " ".join("/lib/rig-modules/" + n for n in names) + "; do\n"
              "\tinsmod \"$m\" || echo \"rig: insmod $m failed\" > /dev/console\n"
              "done\n", 0o755)
    conf = {
        "RIG_SCENARIO": args.scenario,
        "RIG_NET": args.net,
        "RIG_IP": GUEST_IP,
        "RIG_GW": SLIRP_GW,
        "RIG_BLOG": "1" if args.blog else "0",
        "RIG_PINGPONG": "1" if getattr(args, "pingpong", False) else "0",
        "RIG_PINGPONG_WINDOW": str(getattr(args, "pingpong_window", None) or 1),
        "RIG_PEERS": " ".join(args.peers),
        "RIG_COMPANION": "1" if getattr(args, "companion", False) else "0",
        "RIG_HOSTILE": "1" if getattr(args, "hostile_rundir", False) else "0",
    }
    write(os.path.join(root, "etc", "rig.conf"),
          "".join("%s=%s\n" % (k, shell_quote(v)) for k, v in conf.items()))
    # The server's arguments where the packaged init script looks for
    # them; its log goes to the console, where the rig reads it.
    write(os.path.join(root, "etc", "default", "dropbear"),
          "DROPBEAR_LOG=console\nDROPBEAR_ARGS=%s\n" % shell_quote(args.server_args))
    cpio = os.path.join(work, "initramfs.cpio")
    files = subprocess.run(["find", "."], cwd=root, stdout=subprocess.PIPE,
                           check=True).stdout
    with open(cpio, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0", "--quiet"],
                       cwd=root, input=files, stdout=out, check=True)
    return cpio


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def qemu_cmd(kernel, initrd, append, port, disk, nic, mac=None,
             seed_source=None, virtio_rng=False, serial=None):
    """mac: the NIC's MAC (qemu's default 52:54:00:12:34:56 if None), part
    of the device identity our module binds its seed file to. serial: the
    virtio disk's serial (disk_serial(mac) if None). seed_source: None
    (no seed: the rig), "dtb" or "cpu" (the floor). virtio_rng: attach a
    virtio-rng-device (fed from the host's /dev/urandom by qemu)."""
    machine = "virt,dtb-randomness=%s" % ("on" if seed_source == "dtb" else "off")
    cpu = "max,pauth-impdef=on" if seed_source == "cpu" else "cortex-a53"
    cmd = ["qemu-system-aarch64",
           "-M", machine, "-cpu", cpu,
           "-smp", "1", "-m", "256",
           "-nodefaults", "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-no-reboot",
           "-kernel", kernel, "-initrd", initrd, "-append", append]
    if nic:
        cmd += ["-netdev",
                "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:%d-:22" % port,
                "-device", "virtio-net-device,netdev=n0" + (",mac=" + mac if mac else "")]
    if disk:
        cmd += ["-drive", "file=%s,if=none,format=raw,id=d0" % disk,
                "-device", "virtio-blk-device,drive=d0,serial=%s" % (serial or disk_serial(mac))]
    if virtio_rng:
        cmd += ["-device", "virtio-rng-device"]
    return cmd


class Console:
    """Reads the guest's serial console line by line and timestamps it."""

    PATTERNS = {
        "crng_s": re.compile(r"crng init done"),
        # Init's marks start a line, unless another program's output
        # without its newline yet (S50dropbear's "Starting dropbear: ")
        # came first on the console.
        "start_s": re.compile(r"(^|\s)rig: server starting"),
        "listen_s": re.compile(r"(^|\s)rig: listening"),
        # Our module's last line (entropy/ent_wait.c): the server's own
        # word that the kernel is seeded; the only mark without a NIC.
        "seeded_s": re.compile(r"entropy: kernel CRNG seeded after"),
    }
    # The module's verdict on the seed file (entropy/ent_seed.c).
    SEED_CREDITED = re.compile(r"entropy: seed file credited (\d+) bits")
    SEED_MIXED = re.compile(r"entropy: seed file mixed in without credit: (.*)$")
    # rig-pingpong's last line (--pingpong).
    PINGPONG = re.compile(r"rig: pingpong: (not ready|ready) after (\d+) requests, (\d+) replies, ([0-9.]+) s")
    HWRNG_DONE = re.compile(r"entropy: kernel CRNG seeded after .*/dev/hwrng \((\d+) bits credited\)")
    MODULE_DONE = re.compile(r"entropy: kernel CRNG seeded after ([0-9.]+) s.*; "
                             r"(\d+) ICMP packets, (\d+) replies, (\d+) block reads")
    # Whom the module pinged, from its final line: "neighbour 10.0.2.2 on
    # eth0 from the ARP table, no default route" where there was no route.
    MODULE_VIA = re.compile(r"entropy: kernel CRNG seeded after .*ICMP echo to "
                            r"(neighbours? [0-9. ]+ on \S+ from the ARP table)")
    # Requests in flight, the pause between a reply and the next request,
    # device interrupts per second and per reply, as the module's pacing
    # stood at the end.
    # The rig timer's frequency as the kernel reports it (the counter
    # userspace reads: status's counter_hz).
    ARCH_TIMER = re.compile(r"arch_timer: cp15 timer\(s\) running at ([0-9.]+)MHz")
    # The kernel's own time of readiness, seconds since boot.
    CRNG_KERNEL = re.compile(r"^\[\s*([0-9]+\.[0-9]+)\] random: crng init done")
    MODULE_YIELD = re.compile(r"entropy: kernel CRNG seeded after .*replies, window (\d+), "
                              r"gap (\d+) us, ([0-9.]+) irq/s, ([0-9.]+) irq/event")

    def __init__(self, proc, t0, logf, stream):
        self.proc = proc
        self.t0 = t0
        self.logf = logf
        self.stream = stream
        self.marks = {}
        self.lines = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            t = time.monotonic() - self.t0
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            text = "%8.3f | %s" % (t, line)
            self.logf.write(text + "\n")
            self.logf.flush()
            if self.stream:
                print(text, flush=True)
            with self.cond:
                self.lines.append((t, line))
                for k, rx in self.PATTERNS.items():
                    if k not in self.marks and rx.search(line):
                        self.marks[k] = round(t, 3)
                m = self.SEED_CREDITED.search(line)
                if m and "seed_credited_bits" not in self.marks:
                    self.marks["seed_credited_bits"] = int(m.group(1))
                m = self.SEED_MIXED.search(line)
                if m and "seed_mixed" not in self.marks:
                    self.marks["seed_mixed"] = m.group(1).strip()
                m = self.PINGPONG.search(line)
                if m and "pingpong_ready" not in self.marks:
                    self.marks["pingpong_ready"] = m.group(1) == "ready"
                    self.marks["pingpong_requests"] = int(m.group(2))
                    self.marks["pingpong_replies"] = int(m.group(3))
                    self.marks["pingpong_s"] = float(m.group(4))
                m = self.HWRNG_DONE.search(line)
                if m and "module_hwrng_bits" not in self.marks:
                    self.marks["module_hwrng_bits"] = int(m.group(1))
                m = self.MODULE_VIA.search(line)
                if m and "module_via" not in self.marks:
                    self.marks["module_via"] = m.group(1)
                m = self.MODULE_YIELD.search(line)
                if m and "module_irq_per_reply" not in self.marks:
                    self.marks["module_window"] = int(m.group(1))
                    self.marks["module_gap_us"] = int(m.group(2))
                    self.marks["module_irq_per_s"] = float(m.group(3))
                    self.marks["module_irq_per_reply"] = float(m.group(4))
                m = self.ARCH_TIMER.search(line)
                if m and "arch_timer_mhz" not in self.marks:
                    self.marks["arch_timer_mhz"] = float(m.group(1))
                m = self.CRNG_KERNEL.search(line)
                if m and "crng_kernel_s" not in self.marks:
                    self.marks["crng_kernel_s"] = float(m.group(1))
                m = self.MODULE_DONE.search(line)
                if m and "module_wait_s" not in self.marks:
                    self.marks["module_wait_s"] = float(m.group(1))
                    self.marks["module_icmp_sent"] = int(m.group(2))
                    self.marks["module_icmp_replies"] = int(m.group(3))
                    self.marks["module_block_reads"] = int(m.group(4))
                self.cond.notify_all()
        with self.cond:
            self.marks.setdefault("eof_s", round(time.monotonic() - self.t0, 3))
            self.cond.notify_all()

    def wait_for(self, key, deadline):
        with self.cond:
            while key not in self.marks and "eof_s" not in self.marks:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.5))
            return self.marks.get(key)


def ssh_cmd(port, key, remote, timeout):
    return ["ssh", "-q", "-i", key, "-p", str(port),
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR",
            "-o", "ConnectionAttempts=1",
            "-o", "ConnectTimeout=%d" % max(1, int(timeout)),
            "root@127.0.0.1", remote]


def parse_stats(text):
    """Guest counters fetched after the timed login."""
    out = {}
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("Icmp:") and i + 1 < len(lines) and lines[i + 1].startswith("Icmp:"):
            names = l.split()[1:]
            vals = lines[i + 1].split()[1:]
            d = dict(zip(names, vals))
            out["icmp_out_echos"] = int(d.get("OutEchos", 0))
            out["icmp_in_echo_reps"] = int(d.get("InEchoReps", 0))
        if l.startswith("STAT "):
            f = l[5:].rsplit(")", 1)[-1].split()
            # fields after "(comm)": state is f[0]; utime is field 14 -> f[11]
            ticks = sum(int(x) for x in f[11:15])
            out["cpu_s"] = round(ticks / 100.0, 2)
        if l.startswith("CPUALL cpu "):
            # The whole guest since boot, /proc/stat: busy and idle seconds
            f = [int(x) for x in l.split()[2:]]
            if len(f) >= 7:
                out["guest_busy_s"] = round((f[0] + f[1] + f[2] + f[5] + f[6]) / 100.0, 2)
                out["guest_idle_s"] = round((f[3] + f[4]) / 100.0, 2)
        if l.startswith("IRQ "):
            # Device interrupts (arch timer excluded: it credits nothing).
            out["irq_device"] = int(l.split()[1])
    return out


STATS_SCRIPT = (
    "cat /proc/net/snmp; "
    "p=$(cat /var/run/dropbear.pid); echo \"STAT $(cat /proc/$p/stat)\"; "
    "echo \"CPUALL $(head -n 1 /proc/stat)\"; "
    "echo \"IRQ $(awk '$1 ~ /^[0-9]+:$/ && !/arch_timer/ {for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i} END {print s + 0}' /proc/interrupts)\""
)


# The companion scenarios: what S01rigseed recorded before seeding, then
# status now (after the login, so after seeding), the daemon's record, the
# boot record, the server's pid, uname -r, and the packaged stop (save).
COMPANION_SCRIPT = (
    "echo @@before-json; cat /run/rig/status-before.json; "
    "echo @@before-rc; cat /run/rig/status-before.rc; "
    "echo @@before-err; cat /run/rig/status-before.err; "
    "echo @@before-text; cat /run/rig/status-before.txt; "
    "echo @@after-json; dropbear-entropy status --json; echo @@after-rc; echo $?; "
    "echo @@after-text; dropbear-entropy status; "
    "echo @@daemon; cat /run/rig/getrandom-daemon; "
    "echo @@record; cat /run/dropbear-entropy/seeded; "
    "echo @@server-pid; cat /var/run/dropbear.pid; "
    "echo @@uname; uname -r; "
    "echo @@stop; /etc/init.d/S02dropbear-entropy stop 2>&1; echo \"rc=$?\"; "
    "echo @@end"
)


def parse_companion(text):
    """The sections of COMPANION_SCRIPT's output; JSON parsed (a parse
    error is kept as text: the check reports it)."""
    sections, cur = {}, None
    for line in text.splitlines():
        if line.startswith("@@"):
            cur = line[2:]
            sections[cur] = []
        elif cur is not None:
            sections[cur].append(line)
    out = {}
    for k, lines in sections.items():
        body = "\n".join(lines)
        if k.endswith("-json"):
            try:
                out[k.replace("-", "_")] = json.loads(body)
            except ValueError as e:
                out[k.replace("-", "_")] = "unparsable: %s: %r" % (e, body[:300])
        elif k.endswith("-rc"):
            out[k.replace("-", "_")] = int(body.strip()) if body.strip().isdigit() else body
        else:
            out[k.replace("-", "_")] = body
    return out


def boot(args):
    os.makedirs(args.out, exist_ok=True)
    if args.kernel == "debian":
        kernel, modules = debian_kernel()
    elif getattr(args, "kernel_image", None):
        kernel, modules = args.kernel_image, []
    else:
        kernel, modules = rig_kernel(), []
    bindir = args.bin
    work = tempfile.mkdtemp(prefix="rig.", dir=args.out)
    try:
        initrd = make_initramfs(work, args, bindir, modules)
        key = client_key()
        results = []
        for boot_no in range(1, args.boots + 1):
            results.append(boot_once(args, kernel, initrd, key, boot_no))
        return results
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def boot_once(args, kernel, initrd, key, boot_no):
    port = free_port()
    seed_source = getattr(args, "seed_source", None)
    append = kernel_append(args.kernel, seed_source, getattr(args, "append", "") or "")
    macs = getattr(args, "macs", None) or []
    # Boot N uses the Nth --mac, the last one for later boots; --serial
    # likewise, else the serial of the board with that MAC.
    mac = macs[min(boot_no, len(macs)) - 1] if macs else None
    serials = getattr(args, "serials", None) or []
    serial = serials[min(boot_no, len(serials)) - 1] if serials else disk_serial(mac)
    cmd = qemu_cmd(kernel, initrd, append, port, args.disk, args.net != "nonic",
                   mac=mac, seed_source=seed_source,
                   virtio_rng=getattr(args, "virtio_rng", False), serial=serial)
    tag = "%s-%s-boot%d" % (args.scenario, args.kernel, boot_no)
    logpath = os.path.join(args.out, tag + ".console.log")
    res = {"scenario": args.scenario, "kernel": args.kernel, "boot": boot_no,
           "port": port, "console": logpath}
    if mac:
        res["mac"] = mac
    if args.disk:
        res["disk_serial"] = serial
    if getattr(args, "pingpong", False):
        res["pingpong_window"] = getattr(args, "pingpong_window", None) or 1
    with open(logpath, "w") as logf:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        con = Console(proc, t0, logf, args.stream)
        deadline = t0 + args.timeout
        try:
            listen = None
            if con.wait_for("start_s", deadline) is not None:
                listen = con.wait_for("listen_s", deadline)
            if args.net == "nonic":
                # No NIC, no SSH: the server's own readiness line is the mark.
                con.wait_for("seeded_s", deadline)
            elif listen is not None:
                left = deadline - time.monotonic()
                if left > 1:
                    # The one login attempt, with the rest of the budget.
                    r = subprocess.run(ssh_cmd(port, key, "true", left),
                                       stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE,
                                       timeout=left + 5)
                    if r.returncode == 0:
                        res["login_s"] = round(time.monotonic() - t0, 3)
                    else:
                        res["ssh_error"] = "ssh exit %d: %s" % (
                            r.returncode,
                            r.stderr.decode("utf-8", "replace").strip()[-300:])
            if "login_s" in res:
                r = subprocess.run(ssh_cmd(port, key, STATS_SCRIPT, 60),
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, timeout=90)
                res.update(parse_stats(r.stdout.decode("utf-8", "replace")))
                if getattr(args, "companion", False):
                    r = subprocess.run(ssh_cmd(port, key, COMPANION_SCRIPT, 60),
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, timeout=90)
                    res["companion"] = parse_companion(r.stdout.decode("utf-8", "replace"))
            else:
                # Give the kernel a moment to print crng init done if it
                # is about to, then stop: the run is over either way.
                time.sleep(0.5)
        except subprocess.TimeoutExpired:
            res["ssh_error"] = "ssh timed out"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            con.thread.join(timeout=5)
        for k in ("crng_s", "start_s", "listen_s", "seeded_s"):
            res[k] = con.marks.get(k)
        for k in ("arch_timer_mhz", "crng_kernel_s", "module_wait_s", "module_icmp_sent", "module_icmp_replies",
                  "module_block_reads", "module_hwrng_bits", "seed_credited_bits",
                  "seed_mixed", "module_via", "module_window", "module_gap_us",
                  "module_irq_per_s", "module_irq_per_reply", "pingpong_ready",
                  "pingpong_requests", "pingpong_replies", "pingpong_s"):
            if k in con.marks:
                res[k] = con.marks[k]
        res.setdefault("login_s", None)
        res["timeout_s"] = args.timeout
    return res


def pingpong_window(text):
    """--pingpong-window: rig-pingpong's bound on requests in flight."""
    try:
        w = int(text)
    except ValueError:
        w = 0
    if not 1 <= w <= 16:
        raise argparse.ArgumentTypeError("W must be 1..16, not %r" % text)
    return w


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", required=True, help="name recorded in the result")
    ap.add_argument("--kernel", choices=sorted(KERNEL_APPEND), default="legacy")
    ap.add_argument("--bin", required=True, help="dir with aarch64 dropbear and dropbearkey")
    ap.add_argument("--server-args", default="", help="extra dropbear arguments (e.g. -X ...)")
    ap.add_argument("--blog", action="store_true", help="ping the gateway until ready first")
    ap.add_argument("--pingpong", action="store_true",
                    help="before the server, ping the gateway one request in flight (the next on "
                         "each reply, TTL 1) until getrandom(GRND_NONBLOCK) succeeds (rig-pingpong.c)")
    ap.add_argument("--pingpong-window", type=pingpong_window, metavar="W",
                    help="--pingpong with W requests in flight (1..16; 1 is --pingpong): does "
                         "more in flight make the kernel ready sooner (issue 25)")
    ap.add_argument("--peer", dest="peers", action="append", default=[],
                    choices=sorted(PEER_PACKAGES))
    ap.add_argument("--net", choices=["static", "noroute", "onlink", "none", "nonic"], default="static")
    ap.add_argument("--disk", help="raw ext4 image attached as virtio-blk")
    ap.add_argument("--boots", type=int, default=1, help="boot the same image N times")
    ap.add_argument("--mac", dest="macs", action="append", default=[],
                    help="the NIC's MAC; repeat for boot 2, 3... (a clone on another device)")
    ap.add_argument("--serial", dest="serials", action="append", default=[],
                    help="the virtio disk's serial; repeat for boot 2, 3... "
                         "(default: one per MAC, dbe-<mac>)")
    ap.add_argument("--seed-source", choices=SEED_SOURCES,
                    help="seed the kernel before userspace (the floor): dtb rng-seed or -cpu max RNDR")
    ap.add_argument("--virtio-rng", action="store_true", help="attach a virtio-rng-device")
    ap.add_argument("--companion", action="store_true",
                    help="the dropbear-entropy program from --bin with the packaged S02dropbear-entropy, "
                         "status before and after seeding, a daemon blocking in getrandom()")
    ap.add_argument("--hostile-rundir", action="store_true",
                    help="/run mode 1777 and uid 65534 squats /run/dropbear-entropy before the "
                         "server starts (0777, FIFOs, locks held; S05righostile, rig-squat.c)")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--kernel-image", help="use this rig kernel Image instead of build-kernel's")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds per boot")
    ap.add_argument("--out", default=os.path.join(BUILD, "vm"), help="logs go here")
    ap.add_argument("--stream", action="store_true", help="echo the console")
    ap.add_argument("--keep", action="store_true", help="keep the staged initramfs")
    args = ap.parse_args()
    if args.pingpong_window is not None:
        args.pingpong = True
    for r in boot(args):
        print(json.dumps(r, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
