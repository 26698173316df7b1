#!/usr/bin/env python3
"""Writes a JSON array of N manifest objects shaped like `show-manifests` output
({digest, tags, timestamp}; about 30% untagged with "tags": null), indented as az prints it.

usage: make-manifests.py N OUTPUT
"""
import hashlib
import json
import random
import sys

count = int(sys.argv[1])
path = sys.argv[2]
rng = random.Random(20261129)
with open(path, "w") as out:
    out.write("[\n")
    for i in range(count):
        digest = "sha256:" + hashlib.sha256(i.to_bytes(8, "little")).hexdigest()
        if rng.random() < 0.30:
            tags = None
        else:
            tags = [f"v{rng.randrange(10)}.{rng.randrange(100)}.{i}"]
            if rng.random() < 0.2:
                tags.append("latest")
        seconds = 1_600_000_000 + i * 37
        stamp = "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ" % (
            2020 + seconds // 31_536_000 % 6, 1 + seconds // 2_592_000 % 12, 1 + seconds // 86_400 % 28,
            seconds // 3600 % 24, seconds // 60 % 60, seconds % 60, rng.randrange(10_000_000))
        item = json.dumps({"digest": digest, "tags": tags, "timestamp": stamp}, indent=2)
        item = "  " + item.replace("\n", "\n  ")
        out.write(item)
        out.write(",\n" if i + 1 < count else "\n")
    out.write("]\n")
