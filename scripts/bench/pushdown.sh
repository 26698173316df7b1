#!/usr/bin/env bash
# Benchmark of issue 15: `--query` over the manifest listing answered by the cache
# (pushdown) against sqlite3 on the same file, the in-memory path (REGSH_PUSHDOWN=off),
# and, for the query the cache cannot answer, jp on the listing exported to JSON.
# One run, the tools alternating per round; wall time and peak RSS from /usr/bin/time.
#
# usage: scripts/bench/pushdown.sh REGSH_HOME [ROUNDS]
#   REGSH_HOME: a copy of a `bench populate --manifests 1000000 --repositories 1000` cache.
set -euo pipefail
cd "$(dirname "$0")/../.."
home=${1:?REGSH_HOME of a populated bench cache}
rounds=${2:-3}
db=$home/cache.sqlite
command -v jp >/dev/null || { echo "jp is not installed (apt-get install jp)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed" >&2; exit 1; }
regsh=${REGSH:-$(swift build -c release --show-bin-path)/regsh}
# The bench timestamps run from 2020-09-13 for 428 days: at this clock ago('30d') keeps
# about half of the manifests.
export REGSH_HOME=$home REGSH_NOW=2021-05-01T00:00:00Z
cutoff=$(echo null | "$regsh" query -u "ago('30d')")
json=$home/manifests.json
[ -s "$json" ] || REGSH_PUSHDOWN=off "$regsh" -c 'use bench; manifests --all' >"$json"

measure() { # prints "seconds maxrss_kib"
  /usr/bin/time -f '%e %M' -o /tmp/regsh-pushdown-time "$@" >/dev/null
  cat /tmp/regsh-pushdown-time
}
q() { "$regsh" -c "use bench; manifests --all --query \"$1\" ${2:-}"; }
listing="FROM manifest INDEXED BY manifest_listing WHERE goneAt IS NULL"

# The same answers, or the timings mean nothing.
[ "$(q 'length([?tags==null])')" = "$(sqlite3 "$db" "SELECT count(*) $listing AND tagList IS NULL")" ] \
  || { echo "count differs from sqlite3" >&2; exit 1; }
cmp <(q '[?tags==null].digest' '-o tsv' | sort) \
  <(sqlite3 "$db" "SELECT digest $listing AND tagList IS NULL" | sort) \
  || { echo "digests differ from sqlite3" >&2; exit 1; }
cmp <(q "[?timestamp < ago('30d')].digest" '-o tsv' | sort) \
  <(sqlite3 "$db" "SELECT digest $listing AND timestamp < '$cutoff'" | sort) \
  || { echo "ago('30d') digests differ from sqlite3" >&2; exit 1; }
nonpush="[?contains(join(',', tags || \`[]\`), 'rc')]"
cmp <(q "$nonpush" '-o jsonl') <(jp -f "$json" "$nonpush" | python3 -c '
import json, sys
for item in json.load(sys.stdin): print(json.dumps(item, separators=(",", ":"), ensure_ascii=False))') \
  || { echo "non-pushable query differs from jp" >&2; exit 1; }

declare -A t m
run() { # NAME COMMAND...
  local name=$1; shift
  read -r s k < <(measure "$@")
  t[$name]+="$s "; m[$name]+="$k "
  printf '  %-28s %6s s %8s KiB\n' "$name" "$s" "$k"
}
for i in $(seq "$rounds"); do
  echo "round $i"
  run count.regsh env REGSH_PUSHDOWN=on "$regsh" -c "use bench; manifests --all --query \"length([?tags==null])\""
  run count.sqlite3 sqlite3 "$db" "SELECT count(*) $listing AND tagList IS NULL"
  run count.in-memory env REGSH_PUSHDOWN=off "$regsh" -c "use bench; manifests --all --query \"length([?tags==null])\""
  run tsv.regsh env REGSH_PUSHDOWN=on "$regsh" -c "use bench; manifests --all --query \"[?tags==null].digest\" -o tsv"
  run tsv.sqlite3 sqlite3 "$db" "SELECT digest $listing AND tagList IS NULL"
  run ago.regsh env REGSH_PUSHDOWN=on "$regsh" -c "use bench; manifests --all --query \"[?timestamp < ago('30d')].digest\""
  run ago.sqlite3 sqlite3 "$db" "SELECT digest $listing AND timestamp < '$cutoff'"
  run nonpush.regsh env REGSH_PUSHDOWN=on "$regsh" -c "use bench; manifests --all --query \"$nonpush\""
  run nonpush.jp jp -f "$json" "$nonpush"
  run nonpush.in-memory env REGSH_PUSHDOWN=off "$regsh" -c "use bench; manifests --all --query \"$nonpush\""
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "| run | median wall (s) | median peak RSS (MiB) | walls (s) |"
echo "|---|---|---|---|"
for name in count.regsh count.sqlite3 count.in-memory tsv.regsh tsv.sqlite3 ago.regsh \
  ago.sqlite3 nonpush.regsh nonpush.jp nonpush.in-memory; do
  echo "| $name | $(median "${t[$name]}") | $(( $(median "${m[$name]}") / 1024 )) | ${t[$name]}|"
done
