#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the dropbear-entropy developers
"""Compare upstream's suite on the patched build with the same suite on stock.

compare.py FORK.xml STOCK.xml KNOWN-FAILURES

A test counts as passed when it passed on the patched build. Not counted:
a test upstream skips or expects to fail, the same way on stock, and a
failure listed in KNOWN-FAILURES (with its reason) that failed on stock
too (the patches did not cause it, and nothing of ours passed). Every
other outcome is a failure. Prints the counts of both runs and a closing
"N passed, N failed" line.
"""
import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    result = {}
    for case in ET.parse(path).iter("testcase"):
        name = "%s::%s" % (case.get("classname"), case.get("name"))
        kinds = [child.tag for child in case]
        if "failure" in kinds or "error" in kinds:
            result[name] = "failed"
        elif "skipped" in kinds:
            skipped = case.find("skipped")
            if skipped is not None and skipped.get("type") == "pytest.xfail":
                result[name] = "xfailed"
            else:
                result[name] = "skipped"
        else:
            result[name] = "passed"
    return result


def known(path):
    listed = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition(" ")
            listed[name] = reason.strip()
    return listed


def tally(res):
    counts = {}
    for v in res.values():
        counts[v] = counts.get(v, 0) + 1
    return ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items()))


def main():
    fork, stock, listed = outcomes(sys.argv[1]), outcomes(sys.argv[2]), known(sys.argv[3])
    print("upstream suite, stock:   %s" % tally(stock))
    print("upstream suite, patched: %s" % tally(fork))
    passed = failed = skipped = 0
    for name in sorted(fork):
        mine, theirs = fork[name], stock.get(name)
        if mine == "passed":
            passed += 1
        elif mine in ("skipped", "xfailed") and theirs == mine:
            skipped += 1
        elif mine == "failed" and name in listed and theirs == "failed":
            print("known failure (fails on stock too, not counted): %s: %s" % (name, listed[name]))
            skipped += 1
        else:
            print("FAIL %s: patched %s, stock %s" % (name, mine, theirs))
            failed += 1
    for name in sorted(listed):
        if fork.get(name) == "passed":
            print("note: %s is listed as known failure but passed; drop it from the list" % name)
    if not fork:
        failed += 1
    print("skipped or known to fail on both (not counted): %d" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
