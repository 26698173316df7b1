#!/usr/bin/env bash
# Benchmark of issue 4: the second sync of an unchanged repository with N tags (default
# 10,000) on a loopback docker-registry. The first sync fills the cache; the second must
# fetch no manifest and take under 5 seconds.
#
# usage: scripts/bench/sync-unchanged.sh [TAGS]
#
# REGSH_BENCH_BASELINE=/path/to/an/older/regsh runs that binary's second syncs too, alternating
# with this tree's (each with its own cache), so both face the same machine load. Every
# second sync also prints the registry's CPU time, to tell regsh's cost from the registry's.
set -euo pipefail
cd "$(dirname "$0")/../.."
tags=${1:-10000}
. scripts/bench/registry.sh
# One small image, then the same manifest under N tags, over one keep-alive connection.
python3 - "$port" "$tags" <<'PY'
import hashlib, http.client, json, sys
port, tags = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
def blob(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    c.request("POST", "/v2/bench/app/blobs/uploads/"); r = c.getresponse(); r.read()
    location = r.getheader("Location")
    sep = "&" if "?" in location else "?"
    c.request("PUT", f"{location}{sep}digest={digest}", body=data,
              headers={"Content-Type": "application/octet-stream"}); r = c.getresponse(); r.read()
    assert r.status == 201, r.status
    return {"mediaType": "", "digest": digest, "size": len(data)}
config = blob(b'{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z"}')
config["mediaType"] = "application/vnd.oci.image.config.v1+json"
layer = blob(b"layer")
layer["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip"
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": config, "layers": [layer]}).encode()
for t in range(tags):
    c.request("PUT", f"/v2/bench/app/manifests/t{t}", body=manifest,
              headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    r = c.getresponse(); r.read()
    assert r.status == 201, r.status
PY
swift build -c release --product regsh >/dev/null
regsh=$(swift build -c release --show-bin-path)/regsh
export REGSH_HOME=$work/home
"$regsh" registry add bench-sync "127.0.0.1:$port"

registry_pid=$(cat "$work/pid")
# The registry's user+system CPU seconds so far, from /proc.
registry_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$registry_pid/stat"; }
uptime

declare -A homes=([new]="$work/home")
declare -A binaries=([new]="$regsh")
if [ -n "${REGSH_BENCH_BASELINE:-}" ]; then
  homes[baseline]="$work/home-baseline"
  binaries[baseline]=$REGSH_BENCH_BASELINE
  REGSH_HOME=${homes[baseline]} "$REGSH_BENCH_BASELINE" registry add bench-sync "127.0.0.1:$port"
  REGSH_HOME=${homes[baseline]} /usr/bin/time -f 'baseline first sync: %e s, %M KiB' \
    "$REGSH_BENCH_BASELINE" sync --registry bench-sync -o none
fi

/usr/bin/time -f 'first sync: %e s, %M KiB' "$regsh" sync --registry bench-sync -o none
# REGSH_BENCH_PROFILE=1 records a perf profile of one unchanged sync in /tmp/regsh-sync.perf.
[ -n "${REGSH_BENCH_PROFILE:-}" ] && perf record -g -o /tmp/regsh-sync.perf "$regsh" sync --registry bench-sync -o none
for i in 1 2 3; do
  for which in ${REGSH_BENCH_BASELINE:+baseline} new; do
    label="second sync (run $i)"
    [ "$which" = baseline ] && label="baseline $label"
    before=$(registry_cpu)
    REGSH_HOME=${homes[$which]} /usr/bin/time -f "$label: %e s, regsh CPU %U+%S s, %M KiB" \
      "${binaries[$which]}" sync --registry bench-sync -o jsonl \
      --query '{manifestsFetched: manifestsFetched, headRequests: headRequests}'
    echo "  registry CPU during it: $(awk -v a="$before" -v b="$(registry_cpu)" 'BEGIN { printf "%.2f s", b - a }')"
  done
done
uptime
