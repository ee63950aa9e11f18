#!/usr/bin/env bash
# `npm test`: the typecheck, the formatting check and every test, then the wall and CPU time it all took. The two
# checks run beside vitest (they are short and single-threaded; the tests end with one long file on one core), and
# their verdicts print at the end. Arguments go to vitest (e.g. `npm test -- test/unit`). Run under
# scripts/with-toolchain.sh (Node 22, Pulumi CLI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Go's collector, tuned for the short-lived Pulumi CLIs the engine tests start by the hundred: collecting less
# often costs them some memory and saves CPU (GOGC=400; Node ignores it).
export GOGC="${GOGC:-400}"

started=$(date +%s%N)
checks=$(mktemp -d)
trap 'rm -rf "$checks"' EXIT
check() { # name, command…: runs it, keeping its output and exit status for the end
  local name=$1
  shift
  if "$@" >"$checks/$name.out" 2>&1; then echo 0; else echo $?; fi >"$checks/$name.status"
}
# Both keep what they learned in the toolchain cache, one file per checkout, so a run checks again only what changed
# since the last (by content: files a branch switch touches without changing them do not count).
cache="${POLAR_WEBHOOKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/polar-webhooks-as-code}/checks/$(pwd | sha256sum | cut -c1-16)"
mkdir -p "$cache"
check typecheck tsc --noEmit -p tsconfig.json --incremental --tsBuildInfoFile "$cache/tsconfig.tsbuildinfo" &
check formatting prettier --check . --log-level warn --cache --cache-strategy content \
  --cache-location "$cache/prettier.json" &
status=0
vitest run "$@" || status=$?
wait

report() { # name, what to run to fix it
  if [ "$(cat "$checks/$1.status")" = 0 ]; then
    echo "[test] $1: ok"
  else
    echo "[test] $1 failed ($2):"
    cat "$checks/$1.out"
    status=1
  fi
}
report typecheck "tsc --noEmit -p tsconfig.json"
report formatting "fix with npm run format"

# `times`' second line is the user and system CPU of every process this shell waited for, and of theirs
# (tsc, prettier, vitest's workers, the Pulumi CLIs and servers the tests started): "1m2.345s 0m6.789s".
times_file="$checks/times"
times >"$times_file" # here, not in $(…): a subshell would report its own children, none
cpu=$(tail -n 1 "$times_file" | awk '{ n = 0; for (i = 1; i <= NF; i++) { split($i, t, "m"); sub("s", "", t[2]); n += t[1] * 60 + t[2] } printf "%.0f", n }')
wall=$((($(date +%s%N) - started) / 1000000000))
echo "[test] wall ${wall} s, CPU ${cpu} s"
exit "$status"
