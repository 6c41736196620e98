# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
# The counting every shell suite shares (tests/*/run, tests/check-patches,
# tests/fuzz/upstream-fuzzers, scripts/dist's distcheck). Source it, then:
#
#   pass TEXT            a check that held: "ok: TEXT", counted
#   fail TEXT            a check that did not: "FAIL: TEXT", counted
#   check TEXT CMD...    runs CMD: pass TEXT when it succeeds, else fail TEXT
#   note TEXT            "note: TEXT", not counted: set-up, figures, skips
#   require TEXT CMD...  a set-up step the checks after it rely on: nothing
#                        when CMD succeeds (set-up is never a pass), else
#                        fail TEXT and finish
#   add_counts FILE      adds the last "N passed, N failed" line of a
#                        sub-suite's output to ours (no line: one failure)
#   finish               prints "N passed, N failed" alone on the last line
#                        and exits, non-zero when a check failed
#
# A check must be able to fail: whatever cannot (a set-up step, a figure)
# goes through note or require, never pass.
passed=0
failed=0

pass() {
	passed=$((passed + 1))
	echo "ok: $*"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

check() {
	local text="$1"
	shift
	if "$@"; then
		pass "$text"
	else
		fail "$text"
	fi
}

note() {
	echo "note: $*"
}

require() {
	local text="$1"
	shift
	"$@" && return 0
	fail "$text"
	finish
}

add_counts() {
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" 2>/dev/null | tail -n 1)
	if [ -z "$line" ]; then
		fail "$1: no \"N passed, N failed\" line"
		return 1
	fi
	passed=$((passed + ${line%% passed*}))
	line=${line#* passed, }
	failed=$((failed + ${line%% failed}))
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

# What a program built from entropy/*.c outside dropbear's build links
# besides them: libtomcrypt, whose SHA-256 the module uses, as dropbear
# links it (the system's: configure passes --disable-bundled-libtom).
# DBE_TOMCRYPT_LIBS overrides; tests/unit/Makefile takes the same variable.
# shellcheck disable=SC2034 # used by the suites that source this file
read -r -a ent_module_libs <<<"${DBE_TOMCRYPT_LIBS:--ltomcrypt}"
