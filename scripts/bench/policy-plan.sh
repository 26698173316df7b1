#!/usr/bin/env bash
# Issue 12's speed target: `policy plan` (and `purge --dry-run`, both phases) over the
# `bench populate` cache of 1,000,000 manifests, two release binaries alternating.
#   scripts/bench/policy-plan.sh OLD_BINARY NEW_BINARY CACHE_COPY [ROUNDS]
# CACHE_COPY is a copy of a populated cache (REGSH_HOME) holding p/retention.yaml; every run
# is wrapped in `flock /tmp/regsh-bench.lock` so that benchmarks on a shared machine never
# overlap. Prints one line per run: binary, command, wall|user|sys|peak RSS (KiB), load.
set -euo pipefail
old=$1
new=$2
rounds=${4:-3}
export REGSH_HOME=$3
policy=$REGSH_HOME/p/retention.yaml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {  # label binary args...
  local label=$1 binary=$2
  shift 2
  local figures
  # --stdout-null (the script's, not regsh's): standard output to /dev/null, which shows
  # regsh's own cost; to a file, the kernel's copy of 410 MB into the page cache is added.
  local stdout=$out/stdout
  if [[ ${*: -1} == --stdout-null ]]; then
    stdout=/dev/null
    set -- "${@:1:$#-1}"
  fi
  figures=$(flock /tmp/regsh-bench.lock /usr/bin/time -f '%e|%U|%S|%M' "$binary" "$@" 2>&1 >"$stdout" | tail -1)
  echo "$(basename "$binary") | $label | $figures | load $(cut -d' ' -f1-3 /proc/loadavg)"
}
for round in $(seq "$rounds"); do
  echo "# round $round, $(date -u +%H:%M:%S)"
  for binary in "$old" "$new"; do
    run "plan -o none" "$binary" policy plan "$policy" -r bench --cached -o none
    run "plan -o json > file" "$binary" policy plan "$policy" -r bench --cached
    run "plan -o json > /dev/null" "$binary" policy plan "$policy" -r bench --cached --stdout-null
    run "plan --out file -o none" "$binary" policy plan "$policy" -r bench --cached --out "$out/plan.json" -o none
    run "purge both phases" "$binary" purge -r bench --filter '.*:.*' --ago 1d --untagged --dry-run --cached
  done
done
