#!/usr/bin/env bash
# `npm test`: the typecheck, the formatting check, then every test, then the wall and CPU time it all took.
# Arguments go to vitest (e.g. `npm test -- test/unit`). Run under scripts/with-toolchain.sh (Node 22, Pulumi CLI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Go's collector, tuned for the short-lived Pulumi CLIs the engine tests start by the hundred: collecting less
# often costs them some memory and saves CPU (GOGC=400; Node ignores it).
export GOGC="${GOGC:-400}"

started=$(date +%s%N)
status=0
{
  echo "[test] typecheck (tsc --noEmit)"
  tsc --noEmit -p tsconfig.json
  echo "[test] formatting (prettier --check; fix with npm run format)"
  prettier --check . --log-level warn
  vitest run "$@"
} || status=$?
# `times`' second line is the user and system CPU of every process this shell waited for, and of theirs
# (tsc, prettier, vitest's workers, the Pulumi CLIs and servers the tests started): "1m2.345s 0m6.789s".
times_file=$(mktemp)
times >"$times_file" # here, not in $(…): a subshell would report its own children, none
cpu=$(tail -n 1 "$times_file" | awk '{ n = 0; for (i = 1; i <= NF; i++) { split($i, t, "m"); sub("s", "", t[2]); n += t[1] * 60 + t[2] } printf "%.0f", n }')
rm -f "$times_file"
wall=$((($(date +%s%N) - started) / 1000000000))
echo "[test] wall ${wall} s, CPU ${cpu} s"
exit "$status"
