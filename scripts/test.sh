#!/usr/bin/env bash
# `npm test`: the typecheck, the formatting check, then every test. Arguments go to vitest
# (e.g. `npm test -- test/unit`). Run under scripts/with-toolchain.sh (Node 22, Pulumi CLI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "[test] typecheck (tsc --noEmit)"
tsc --noEmit -p tsconfig.json
echo "[test] formatting (prettier --check; fix with npm run format)"
prettier --check . --log-level warn
exec vitest run "$@"
