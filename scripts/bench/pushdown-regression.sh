#!/usr/bin/env bash
# Issue 15's no-regression check: main's regsh against this tree's, alternating per round,
# on the same million-manifest cache (each binary on its own copy: this tree's adds
# migration v4's index, which main's refuses as a newer schema).
#
# usage: scripts/bench/pushdown-regression.sh OLD_REGSH OLD_HOME NEW_REGSH NEW_HOME JSON [ROUNDS]
#   OLD_HOME: a copy of NEW_HOME's cache with `DROP INDEX manifest_untagged` and its
#   grdb_migrations row deleted; JSON: the listing exported (pushdown.sh writes one).
set -euo pipefail
old=$1 oldhome=$2 new=$3 newhome=$4 json=$5 rounds=${6:-10}
declare -A t
measure() { # NAME HOME COMMAND... (wall time in ms, to the microsecond)
  local name=$1 home=$2; shift 2
  local start=$EPOCHREALTIME
  REGSH_HOME=$home "$@" >/dev/null
  local end=$EPOCHREALTIME
  t[$name]+="$(awk "BEGIN {printf \"%.1f\", ($end - $start) * 1000}") "
}
cases=(
  "start|-c|use bench; repositories"
  "repo-query|-c|use bench; manifests team0/service-0 --query \"[?tags==null].digest\" -o tsv"
  "repo-listing|-c|use bench; manifests team0/service-0"
  "query-file|query|-f|$json|[?tags==null].digest"
)
for i in $(seq "$rounds"); do
  for c in "${cases[@]}"; do
    IFS='|' read -r -a words <<<"$c"
    name=${words[0]}
    measure "$name.old" "$oldhome" "$old" "${words[@]:1}"
    measure "$name.new" "$newhome" "$new" "${words[@]:1}"
  done
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| case | main median (ms) | this tree median (ms) | new / old |"
echo "|---|---|---|---|"
for c in "${cases[@]}"; do
  name=${c%%|*}
  o=$(median "${t[$name.old]}") n=$(median "${t[$name.new]}")
  echo "| $name | $o | $n | $(awk "BEGIN {printf \"%.2f\", $n / $o}") |"
done
