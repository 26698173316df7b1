#!/usr/bin/env bash
# Benchmark of issue 6: deleting N untagged manifests (default 400) in one regsh pipeline,
# against the documented approach of one client process per digest
# (`xargs -P1 skopeo delete`), on a loopback docker-registry. Rounds alternate the tools;
# each round deletes fresh manifests of the same kind.
#
# usage: scripts/bench/delete-vs-skopeo.sh [MANIFESTS] [ROUNDS]
#
# REGSH_BENCH_BASELINE=/path/to/an/older/regsh also times that binary deleting the same kind
# of fresh manifests (its own repository and cache) in each round, the two going first in
# turn, and prints both per-manifest figures, their ratio and, at the end, their medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-400}
rounds=${2:-3}
. scripts/bench/registry.sh

# Pushes COUNT distinct manifests to REPO and prints their digests: under tags u0… ("push"),
# or by digest alone, untagged from the start ("untagged").
push() {
  python3 - "$port" "$1" "$count" "$2" <<'PY'
import hashlib, http.client, json, sys
port, repo, count, step = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
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
def manifest(note):
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config, "layers": [layer], "annotations": {"n": note}}).encode()
def put(tag, body):
    c.request("PUT", f"/v2/{repo}/manifests/{tag}", body=body,
              headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    r = c.getresponse(); r.read(); assert r.status == 201, r.status
for i in range(count):
    body = manifest(f"{repo} {i}")
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    put(f"u{i}" if step == "push" else digest, body)
    print(digest)
PY
}

swift build -c release --product regsh >/dev/null
regsh=$(swift build -c release --show-bin-path)/regsh
export REGSH_HOME=$work/home
"$regsh" registry add bench-delete "127.0.0.1:$port" >/dev/null

baseline=${REGSH_BENCH_BASELINE:-}
if [ -n "$baseline" ]; then
  REGSH_HOME=$work/home-baseline "$baseline" registry add bench-delete "127.0.0.1:$port" >/dev/null
fi

# Times one regsh binary (with its cache in HOME) deleting COUNT fresh untagged manifests of
# REPO, checks that none is left, and prints the wall time and the CPU time (user+system
# seconds). The cache sees the manifests tagged, then regsh untags them all (as re-pushes of
# a tag would leave them, but without a sync per push), so the repository has no tags.
# usage: regsh_delete BINARY HOME REPO
regsh_delete() {
  local bin=$1 home=$2 repo=$3 elapsed left
  push "$repo" push > /dev/null
  REGSH_HOME=$home "$bin" -c "use bench-delete; sync $repo -o none; tags $repo | untag -o none" >&2
  elapsed=$( { REGSH_HOME=$home /usr/bin/time -f '%e %U+%S' "$bin" -c "use bench-delete; manifests $repo | [?tags==null].digest | delete --yes -o none" 2>&1 >/dev/null; } | tail -1)
  left=$(REGSH_HOME=$home "$bin" -c "use bench-delete; sync $repo -o none; manifests $repo --query 'length([?tags==null])'")
  [ "$left" = 0 ] || { echo "$bin left $left untagged manifests in $repo" >&2; exit 1; }
  echo "$elapsed"
}

baseline_times=() regsh_times=()
# Wall and CPU seconds of one regsh_delete answer.
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
for round in $(seq "$rounds"); do
  # With a baseline, the two regsh binaries take turns going first.
  if [ -n "$baseline" ] && [ $((round % 2)) = 1 ]; then
    baseline_run=$(regsh_delete "$baseline" "$work/home-baseline" "baseline/r$round")
  fi
  regsh_run=$(regsh_delete "$regsh" "$REGSH_HOME" "regsh/r$round")
  if [ -n "$baseline" ] && [ $((round % 2)) = 0 ]; then
    baseline_run=$(regsh_delete "$baseline" "$work/home-baseline" "baseline/r$round")
  fi
  regsh_time=$(wall "$regsh_run")
  [ -z "$baseline" ] || baseline_time=$(wall "$baseline_run")
  regsh_times+=("$regsh_time")
  [ -z "$baseline" ] || baseline_times+=("$baseline_time")
  # skopeo: one process per digest, as the article's xargs loop runs az.
  push "skopeo/r$round" untagged > "$work/digests"
  skopeo_time=$( { /usr/bin/time -f '%e' sh -c "xargs -P1 -I% skopeo delete --tls-verify=false docker://127.0.0.1:$port/skopeo/r$round@% < '$work/digests'" 2>&1 >/dev/null; } | tail -1)
  gone=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/skopeo/r$round/manifests/$(tail -1 "$work/digests")")
  [ "$gone" = 404 ] || { echo "skopeo did not delete" >&2; exit 1; }
  python3 - "$round" "$count" "$regsh_time" "$skopeo_time" <<'PY'
import sys
r, n, a, b = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"round {r}: regsh {a:.2f} s ({a/n*1000:.2f} ms/manifest) | xargs skopeo delete {b:.2f} s ({b/n*1000:.2f} ms/manifest) | ratio {a/b:.3f}")
PY
  if [ -n "$baseline" ]; then
    python3 - "$round" "$count" "$baseline_time" "$regsh_time" "$(cpu "$baseline_run")" "$(cpu "$regsh_run")" <<'PY'
import sys
r, n, a, b, ca, cb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
print(f"round {r}: baseline regsh {a:.2f} s ({a/n*1000:.2f} ms/manifest, CPU {ca} s) | this tree's regsh {b:.2f} s ({b/n*1000:.2f} ms/manifest, CPU {cb} s) | this tree / baseline {b/a:.3f}")
PY
  fi
done
if [ -n "$baseline" ]; then
  python3 - "$count" "${baseline_times[*]}" "${regsh_times[*]}" <<'PY'
import statistics, sys
n, a, b = int(sys.argv[1]), [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
ma, mb = statistics.median(a), statistics.median(b)
print(f"median: baseline regsh {ma/n*1000:.2f} ms/manifest | this tree's regsh {mb/n*1000:.2f} ms/manifest | this tree / baseline {mb/ma:.3f}")
PY
fi
