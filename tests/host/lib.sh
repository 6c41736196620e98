# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
# Shared by tests/host/run and tests/host/bench-login: a network namespace
# with only loopback, a dedicated login user and keys that are the test's own.
# The caller sets FORK_DIR/STOCK_DIR, sources this file, calls host_setup
# (which prints why and returns 1 when it cannot run) and traps host_cleanup.

# Keys must not sit below a group/world-writable directory (dropbear checks
# every parent), and the clone may live anywhere, /tmp included: so the
# work directory is under /run, root's own.
work="${HOST_TEST_WORK:-/run/dropbear-entropy-tests/host}"
ns="dbe-host-$$"
server_pid=""
user=dbe-test
home=/var/lib/dbe-test
keys="$work/keys"

host_cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	ip netns del "$ns" 2>/dev/null
}

host_setup() {
	local d
	if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v strace >/dev/null; then
		echo "tests/host: needs root, ip (iproute2) and strace; run as root after scripts/install-deps"
		return 1
	fi
	mkdir -p "$work"
	work=$(cd "$work" && pwd)
	d="$work"
	while [ "$d" != / ]; do
		if [ -n "$(find "$d" -maxdepth 0 -perm /022)" ]; then
			echo "tests/host: $d is group/world-writable; dropbear would reject keys below it (set HOST_TEST_WORK)"
			return 1
		fi
		d=$(dirname "$d")
	done
	# The login user: a system user with /bin/sh, so that login shells read
	# no rc files; keys live in the test's own directory (-D), never in a
	# real ~/.ssh.
	if ! id "$user" >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir "$home" --shell /bin/sh "$user" ||
			{ echo "tests/host: cannot create user $user"; return 1; }
	fi
	mkdir -p "$home"
	chown "$user:" "$home"
	rm -rf "$keys"
	mkdir -p "$keys"
	chmod 0700 "$keys"
	ssh-keygen -q -t ed25519 -N "" -f "$keys/id_ed25519" || { echo "tests/host: ssh-keygen failed"; return 1; }
	cp "$keys/id_ed25519.pub" "$keys/authorized_keys"
	chmod 0600 "$keys/authorized_keys"
	# the server reads authorized_keys with the user's privileges
	chown "$user:" "$keys" "$keys/authorized_keys"
	ip netns add "$ns" || { echo "tests/host: cannot create network namespace $ns"; return 1; }
	ip -n "$ns" link set lo up
}

# snmp_out FIELD-PROTO FIELD: one counter from the namespace's /proc/net/snmp
snmp_out() {
	# shellcheck disable=SC2016 # $1, $i, $col are awk's
	ip netns exec "$ns" awk -v proto="$1:" -v field="$2" '
		$1 == proto && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == proto && hdr { print $col[field]; exit }' /proc/net/snmp
}

# start_server VARIANT_DIR LOG [extra dropbear args]: in the namespace, -F -E;
# sets $port and $server_pid (so it must not run in a subshell)
start_server() {
	local bin="$1" log="$2"
	shift 2
	port=$((20000 + RANDOM % 20000))
	"$bin/dropbearkey" -t ed25519 -f "$work/hostkey" >/dev/null 2>&1 ||
		[ -f "$work/hostkey" ] || return 1
	ip netns exec "$ns" "$bin/dropbear" -F -E -p "127.0.0.1:$port" -r "$work/hostkey" \
		-D "$keys" "$@" </dev/null >/dev/null 2>"$log" &
	server_pid=$!
	# the listener logs this line once its sockets exist and it stopped
	# being in the way of boot; then it seeds (no-op here) and accepts
	for _ in $(seq 50); do
		grep -q "Not backgrounding" "$log" && return 0
		sleep 0.1
	done
	return 1
}

stop_server() {
	kill "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=""
}

ssh_login() {
	ip netns exec "$ns" ssh -q -i "$keys/id_ed25519" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=20 -p "$1" "$user@127.0.0.1" "${2:-true}"
}

