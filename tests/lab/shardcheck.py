#!/usr/bin/env python3
"""Checks that shard outputs cover a port range exactly once, correctly.

  shardcheck.py [--scan TYPE] TRUTH HOSTIP PORTSPEC SHARD.xml...
Each shard's XML reports only its own ports; together they must report every
port of PORTSPEC exactly once, with the truth's state and reason.  HOSTIP may
be IPv4 or IPv6, in any spelling (compare.load_scan compares canonical forms)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import expand, expected, load_scan, load_truth  # noqa: E402

args = sys.argv[1:]
scan = "connect"
if args[0] == "--scan":
    scan, args = args[1], args[2:]
truth, ip, spec, shards = args[0], args[1], args[2], args[3:]
default, exceptions = load_truth(truth)
seen = {}
for path in shards:
    for port, results in load_scan(path, ip).items():
        seen.setdefault(port, []).extend(results)
bad = 0
for p in expand(spec):
    want = expected(scan, *exceptions.get(p, default))
    if seen.get(p) != [want]:
        bad += 1
        if bad <= 20:
            print(f"port {p}: want {want} once, got {seen.get(p)}")
sizes = [len(load_scan(s, ip)) for s in shards]
print(f"shardcheck: {len(expand(spec)) - bad}/{len(expand(spec))} right; shard sizes {sizes}")
sys.exit(1 if bad or min(sizes) == 0 else 0)
