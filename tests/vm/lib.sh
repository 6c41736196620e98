# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
# Shared shell helpers for the zero-entropy aarch64 rig (sourced, not run).
#
# Everything expensive lives under $DBE_CACHE, keyed on its inputs, so that
# CI and later runs reuse it. Nothing here sends a packet: the only network
# the guest ever gets is qemu's user-mode stack with restrict=on, which has
# no route out of the qemu process (see qemu_net_args).

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$VM_DIR/../.." && pwd)
: "${DBE_CACHE:=/var/cache/dropbear-entropy}"
: "${DBE_BUILD:=$REPO_DIR/build}"
: "${FORK_DIR:=$DBE_BUILD/aarch64-static/fork}"
: "${STOCK_DIR:=$DBE_BUILD/aarch64-static/stock}"
export DBE_CACHE DBE_BUILD FORK_DIR STOCK_DIR

# shellcheck disable=SC2034 # used by tests/vm/build-kernel, which sources this
CROSS=aarch64-linux-gnu-

die() {
	echo "vm: error: $*" >&2
	exit 1
}

log() {
	echo "vm: $*" >&2
}

# Short content hash of files (order matters), used as cache keys.
hash_files() {
	cat "$@" | sha256sum | cut -c1-16
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "missing '$c': install the packages in tests/vm/packages.txt"
	done
}

# Version of an installed Debian package (empty if not installed).
deb_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null
}

# Path of the rig kernel Image for the current inputs (may not exist yet).
rig_kernel_key() {
	local ver
	ver=$(deb_version linux-source-6.1)
	[ -n "$ver" ] || die "linux-source-6.1 is not installed"
	echo "6.1-$ver-$(hash_files "$VM_DIR/kernel.config" "$VM_DIR/random-legacy.patch" "$VM_DIR/build-kernel")"
}

rig_kernel_path() {
	echo "$DBE_CACHE/kernel/$(rig_kernel_key)/Image"
}

# A TCP port on 127.0.0.1 that is free right now. The small race with other
# programs is harmless: qemu fails to start and the caller reports it.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Monotonic seconds with milliseconds, for host-side timestamps.
now_s() {
	python3 -c 'import time; print("%.3f" % time.monotonic())'
}
