#!/usr/bin/env bash
# Memory of a query the store cannot answer, over a million manifests in a PostgreSQL store
# (issue 15, item 4): every document is read through the seam's `visit`. Runs OLD and NEW
# regsh binaries alternately, ROUNDS times, on one server this script starts
# (scripts/bench/postgres.sh), populated once by NEW.
#
# usage: scripts/bench/postgres-listing-memory.sh OLD NEW [ROUNDS] [MANIFESTS]
# With BENCH_LOCK=FILE, each timed run holds `flock FILE` (other benchmarks on the machine
# take turns with it).
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$1 new=$2 rounds=${3:-3} manifests=${4:-1000000}
. scripts/bench/postgres.sh
home=$(mktemp -d)
trap 'rm -rf "$home"; as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
export REGSH_HOME=$home REGSH_STORE=$pg_url
"$new" bench populate --manifests "$manifests" --repositories 1000 >/dev/null
query='[?contains(join(`","`, tags || `[]`), `"rc"`)]'
uptime
for i in $(seq "$rounds"); do
  for side in old new; do
    binary=$old; [ "$side" = new ] && binary=$new
    ${BENCH_LOCK:+flock "$BENCH_LOCK"} /usr/bin/time -f "round $i $side: %e s wall, CPU %U+%S s, peak %M KiB" \
      "$binary" -c "use bench; manifests --all --query '$query'" | wc -c | sed 's/^/  bytes out: /'
  done
done
uptime
