#!/usr/bin/env bash
# Benchmark of issue 15 for the tag and repository listings: a `--query` answered by the
# cache (pushdown) against the in-memory path (REGSH_PUSHDOWN=off) and sqlite3 on the
# same file, on the `bench populate --manifests 1000000 --repositories 1000` cache (about
# 840 tags per repository, 1,000 repositories). One run, the tools alternating per round;
# wall time to the microsecond ($EPOCHREALTIME), peak RSS from /usr/bin/time.
#
# usage: scripts/bench/pushdown-tags.sh REGSH_HOME [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
home=${1:?REGSH_HOME of a populated bench cache}
rounds=${2:-15}
db=$home/cache.sqlite
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed" >&2; exit 1; }
regsh=${REGSH:-$(swift build -c release --show-bin-path)/regsh}
export REGSH_HOME=$home
repo=team0/service-0
registry="(SELECT id FROM registry WHERE name = 'bench')"
tags="FROM tag t JOIN repository r ON r.id = t.repositoryId WHERE r.registryId = $registry AND r.name = '$repo' AND t.untilTime IS NULL"

# The same answers, or the timings mean nothing.
r() { "$regsh" -c "use bench; $1"; }
[ "$(r "tags $repo --query \"length([?starts_with(@, 'rc')])\"")" \
  = "$(sqlite3 "$db" "SELECT count(*) $tags AND instr(t.name, 'rc') = 1")" ] \
  || { echo "tag count differs from sqlite3" >&2; exit 1; }
cmp <(r "tags $repo --detail --query \"sort_by(@, &lastUpdateTime)[-5:].name\" -o tsv") \
  <(sqlite3 "$db" "SELECT t.name $tags ORDER BY COALESCE(t.registryUpdated, t.sinceTime), t.name" | tail -5) \
  || { echo "newest tags differ from sqlite3" >&2; exit 1; }
cmp <(r "repositories --query \"[?starts_with(@, 'team1')]\" -o tsv") \
  <(sqlite3 "$db" "SELECT name FROM repository WHERE registryId = $registry AND goneAt IS NULL AND instr(name, 'team1') = 1 ORDER BY name") \
  || { echo "repositories differ from sqlite3" >&2; exit 1; }
for c in "tags $repo --query \"[?contains(@, '7')]\" -o tsv" \
  "tags $repo --detail --query \"sort_by(@, &lastUpdateTime)[-5:].name\"" \
  "repositories --query \"length([?starts_with(@, 'team1')])\""; do
  cmp <(r "$c") <(REGSH_PUSHDOWN=off "$regsh" -c "use bench; $c") \
    || { echo "pushdown differs from the interpreter: $c" >&2; exit 1; }
done

declare -A t m
run() { # NAME COMMAND...
  local name=$1; shift
  local start=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o /tmp/regsh-pushdown-tags-time "$@" >/dev/null
  local end=$EPOCHREALTIME
  t[$name]+="$(awk "BEGIN {printf \"%.1f\", ($end - $start) * 1000}") "
  m[$name]+="$(cat /tmp/regsh-pushdown-tags-time) "
}
names=()
case_() { # NAME REGSH-COMMAND SQL
  names+=("$1.regsh" "$1.in-memory" "$1.sqlite3")
  run "$1.regsh" "$regsh" -c "use bench; $2"
  run "$1.in-memory" env REGSH_PUSHDOWN=off "$regsh" -c "use bench; $2"
  run "$1.sqlite3" sqlite3 "$db" "$3"
}
for i in $(seq "$rounds"); do
  names=()
  case_ tag-count "tags $repo --query \"length([?starts_with(@, 'rc')])\"" \
    "SELECT count(*) $tags AND instr(t.name, 'rc') = 1"
  case_ tag-filter "tags $repo --query \"[?contains(@, '7')]\" -o tsv" \
    "SELECT t.name $tags AND instr(t.name, '7') > 0 ORDER BY t.name"
  case_ tag-newest "tags $repo --detail --query \"sort_by(@, &lastUpdateTime)[-5:].name\"" \
    "SELECT t.name $tags ORDER BY COALESCE(t.registryUpdated, t.sinceTime) DESC, t.name DESC LIMIT 5"
  case_ repositories "repositories --query \"[?starts_with(@, 'team1')]\" -o tsv" \
    "SELECT name FROM repository WHERE registryId = $registry AND goneAt IS NULL AND instr(name, 'team1') = 1 ORDER BY name"
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| run | median wall (ms) | median peak RSS (MiB) |"
echo "|---|---|---|"
for name in "${names[@]}"; do
  echo "| $name | $(median "${t[$name]}") | $(( $(median "${m[$name]}") / 1024 )) |"
done
