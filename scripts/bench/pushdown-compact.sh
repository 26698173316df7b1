#!/usr/bin/env bash
# Benchmark of issue 15's compact documents: queries over `manifests --all` the store cannot
# answer, so the listing is built whole in memory, with an old and a new binary alternating
# per round. One reads neither tags nor timestamps, one reads the timestamps, one the tags.
# Wall, user, system time and peak RSS from /usr/bin/time; each run under the shared
# benchmark lock, so two people benchmarking on one machine never overlap.
#
# usage: scripts/bench/pushdown-compact.sh OLD_REGSH NEW_REGSH REGSH_HOME [ROUNDS]
#   REGSH_HOME: a copy of a `bench populate --manifests 1000000 --repositories 1000` cache.
set -euo pipefail
old=${1:?old regsh binary}
new=${2:?new regsh binary}
export REGSH_HOME=${3:?REGSH_HOME of a populated bench cache}
rounds=${4:-3}
queries=(
  'max_by(@, &digest).digest'
  'max_by(@, &timestamp).digest'
  'max_by(@, &length(tags || `[]`)).digest'
)
q() { "$1" -c "use bench; manifests --all --query \"$2\""; }
for query in "${queries[@]}"; do
  # Not answered by the store, or this measures the wrong path.
  "$new" -c "use bench; manifests --all --explain --query \"$query\"" \
    | grep -q '"interpreter": "the whole expression"' || { echo "pushed down: $query" >&2; exit 1; }
  # The same answer from both binaries.
  cmp <(q "$old" "$query") <(q "$new" "$query") || { echo "answers differ: $query" >&2; exit 1; }
done
echo "load: $(uptime)"
for query in "${queries[@]}"; do
  for round in $(seq "$rounds"); do
    for binary in "$old" "$new"; do
      flock /tmp/regsh-bench.lock /usr/bin/time -f '%e|%U|%S|%M' -o /tmp/regsh-compact-time \
        "$binary" -c "use bench; manifests --all --query \"$query\"" >/dev/null
      echo "$query|$(basename "$binary")|$round|$(cat /tmp/regsh-compact-time)"
    done
  done
done
echo "load: $(uptime)"
