#!/usr/bin/env bash
# Benchmark of issue 14: the PostgreSQL store beside the SQLite file, in one run, each step
# alternating between the two, on a loopback server this script starts (scripts/bench/postgres.sh).
#   1. `bench populate` of N manifests (default 1,000,000): PostgreSQL within 2× SQLite;
#   2. `manifests --all --query "length([?tags==null])"` from process start: under 2 s;
#   3. the second sync of an unchanged 10,000-tag repository (scripts/bench/sync-unchanged.sh's
#      registry): PostgreSQL within 1.2× SQLite.
# Wall and CPU time (user+system of regsh, and the server's for PostgreSQL) for every run:
# the machine is shared with other builds.
#
# usage: scripts/bench/team-store.sh [MANIFESTS] [TAGS]
set -euo pipefail
cd "$(dirname "$0")/../.."
manifests=${1:-1000000}
tags=${2:-10000}
swift build -c release --product regsh >/dev/null
regsh=$(swift build -c release --show-bin-path)/regsh
. scripts/bench/postgres.sh
# The server's CPU seconds so far: the postmaster's own and its reaped children's (each
# connection's backend ends with its client and is counted there), plus the live children.
pg_cpu() {
  local main; main=$(head -1 "$pg_dir/data/postmaster.pid")
  { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$main/stat"
    for pid in $(pgrep -P "$main"); do awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true; done
  } | awk -v hz="$(getconf CLK_TCK)" '{ t += $1 } END { printf "%.2f", t / hz }'
}
sqlite_home=$(mktemp -d)
trap 'rm -rf "$sqlite_home"; as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
run() { # run LABEL STORE ARGS…: one timed regsh run against STORE (sqlite or postgresql)
  local label=$1 store=$2; shift 2
  local before after
  before=$(pg_cpu)
  if [ "$store" = postgresql ]; then
    REGSH_HOME=$sqlite_home/pg REGSH_STORE=$pg_url /usr/bin/time -f "$label [$store]: %e s wall, regsh CPU %U+%S s, %M KiB" "$regsh" "$@"
  else
    REGSH_HOME=$sqlite_home /usr/bin/time -f "$label [$store]: %e s wall, regsh CPU %U+%S s, %M KiB" "$regsh" "$@"
  fi
  after=$(pg_cpu)
  [ "$store" = postgresql ] && echo "  server CPU during it: $(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f s", b - a }')"
  return 0
}
uptime
echo "== bench populate --manifests $manifests"
for store in sqlite postgresql; do
  run "populate $manifests" $store bench populate --manifests "$manifests" --repositories 1000
done
echo "== manifests --all --query 'length([?tags==null])'"
for i in 1 2 3; do
  for store in sqlite postgresql; do
    run "untagged count (run $i)" $store -c 'use bench; manifests --all --query "length([?tags==null])"'
  done
done
uptime
echo "== second sync of an unchanged $tags-tag repository"
. scripts/bench/registry.sh
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
# registry.sh replaced the EXIT trap: stop the server and the registry both.
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work" "$sqlite_home"; as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
for store in sqlite postgresql; do
  run "registry add" $store registry add bench-sync "127.0.0.1:$port"
  run "first sync" $store sync --registry bench-sync -o none
done
for i in 1 2 3; do
  for store in sqlite postgresql; do
    run "second sync (run $i)" $store sync --registry bench-sync -o jsonl \
      --query '{manifestsFetched: manifestsFetched, headRequests: headRequests}'
  done
done
uptime
