#!/usr/bin/env bash
# Benchmark of issue 2: `regsh query` against Debian's `jp` (Go) on 1,000,000 manifests,
# same machine, one run, alternating the two. Prints wall time and peak RSS of each run
# and a markdown summary for docs/performance.md.
# Then issue 13's: `[?timestamp < ago('30d')].digest` against the same filter with the
# literal date (REGSH_NOW fixes the clock so that ago('30d') is 2018-07-01), alternating.
#
# usage: scripts/bench/query-vs-jp.sh [ROUNDS] [MANIFESTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
count=${2:-1000000}
expr='[?tags==null].digest'
data=bench-data/manifests-$count.json
command -v jp >/dev/null || { echo "jp is not installed (apt-get install jp)" >&2; exit 1; }
mkdir -p bench-data
[ -s "$data" ] || python3 scripts/bench/make-manifests.py "$count" "$data"
swift build -c release --product regsh >/dev/null
regsh=$(swift build -c release --show-bin-path)/regsh

# Same answer from both, or the timing means nothing.
cmp <("$regsh" query -c -f "$data" "$expr") <(jp -c -f "$data" "$expr") \
  || { echo "regsh and jp disagree" >&2; exit 1; }

measure() { # prints "seconds maxrss_kib"
  /usr/bin/time -f '%e %M' -o /tmp/regsh-bench-time "$@" >/dev/null
  cat /tmp/regsh-bench-time
}
echo "file: $data ($(du -m "$data" | cut -f1) MB), expression: $expr, rounds: $rounds"
declare -a rt rm jt jm
for i in $(seq "$rounds"); do
  read -r t m < <(measure "$regsh" query -f "$data" "$expr"); rt+=("$t"); rm+=("$m")
  read -r t m < <(measure jp -f "$data" "$expr"); jt+=("$t"); jm+=("$m")
  echo "round $i: regsh ${rt[-1]} s ${rm[-1]} KiB | jp ${jt[-1]} s ${jm[-1]} KiB"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "| tool | median wall (s) | median peak RSS (MiB) |"
echo "|---|---|---|"
echo "| regsh query | $(median "${rt[@]}") | $(( $(median "${rm[@]}") / 1024 )) |"
echo "| jp 0.2.1 | $(median "${jt[@]}") | $(( $(median "${jm[@]}") / 1024 )) |"

# ago() is evaluated once, when the expression is compiled, not per element.
export REGSH_NOW=2018-07-31T00:00:00Z
ago="[?timestamp < ago('30d')].digest"
literal="[?timestamp < '2018-07-01'].digest"
cmp <("$regsh" query -c -f "$data" "$ago") <("$regsh" query -c -f "$data" "$literal") \
  || { echo "ago('30d') and the literal date disagree" >&2; exit 1; }
echo
echo "expression: $ago against $literal (REGSH_NOW=$REGSH_NOW), rounds: $rounds"
declare -a at lt
for i in $(seq "$rounds"); do
  read -r t m < <(measure "$regsh" query -f "$data" "$ago"); at+=("$t")
  read -r t m < <(measure "$regsh" query -f "$data" "$literal"); lt+=("$t")
  echo "round $i: ago ${at[-1]} s | literal ${lt[-1]} s"
done
echo
echo "| expression | median wall (s) |"
echo "|---|---|"
echo "| \`$ago\` | $(median "${at[@]}") |"
echo "| \`$literal\` | $(median "${lt[@]}") |"
