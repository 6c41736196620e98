#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
"""Load during seeding (issue 7): many SSH clients wait while the kernel
CRNG of the zero-entropy aarch64 guest is unseeded; afterwards the server
serves them within upstream's unauthenticated limits, survives 200
sequential logins, leaks no descriptor, and hands its children none of the
entropy module's files.

How the test proves that the clients waited during seeding
-----------------------------------------------------------
On the rig's legacy kernel our server seeds the CRNG in 1-3 s, too short a
window to be sure that 50 host-side clients are inside the guest before it
closes. So the window is held open by the situation the module handles
anyway, a network that comes up after the server: the guest boots with
`--net noroute` (an address, no default route) and the server runs with
`-X stim=collector,icmp` (the collector child does nothing on the legacy
kernel, ICMP needs a route). The module logs "kernel CRNG not initialised",
finds no gateway and looks for one once a second; the CRNG stays unseeded.

A guest-side instrument (/sbin/load-gate, appended to the rig's initramfs
as a second cpio archive, which the kernel unpacks over the first) reads
the accept queue of the listening socket every 50 ms: for a listener,
/proc/net/tcp's rx_queue column is the number of connections the kernel
completed that nobody has accept()ed yet. When all clients are queued it
logs "load: gate open: acceptq N ... crng unseeded" (the kernel has not
printed "crng init done": dmesg is read, no getrandom()) and only then
adds the default route. The module notices the route within a second,
pings the gateway, the kernel seeds, the module logs "kernel CRNG seeded",
and the server's accept loop starts. The console is one ordered stream,
so the test checks there that the gate line (all clients queued, CRNG
unseeded) comes before "crng init done" and before the module's seeded
line, and that the server's first "Child connection" comes after it.

Upstream's limits (default_options.h of the build under test, read at run
time): MAX_UNAUTH_PER_IP (5) and MAX_UNAUTH_CLIENTS (30). All rig clients
arrive from one address (slirp's 10.0.2.2), so the per-IP limit applies:
the server forks for at most MAX_UNAUTH_PER_IP unauthenticated clients and
closes every further accepted connection at once. The clients refused that
way must end cleanly (ssh exit 255, "Connection closed/reset by remote
host", no hang) and must get in when they retry (one by one). See
tests/vm/LOAD.md.

Then 200 sequential logins; the server's descriptors (readlinks of
/proc/<pid>/fd) are taken from the guest before seeding, while the module
seeds, after the burst and after the 200 logins; session children (the
dropbear session process and the shell it runs) and, during the burst, every
other dropbear process (pre-auth children, the collector child) are checked
for the module's sockets and files.

Network safety: the rig's qemu command (-netdev user,restrict=on, hostfwd
on 127.0.0.1 only); the host only connects to 127.0.0.1:<port>; the guest's
only peer is slirp's 10.0.2.2 inside qemu. Every loop here and in the
guest script is bounded.

Output: "ok - ..." / "not ok - ..." lines, then "N passed, N failed".
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

VM_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, VM_DIR)
import rig  # noqa: E402  (the rig's staging, qemu command and console)

BUILD = os.environ.get("DBE_BUILD", os.path.join(rig.REPO_DIR, "build"))
FORK_DIR = os.environ.get("FORK_DIR", os.path.join(BUILD, "aarch64-static", "fork", "src"))

SERVER_ARGS = "-X stim=collector,icmp -X kmsg"
# How long the limits phase's guest-local holders keep their slots.
HOLD_S = 30
# All sequential logins together (about 90 s on the development machine).
SEQ_BOUND_S = 480
GUEST_PIDFILE = "/var/run/dropbear.pid"
SEED_DIRS = ("/var/lib/dropbear-entropy", "/var/lib/rig/seed")
MODULE_PATHS = ("/dev/kmsg", "/dev/vda", "/dev/hwrng") + SEED_DIRS

# Upstream's documented defaults, used only when the build's own
# default_options.h cannot be read (the test prints which it used).
UPSTREAM_DEFAULTS = {"MAX_UNAUTH_PER_IP": 5, "MAX_UNAUTH_CLIENTS": 30}

# Shared by both guest scripts: which child holds a module descriptor.
SCAN_CHILDREN = r'''# scan_children SRV "SOCKETS": looks at every dropbear process but SRV and
# says each descriptor that is one of SOCKETS or a file of the module;
# adds to procs and hits.
scan_children() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = "$1" ] && continue
		c=""
		{ read -r c < "$p/comm"; } 2>/dev/null
		[ "$c" = dropbear ] || continue
		procs=$((procs + 1))
		for f in "$p"/fd/*; do
			l=$(readlink "$f" 2>/dev/null) || continue
			hit=0
			case " $2 " in *" $l "*) hit=1 ;; esac
			case "$l" in
			/dev/kmsg | /dev/vda | /dev/hwrng | /var/lib/dropbear-entropy* | /var/lib/rig/seed*) hit=1 ;;
			esac
			if [ "$hit" = 1 ]; then
				hits=$((hits + 1))
				say "child $pid holds $l as fd ${f##*/}"
			fi
		done
	done
}
'''

# The guest instrument. Runs from S48loadgate before the server starts.
# Console lines are few (on change only): PL011 output raises interrupts,
# and before the gate opens those must stay negligible (they are: a few
# hundred interrupts against the ~8k the legacy kernel needs).
LOAD_GATE = r'''#!/bin/sh
# load.py's guest instrument: hold the default route back until all load
# clients wait in the server's accept queue, then let the module seed.
# Every loop is bounded.
# shellcheck source=/dev/null
. /etc/load.conf
say() { echo "load: $*" > /dev/console; }
@SCAN_CHILDREN@
# Connections completed by the kernel but not accept()ed, on port 22:
# rx_queue of the LISTEN (0A) lines in /proc/net/tcp{,6}.
acceptq() {
	q=0
	# shellcheck disable=SC2013 # one hex word per listener
	for h in $(awk '$4 == "0A" && $2 ~ /:0016$/ { split($5, a, ":"); print a[2] }' \
			/proc/net/tcp /proc/net/tcp6 2>/dev/null); do
		q=$((q + 0x$h))
	done
	echo "$q"
}
fds() {
	for f in /proc/"$1"/fd/*; do
		printf '%s=%s ' "${f##*/}" "$(readlink "$f")"
	done
}
crng() {
	if dmesg | grep -q "crng init done"; then echo seeded; else echo unseeded; fi
}

i=0
while [ "$i" -lt 600 ] && [ ! -s /var/run/dropbear.pid ]; do
	usleep 100000
	i=$((i + 1))
done
srv=$(cat /var/run/dropbear.pid 2>/dev/null)
if [ -z "$srv" ]; then
	say "no server pid file after 60 s; opening the gate"
	ip route add default via "$LOAD_GW" dev eth0
	exit 0
fi
# Let the module start its wait (it logs "not initialised" right after
# listen) before the first look at its descriptors.
usleep 500000
say "server $srv fds before clients: $(fds "$srv")"
say "server $srv wait crng $(crng)"

last=-1
i=0
n=$((LOAD_WAIT_S * 20))
q=0
while [ "$i" -lt "$n" ]; do
	q=$(acceptq)
	if [ "$q" != "$last" ]; then
		say "acceptq $q"
		last=$q
	fi
	[ "$q" -ge "$LOAD_CLIENTS" ] && break
	usleep 50000
	i=$((i + 1))
done
say "gate open: acceptq $q of $LOAD_CLIENTS, crng $(crng), entropy_avail $(cat /proc/sys/kernel/random/entropy_avail)"
ip route add default via "$LOAD_GW" dev eth0

# The module's ICMP socket (raw, or a ping socket) once it has opened it.
i=0
mod=""
while [ "$i" -lt 100 ]; do
	mod=$(awk 'FNR > 1 { printf "%s ", $10 }' /proc/net/raw /proc/net/icmp 2>/dev/null)
	[ -n "$mod" ] && break
	usleep 50000
	i=$((i + 1))
done
say "server $srv fds while seeding: $(fds "$srv")"
say "module sockets: $mod"
lis=$(awk '$4 == "0A" && $2 ~ /:0016$/ { printf "%s ", $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
say "listen sockets: $lis"
bad=""
for x in $mod $lis; do
	bad="$bad socket:[$x]"
done

# Scan every other dropbear process (pre-auth children, the collector
# child) until the host says the burst is over, at most LOAD_SCAN_S s.
scans=0
procs=0
hits=0
i=0
n=$((LOAD_SCAN_S * 5))
while [ "$i" -lt "$n" ] && [ ! -e /tmp/load.stop ]; do
	scan_children "$srv" "$bad"
	scans=$((scans + 1))
	usleep 200000
	i=$((i + 1))
done
say "child scan done: $scans scans, $procs process looks, $hits forbidden"
'''

# The global limit needs more source addresses than slirp gives the host
# clients (all 10.0.2.2): guest-local ones. Started from a session after the
# sequential logins; every connection is guest loopback.
LOAD_LIMITS = r'''#!/bin/sh
# load.py: fill the server's unauthenticated slots from 7 loopback
# addresses (127.0.1.1-7, /32 on lo, so each connection's source is its
# own address): 6 connections from the first (the 6th over MAX_UNAUTH_PER_IP),
# 5 from each of the next five (30 in all = MAX_UNAUTH_CLIENTS), 5 from the
# seventh (over the global limit). Each holder sends nothing and ends
# after HOLD seconds, so every loop here is bounded.
# shellcheck source=/dev/null
. /etc/load.conf
say() { echo "load: limits: $*" > /dev/console; }
@SCAN_CHILDREN@hold=$LOAD_HOLD_S
d=/tmp/limits
rm -rf "$d"
mkdir -p "$d"
for a in 1 2 3 4 5 6 7; do
	ip addr add "127.0.1.$a/32" dev lo 2>/dev/null
done
conn() {
	( sleep "$hold" | nc "127.0.1.$1" 22 > "$d/$1.$2" 2>&1 ) < /dev/null &
	usleep 150000
}
for k in 1 2 3 4 5 6; do conn 1 "$k"; done
for a in 2 3 4 5 6 7; do
	for k in 1 2 3 4 5; do conn "$a" "$k"; done
done
sleep 2
srv=$(cat /var/run/dropbear.pid)
total=0
per=""
for a in 1 2 3 4 5 6 7; do
	n=0
	m=0
	for f in "$d/$a".*; do
		m=$((m + 1))
		grep -q '^SSH-2.0-' "$f" && n=$((n + 1))
	done
	total=$((total + n))
	per="$per $a:$n/$m"
done
# The pre-auth children that hold the slots: none may hold a listener or
# a module file.
lis=$(awk '$4 == "0A" && $2 ~ /:0016$/ { printf "socket:[%s] ", $10 }' /proc/net/tcp /proc/net/tcp6)
procs=0
hits=0
scan_children "$srv" "$lis"
say "banners $total of 36; per address$per; pre-auth children $procs, forbidden $hits"
wait
say "holders ended"
'''

LOAD_GATE = LOAD_GATE.replace("@SCAN_CHILDREN@", SCAN_CHILDREN)
LOAD_LIMITS = LOAD_LIMITS.replace("@SCAN_CHILDREN@", SCAN_CHILDREN)

S48 = '''#!/bin/sh
# load.py: start the guest instrument before the server (S50dropbear).
[ "$1" = start ] || exit 0
load-gate &
'''

# Run in a session: the server's and this session's descriptors.
PROBE = r'''srv=$(cat /var/run/dropbear.pid)
fds() { for f in /proc/"$1"/fd/*; do printf '%s=%s ' "${f##*/}" "$(readlink "$f")"; done; }
echo "SRV $srv $(cat /proc/"$srv"/comm)"
echo "SRVFD $(fds "$srv")"
echo "SELF $$ $(cat /proc/$$/comm)"
echo "SELFFD $(fds $$)"
echo "PARENT $PPID $(cat /proc/$PPID/comm)"
echo "PARENTFD $(fds $PPID)"
echo "LISTEN $(awk '$4 == "0A" && $2 ~ /:0016$/ { printf "%s ", $10 }' /proc/net/tcp /proc/net/tcp6)"
echo "MODSOCK $(awk 'FNR > 1 { printf "%s ", $10 }' /proc/net/raw /proc/net/icmp)"
echo "CLIENT $SSH_CLIENT"
touch /tmp/load.stop
'''


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print("%s - %s%s" % ("ok" if ok else "not ok", name,
                             (": " + detail) if detail else ""), flush=True)
        return ok


def read_limits(bindir):
    """MAX_UNAUTH_* as the build under test has them: localoptions.h
    overrides default_options.h (upstream's rule)."""
    found = {}
    srcs = []
    for rel in ("localoptions.h", os.path.join("src", "localoptions.h"),
                os.path.join("src", "default_options.h"), "default_options.h"):
        p = os.path.join(bindir, rel)
        if not os.path.exists(p):
            continue
        srcs.append(p)
        with open(p) as f:
            for n, line in enumerate(f, 1):
                m = re.match(r"\s*#define\s+(MAX_UNAUTH_PER_IP|MAX_UNAUTH_CLIENTS)\s+(\d+)", line)
                if m and m.group(1) not in found:
                    found[m.group(1)] = (int(m.group(2)), "%s:%d" % (p, n))
    for k, v in UPSTREAM_DEFAULTS.items():
        found.setdefault(k, (v, "upstream default (build header not found)"))
    return found


def stage(work, bindir, clients, wait_s, scan_s):
    """The rig's initramfs, plus a second newc archive with the gate."""
    args = argparse.Namespace(scenario="load", net="noroute", blog=False, peers=[],
                              server_args=SERVER_ARGS)
    cpio = rig.make_initramfs(work, args, bindir, [])
    extra = os.path.join(work, "load-root")
    files = {
        "sbin/load-gate": (LOAD_GATE, 0o755),
        "sbin/load-limits": (LOAD_LIMITS, 0o755),
        "etc/init.d/S48loadgate": (S48, 0o755),
        "etc/load.conf": ("LOAD_CLIENTS=%d\nLOAD_GW=%s\nLOAD_WAIT_S=%d\nLOAD_SCAN_S=%d\n"
                          "LOAD_HOLD_S=%d\n" % (clients, rig.SLIRP_GW, wait_s, scan_s, HOLD_S), 0o644),
    }
    for rel, (text, mode) in files.items():
        rig.write(os.path.join(extra, rel), text, mode)
    # Files only, no directory entries: the directories exist in the first
    # archive and must keep their modes.
    listing = "".join(rel + "\n" for rel in sorted(files)).encode()
    blob = subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0", "--quiet"],
                          cwd=extra, input=listing, stdout=subprocess.PIPE,
                          check=True).stdout
    with open(cpio, "ab") as f:
        f.write(blob)
    return cpio


def ssh_argv(port, key, remote, timeout):
    # rig.ssh_cmd with -q dropped: a refusal must leave its message.
    cmd = rig.ssh_cmd(port, key, remote, timeout)
    return [a for a in cmd if a != "-q"]


def run_ssh(port, key, remote, timeout):
    t = time.monotonic()
    try:
        r = subprocess.run(ssh_argv(port, key, remote, timeout), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout + 15)
        rc, out, err = r.returncode, r.stdout.decode("utf-8", "replace"), \
            r.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        rc, out, err = None, "", "hung (killed after %d s)" % (timeout + 15)
    return {"rc": rc, "out": out, "err": err.strip(), "t0": t, "t1": time.monotonic()}


def clean_refusal(r):
    return r["rc"] == 255 and re.search(
        r"Connection (closed|reset) by (remote host|127\.0\.0\.1)", r["err"]) is not None


def fdmap(text):
    """'0=/dev/null 1=socket:[12] ' -> {'0': '/dev/null', '1': 'socket:[12]'}"""
    out = {}
    for tok in text.split():
        n, _, target = tok.partition("=")
        if n.isdigit():
            out[n] = target
    return out


def parse_probe(text):
    d = {}
    for line in text.splitlines():
        key, _, rest = line.partition(" ")
        d[key] = rest
    return d


def forbidden(fds, bad_inodes):
    """Module files and sockets among a process's descriptors."""
    hits = []
    for n, target in sorted(fds.items(), key=lambda x: int(x[0])):
        m = re.match(r"socket:\[(\d+)\]$", target)
        if m and m.group(1) in bad_inodes:
            hits.append("%s=%s" % (n, target))
        elif any(target == p or target.startswith(p + "/") for p in MODULE_PATHS):
            hits.append("%s=%s" % (n, target))
    return hits


def limits_phase(T, guest, key, per_ip, total, fig):
    """MAX_UNAUTH_CLIENTS and MAX_UNAUTH_PER_IP with several source
    addresses: the guest fills the slots from loopback, the host client
    (10.0.2.2, no unauthenticated connection of its own) must then be
    refused too, and get in once the holders are gone."""
    if (per_ip, total) != (5, 30):
        # The guest script's 6/5x5/5 layout is written for upstream's values.
        T.check(False, "limits phase matches the build's limits",
                "MAX_UNAUTH_PER_IP=%d MAX_UNAUTH_CLIENTS=%d, script expects 5 and 30" % (per_ip, total))
        return
    t = time.monotonic()
    r = run_ssh(guest.port, key, "setsid load-limits < /dev/null > /dev/null 2>&1 &", 60)
    rep = guest.wait_line(r"^load: limits: banners", time.monotonic() + 60) if r["rc"] == 0 else None
    fig["limits_report"] = rep[2] if rep else None
    m = re.search(r"banners (\d+) of 36; per address (.*); pre-auth children (\d+), forbidden (\d+)",
                  rep[2]) if rep else None
    per = dict(x.split(":") for x in m.group(2).split()) if m else {}
    want = {"1": "5/6", "2": "5/5", "3": "5/5", "4": "5/5", "5": "5/5", "6": "5/5", "7": "0/5"}
    T.check(m is not None and int(m.group(1)) == total and per == want,
            "guest-local clients: %d per address, %d in all get a banner, the rest are closed"
            % (per_ip, total), rep[2] if rep else "no report (%s)" % r["err"][-100:])
    T.check(m is not None and int(m.group(3)) == total and int(m.group(4)) == 0,
            "the %d pre-auth children holding the slots hold none of the module's files or listeners"
            % total, rep[2] if rep else "no report")
    # 10.0.2.2 has no unauthenticated connection now; only the global
    # limit can refuse it.
    r = run_ssh(guest.port, key, "true", 30)
    held = guest.wait_line(r"^load: limits: holders ended", time.monotonic() + 0.01)
    T.check(clean_refusal(r) and held is None,
            "the host client is refused while %d slots are held (global limit)" % total,
            "rc=%s %s" % (r["rc"], r["err"][-100:]))
    end = guest.wait_line(r"^load: limits: holders ended", time.monotonic() + HOLD_S + 30)
    time.sleep(1)
    r = run_ssh(guest.port, key, "true", 30)
    T.check(end is not None and r["rc"] == 0, "the host client gets in once the slots are free",
            "rc=%s %s" % (r["rc"], r["err"][-100:]))
    fig["limits_s"] = round(time.monotonic() - t, 1)


class Guest:
    def __init__(self, kernel, initrd, out):
        self.port = rig.free_port()
        cmd = rig.qemu_cmd(kernel, initrd, rig.KERNEL_APPEND["legacy"], self.port, None, True)
        self.logpath = os.path.join(out, "load.console.log")
        self.logf = open(self.logpath, "w")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.con = rig.Console(self.proc, self.t0, self.logf, False)

    def lines(self):
        with self.con.cond:
            return list(self.con.lines)

    def wait_line(self, rx, deadline):
        """(time, index, line) of the first console line matching rx."""
        rx = re.compile(rx)
        with self.con.cond:
            while True:
                for i, (t, l) in enumerate(self.con.lines):
                    if rx.search(l):
                        return t, i, l
                if "eof_s" in self.con.marks or time.monotonic() >= deadline:
                    return None
                self.con.cond.wait(min(0.2, max(0.01, deadline - time.monotonic())))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.con.thread.join(timeout=5)
        self.logf.close()


def first_index(lines, rx, start=0):
    rx = re.compile(rx)
    for i in range(start, len(lines)):
        if rx.search(lines[i][1]):
            return i
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=FORK_DIR, help="dir with aarch64 dropbear, dropbearkey")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--sequential", type=int, default=200)
    ap.add_argument("--wait", type=int, default=90, help="guest: bound for all clients to queue (s)")
    ap.add_argument("--kernel-image", default=os.environ.get("DBE_LOAD_KERNEL"),
                    help="a built rig kernel Image (default: tests/vm/build-kernel's)")
    ap.add_argument("--out", default=os.path.join(BUILD, "vm-load"))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    T = Tally()
    t_start = time.monotonic()
    os.makedirs(args.out, exist_ok=True)
    fig = {"clients": args.clients, "sequential": args.sequential}

    limits = read_limits(args.bin)
    per_ip, per_ip_src = limits["MAX_UNAUTH_PER_IP"]
    total, total_src = limits["MAX_UNAUTH_CLIENTS"]
    print("# upstream limits: MAX_UNAUTH_PER_IP=%d (%s), MAX_UNAUTH_CLIENTS=%d (%s)"
          % (per_ip, per_ip_src, total, total_src), flush=True)
    # One source address: at most this many can be unauthenticated at once.
    admit = min(per_ip, total)
    fig.update(max_unauth_per_ip=per_ip, max_unauth_clients=total)

    kernel = args.kernel_image or rig.rig_kernel()
    key = rig.client_key()
    work = tempfile.mkdtemp(prefix="load.", dir=args.out)
    guest = None
    try:
        initrd = stage(work, args.bin, args.clients, args.wait, 120)
        guest = Guest(kernel, initrd, args.out)
        print("# console: %s" % guest.logpath, flush=True)
        boot_deadline = guest.t0 + 120
        # S50dropbear prints "FAIL (server exited ...)" when the server ends
        # at once (a bad option): no need to wait out the bound then.
        lis = guest.wait_line(r"^rig: listening|FAIL \(server exited", boot_deadline)
        if not T.check(lis is not None and "listening" in lis[2], "server listens on the legacy guest",
                       lis[2] if lis else "nothing within 120 s"):
            return T
        waiting = guest.wait_line(r"entropy: kernel CRNG not initialised", guest.t0 + 130)
        T.check(waiting is not None, "module waits: kernel CRNG not initialised",
                waiting[2] if waiting else "no such line")

        # The burst: all clients at once, each one attempt.
        results = [None] * args.clients
        burst_timeout = args.wait + 90

        def client(i):
            results[i] = run_ssh(guest.port, key, 'echo "LOADOK $SSH_CLIENT"', burst_timeout)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        t_launch = time.monotonic()
        for th in threads:
            th.start()
        for th in threads:
            th.join(burst_timeout + 30)
        t_burst = time.monotonic()
        fig["burst_s"] = round(t_burst - t_launch, 2)
        fig["launch_s"] = round(t_launch - guest.t0, 3)

        gate = guest.wait_line(r"^load: gate open", time.monotonic() + 1)
        seeded = guest.wait_line(r"entropy: kernel CRNG seeded after", time.monotonic() + 1)
        crng = guest.wait_line(r"crng init done", time.monotonic() + 1)
        m = re.search(r"acceptq (\d+) of (\d+), crng (\w+)", gate[2]) if gate else None
        queued = int(m.group(1)) if m else 0
        fig["queued_before_seeding"] = queued
        fig["gate_s"] = round(gate[0], 3) if gate else None
        fig["seeded_s"] = round(seeded[0], 3) if seeded else None
        T.check(m is not None and queued >= args.clients and m.group(3) == "unseeded",
                "all %d clients wait in the accept queue while the CRNG is unseeded" % args.clients,
                gate[2] if gate else "no gate line")
        T.check(gate is not None and seeded is not None and crng is not None
                and gate[1] < crng[1] and gate[1] < seeded[1],
                "the queue was full before the kernel seeded",
                "gate %.2f s, crng init done %s, module seeded %s" % (
                    gate[0] if gate else -1, crng and "%.2f s" % crng[0],
                    seeded and "%.2f s" % seeded[0]))
        lines = guest.lines()
        first_child = first_index(lines, r"Child connection from")
        T.check(seeded is not None and first_child is not None and first_child > seeded[1],
                "no connection accepted before the module logged seeded",
                "first accept at %.2f s" % lines[first_child][0] if first_child is not None else "none")

        hung = [i for i, r in enumerate(results) if r is None or r["rc"] is None]
        ok_first = [i for i, r in enumerate(results) if r and r["rc"] == 0 and "LOADOK" in r["out"]]
        refused = [i for i, r in enumerate(results) if r and clean_refusal(r)]
        other = [i for i in range(args.clients) if i not in ok_first and i not in refused and i not in hung]
        early = [i for i, r in enumerate(results) if r and r["rc"] is not None and seeded
                 and r["t1"] - guest.t0 < seeded[0]]
        fig.update(first_try_ok=len(ok_first), refused=len(refused), hung=len(hung), other=len(other))
        T.check(not hung, "no client hangs", "%d hung" % len(hung))
        msgs = sorted(set(results[i]["err"] for i in refused))
        fig["refusal_messages"] = msgs
        T.check(not other, "every client logs in or is refused cleanly",
                "refused with %s" % msgs if not other else "; ".join("client %d rc=%s %s" % (i, results[i]["rc"], results[i]["err"][-120:])
                          for i in other[:5]))
        T.check(not early, "no client ended before seeding", "%d ended early" % len(early))
        # The accept loop forks for `admit` clients, then closes every
        # queued connection while those are unauthenticated; a slot frees
        # when a child authenticates, which on this guest takes longer than
        # draining the queue. So exactly `admit` get in on the first try
        # unless a child authenticates before the drain ends; the guest log
        # tells which, and the count must match it.
        ports_ok = set()
        for i in ok_first:
            mm = re.search(r"LOADOK \S+ (\d+) 22", results[i]["out"])
            if mm:
                ports_ok.add(mm.group(1))

        # Unauthenticated children over the whole log, from the server's lines.
        unauth = set()
        peak = 0
        accepted = []
        for t, l in lines:
            c = re.search(r"Child connection from [0-9.]+:(\d+)", l)
            if c:
                unauth.add(c.group(1))
                accepted.append(c.group(1))
                peak = max(peak, len(unauth))
                continue
            a = re.search(r"(Pubkey auth succeeded|Exit before auth|Exit \(\S+\)).* from <?[0-9.]+:(\d+)", l)
            if a:
                unauth.discard(a.group(2))
        burst_accepted = accepted[:]
        fig["peak_unauth_children"] = peak
        T.check(len(ok_first) >= admit,
                "at least MAX_UNAUTH_PER_IP=%d log in on the first try" % admit,
                "%d of %d logged in, %d refused" % (len(ok_first), args.clients, len(refused)))
        T.check(peak <= admit, "never more than %d unauthenticated children at once" % admit,
                "peak %d" % peak)
        T.check(set(burst_accepted) == ports_ok,
                "every accepted burst connection logged in, every other was refused",
                "%d accepted by the server, %d clients logged in" % (len(burst_accepted), len(ports_ok)))

        # Descriptors: the probe session (stops the guest's child scan).
        p1 = parse_probe(run_ssh(guest.port, key, PROBE, 60)["out"])
        scan = guest.wait_line(r"^load: child scan done", time.monotonic() + 15)

        # The refused ones retry, one at a time, one attempt each.
        retry_fail = []
        for i in refused:
            r = run_ssh(guest.port, key, 'echo "LOADOK $SSH_CLIENT"', 60)
            if not (r["rc"] == 0 and "LOADOK" in r["out"]):
                retry_fail.append("client %d rc=%s %s" % (i, r["rc"], r["err"][-100:]))
        fig["retried"] = len(refused)
        fig["retry_failed"] = len(retry_fail)
        T.check(not retry_fail, "every refused client gets in on one retry",
                "%d retried, %d failed %s" % (len(refused), len(retry_fail), "; ".join(retry_fail[:3])))

        # 200 sequential logins, bounded in total as well.
        seq_ok = 0
        seq_fail = []
        t_seq = time.monotonic()
        seq_deadline = t_seq + SEQ_BOUND_S
        for n in range(args.sequential):
            if time.monotonic() > seq_deadline:
                seq_fail.append("time bound of %d s reached after %d" % (SEQ_BOUND_S, n))
                break
            r = run_ssh(guest.port, key, "true", 60)
            if r["rc"] == 0:
                seq_ok += 1
            else:
                seq_fail.append("login %d rc=%s %s" % (n, r["rc"], r["err"][-100:]))
        fig["sequential_ok"] = seq_ok
        fig["sequential_s"] = round(time.monotonic() - t_seq, 1)
        T.check(seq_ok == args.sequential, "%d sequential logins succeed" % args.sequential,
                "%d ok in %.1f s %s" % (seq_ok, fig["sequential_s"], "; ".join(seq_fail[:3])))

        # The global limit, from guest-local addresses (see LOAD_LIMITS).
        limits_phase(T, guest, key, per_ip, total, fig)

        p2 = parse_probe(run_ssh(guest.port, key, PROBE, 60)["out"])
        lines = guest.lines()

        # Server descriptors before (guest, unseeded and while seeding) and after.
        pre = fdmap(next((l.split("fds before clients:", 1)[1] for t, l in lines
                          if "fds before clients:" in l), ""))
        during = fdmap(next((l.split("fds while seeding:", 1)[1] for t, l in lines
                             if "fds while seeding:" in l), ""))
        modsock = next((l.split("module sockets:", 1)[1].split() for t, l in lines
                        if l.startswith("load: module sockets:")), [])
        s1 = fdmap(p1.get("SRVFD", ""))
        s2 = fdmap(p2.get("SRVFD", ""))
        listen = set(p2.get("LISTEN", "").split()) | set(p1.get("LISTEN", "").split())
        fig.update(server_fds_unseeded=len(pre), server_fds_seeding=len(during),
                   server_fds_after_burst=len(s1), server_fds_after_200=len(s2),
                   server_fd_lists={"unseeded": pre, "seeding": during,
                                    "after_burst": s1, "after_200": s2})
        T.check(bool(s1) and s1 == s2,
                "server descriptors after the burst = after %d more logins" % (len(refused) + args.sequential),
                "%d vs %d: %s | %s" % (len(s1), len(s2), " ".join("%s=%s" % x for x in sorted(s1.items())),
                                       " ".join("%s=%s" % x for x in sorted(s2.items()))))
        socks = [t for t in s2.values() if t.startswith("socket:")]
        stray = [t for t in socks if t[8:-1] not in listen]
        T.check(bool(socks) and not stray, "the server holds no socket but its listeners",
                "sockets %s, listeners %s" % (socks, sorted(listen)))
        # Seeding over: what the server keeps is a subset of what it had
        # while seeding, minus the module's files.
        bad_inodes = set(modsock) | listen
        T.check(bool(during) and set(s2.items()) <= set(during.items())
                and not forbidden(s2, set(modsock)),
                "after seeding the server kept nothing new and none of the module's files",
                "while seeding %d fds, after %d; gone: %s" % (
                    len(during), len(s2),
                    " ".join("%s=%s" % x for x in sorted(set(during.items()) - set(s2.items())))))
        T.check(bool(modsock) and any(t == "socket:[%s]" % s for s in modsock for t in during.values()),
                "the module's ICMP socket was open in the server while seeding (so the checks see it)",
                "module sockets %s" % modsock)

        # Session children: the dropbear session process and its shell.
        for name, p in (("after the burst", p1), ("after the sequential logins", p2)):
            parent = p.get("PARENT", "").split()
            sess = fdmap(p.get("PARENTFD", ""))
            shell = fdmap(p.get("SELFFD", ""))
            hits = forbidden(sess, bad_inodes) + forbidden(shell, bad_inodes)
            T.check(len(parent) >= 2 and parent[1] == "dropbear" and bool(sess) and not hits,
                    "session child (%s) holds none of the module's files or the listeners" % name,
                    "session %s fds %s; shell fds %s; forbidden %s" % (
                        " ".join(parent), " ".join("%s=%s" % x for x in sorted(sess.items())),
                        " ".join("%s=%s" % x for x in sorted(shell.items())), hits))
        if scan:
            ms = re.search(r"(\d+) scans, (\d+) process looks, (\d+) forbidden", scan[2])
        else:
            ms = None
        fig["child_scan"] = scan[2] if scan else None
        T.check(ms is not None and int(ms.group(2)) > 0 and int(ms.group(3)) == 0,
                "pre-auth children during the burst hold none of the module's files",
                scan[2] if scan else "no scan line")

        # Never a crash: the same server, still there, nothing fatal logged.
        srv_pid = next((re.search(r"server (\d+) fds before", l).group(1) for t, l in lines
                        if "fds before clients:" in l), None)
        alive = p2.get("SRV", "").split()
        crash = [l for t, l in lines if re.search(
            r"Segmentation|Aborted|Bus error|Oops|Kernel panic|\[%s\].*(Exit|exit|Early exit)" % (srv_pid or "x"), l)]
        T.check(srv_pid is not None and alive[:2] == [srv_pid, "dropbear"] and not crash,
                "the server survives: same pid %s, no crash on the console" % srv_pid,
                "now %s; %s" % (" ".join(alive), crash[:3]))
    finally:
        if guest is not None:
            guest.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        fig["run_s"] = round(time.monotonic() - t_start, 1)
        with open(os.path.join(args.out, "load.json"), "w") as f:
            json.dump(fig, f, indent=1, sort_keys=True)
        print("# figures: %s" % json.dumps({k: v for k, v in fig.items() if k != "server_fd_lists"},
                                           sort_keys=True), flush=True)
    return T


if __name__ == "__main__":
    try:
        tally = main()
    except Exception as e:  # a broken run is a failed run, with the line
        tally = Tally()
        tally.check(False, "load test ran to the end", "%s: %s" % (type(e).__name__, e))
    print("%d passed, %d failed" % (tally.passed, tally.failed), flush=True)
    sys.exit(0 if tally.failed == 0 else 1)
