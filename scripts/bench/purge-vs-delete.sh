#!/usr/bin/env bash
# Benchmark of issue 12: a purge that deletes 1,000 tags and 1,000 manifests from a
# loopback docker-registry, against regsh's own `delete` pipeline (untag, then delete the
# untagged manifests) on the same set, in one run. Target: purge within 1.5x the pipeline.
#
# Each round pushes the same set twice, to two fresh repositories (purge/rN, pipeline/rN):
# N images tagged keep-I and old-I (purge removes the old-I tags; the images stay, tagged
# keep-I), and N images the cache knows untagged (pushed as u-I, synced, then untagged by
# regsh: docker-registry cannot list untagged manifests, so this is how a cache learns them;
# purge deletes these). Both sides then plan from the cache as it is (`--cached`, no sync in
# the timed part) and re-check every target live, as each always does. The two take turns
# going first. Each line gives wall seconds, CPU (user+system) and peak RSS.
#
# usage: scripts/bench/purge-vs-delete.sh [N] [ROUNDS]     (default 1000 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-1000}
rounds=${2:-3}
. scripts/bench/registry.sh

# Pushes the set to REPO: COUNT images tagged keep-I and old-I, COUNT images tagged u-I.
push_set() {
  python3 - "$port" "$1" "$count" <<'PY'
import hashlib, http.client, json, sys
port, repo, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
def blob(data, media):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    c.request("POST", f"/v2/{repo}/blobs/uploads/"); r = c.getresponse(); r.read()
    location = r.getheader("Location"); sep = "&" if "?" in location else "?"
    c.request("PUT", f"{location}{sep}digest={digest}", body=data,
              headers={"Content-Type": "application/octet-stream"}); r = c.getresponse(); r.read()
    assert r.status == 201, r.status
    return {"mediaType": media, "digest": digest, "size": len(data)}
config = blob(b'{"architecture":"amd64","os":"linux"}', "application/vnd.oci.image.config.v1+json")
layer = blob(b"shared layer", "application/vnd.oci.image.layer.v1.tar+gzip")
def put(tag, note):
    body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config, "layers": [layer], "annotations": {"n": note}}).encode()
    c.request("PUT", f"/v2/{repo}/manifests/{tag}", body=body,
              headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    r = c.getresponse(); r.read(); assert r.status == 201, r.status
for i in range(count):
    put(f"keep-{i}", f"{repo} kept {i}")
    put(f"old-{i}", f"{repo} kept {i}")
    put(f"u-{i}", f"{repo} untagged {i}")
PY
}

swift build -c release --product regsh >/dev/null
regsh=$(swift build -c release --show-bin-path)/regsh
export REGSH_HOME=$work/home
"$regsh" registry add bench-purge "127.0.0.1:$port" >/dev/null

# The set in REPO, and the cache knowing it: synced, then the u-I tags removed by regsh.
prepare() {
  push_set "$1"
  "$regsh" -c "use bench-purge; sync $1 -o none; tags $1 | [?starts_with(@, 'u-')] | untag -o none" >&2
}

# Checks that REPO holds exactly the COUNT keep-I tags and no untagged manifest.
check() {
  local tags untagged
  tags=$("$regsh" -c "use bench-purge; sync $1 -o none; tags $1 --query 'length(@)'")
  untagged=$("$regsh" -c "use bench-purge; manifests $1 --query 'length([?tags==null])'")
  [ "$tags" = "$count" ] && [ "$untagged" = 0 ] || {
    echo "$1: $tags tags and $untagged untagged manifests left (want $count and 0)" >&2
    exit 1
  }
}

# Times a command line: prints "wall user+system peakKB".
timed() {
  { /usr/bin/time -f '%e %U+%S %M' "$@" 2>&1 >/dev/null; } | tail -1
}

purge_run() {
  timed "$regsh" purge -r bench-purge --filter "$1:^old-" --ago 0m --untagged --cached
}

pipeline_run() {
  timed "$regsh" -c "use bench-purge; tags $1 | [?starts_with(@, 'old-')] | untag -o none; manifests $1 | [?tags==null].digest | delete --yes -o none"
}

purge_walls=() pipeline_walls=()
echo "# $count tags and $count manifests per side; $(uptime)"
for round in $(seq "$rounds"); do
  prepare "purge/r$round"
  prepare "pipeline/r$round"
  if [ $((round % 2)) = 1 ]; then
    p=$(purge_run "purge/r$round")
    d=$(pipeline_run "pipeline/r$round")
  else
    d=$(pipeline_run "pipeline/r$round")
    p=$(purge_run "purge/r$round")
  fi
  check "purge/r$round"
  check "pipeline/r$round"
  purge_walls+=("${p%% *}")
  pipeline_walls+=("${d%% *}")
  python3 - "$round" "$p" "$d" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys
r, p, d, load = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4]
print(f"round {r}: purge {float(p[0]):.2f} s (CPU {p[1]} s, {int(p[2])//1024} MiB) | "
      f"delete pipeline {float(d[0]):.2f} s (CPU {d[1]} s, {int(d[2])//1024} MiB) | "
      f"purge / pipeline {float(p[0])/float(d[0]):.3f} | load {load}")
PY
done
python3 - "${purge_walls[*]}" "${pipeline_walls[*]}" <<'PY'
import statistics, sys
a, b = [float(x) for x in sys.argv[1].split()], [float(x) for x in sys.argv[2].split()]
ma, mb = statistics.median(a), statistics.median(b)
ratios = [x / y for x, y in zip(a, b)]
print(f"median: purge {ma:.2f} s | delete pipeline {mb:.2f} s | purge / pipeline {ma/mb:.3f} "
      f"(median of the rounds' ratios {statistics.median(ratios):.3f}; target under 1.5)")
PY
