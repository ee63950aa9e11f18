#!/usr/bin/env bash
# Makes actionlint (the linter for .github/workflows, used by the workflow tests) available without
# downloading anything but Go modules.
#
# Order of preference:
#   1. an `actionlint` >= 1.7.12 already on PATH;
#   2. a build cached earlier in the cache directory;
#   3. build v1.7.12 from the Go module proxy into the cache directory (about a minute, once).
#
# With --locate-only, steps 1-2 only: never builds.
# Prints one line on stdout: the directory holding `actionlint`. Progress goes to stderr.
# The binary is never written inside the repository.
set -euo pipefail

readonly ACTIONLINT_VERSION="1.7.12"
readonly GO_MIN_VERSION="1.25.0"

locate_only=false
[ "${1:-}" = "--locate-only" ] && locate_only=true

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool_tag=setup-actionlint
# shellcheck source=scripts/lib/go-tools.sh
. "$repo_root/scripts/lib/go-tools.sh"
bin_dir="$(toolchain_cache_root)/actionlint-v$ACTIONLINT_VERSION/bin"
cache_root=$(toolchain_cache_root)

# `actionlint -version` prints the version on its first line (e.g. "v1.7.12" or "1.7.12").
tool_version() { "$1" -version 2>/dev/null | head -n1 | tr -d '[:space:]'; }

use_tool() {
  local bin=$1
  log "using $bin ($(tool_version "$bin"))"
  (cd "$(dirname "$bin")" && pwd)
  exit 0
}

tried=()

if on_path=$(command -v actionlint 2>/dev/null); then
  v=$(tool_version "$on_path")
  if version_at_least "${v:-0}" "$ACTIONLINT_VERSION"; then use_tool "$on_path"; fi
  tried+=("actionlint on PATH ($on_path) reports '${v:-no version}', need >= $ACTIONLINT_VERSION")
else
  tried+=("no actionlint on PATH")
fi

if [ -x "$bin_dir/actionlint" ] && [ "$(tool_version "$bin_dir/actionlint")" = "v$ACTIONLINT_VERSION" ]; then
  use_tool "$bin_dir/actionlint"
fi
tried+=("no cached build at $bin_dir")
if $locate_only; then
  fail "no actionlint found." "${tried[@]}" \
    "Fix: run 'npm run setup' (builds v$ACTIONLINT_VERSION once) or install actionlint >= $ACTIONLINT_VERSION on PATH."
fi

require_go "$GO_MIN_VERSION" "actionlint >= $ACTIONLINT_VERSION (https://github.com/rhysd/actionlint)" "${tried[@]}"

# Built into a scratch directory and moved into place, so an interrupted build leaves no binary
# that a later --locate-only would trust.
stage_dir="$cache_root/actionlint-v$ACTIONLINT_VERSION/stage"
build_log="$cache_root/actionlint-v$ACTIONLINT_VERSION/build.log"
rm -rf "$stage_dir"
mkdir -p "$stage_dir" "$bin_dir"
log "building actionlint v$ACTIONLINT_VERSION from the Go module proxy with $go_version (first time only)"
started=$(date +%s)
(
  cd "$stage_dir"
  GOBIN="$stage_dir" GOTOOLCHAIN=local \
    "$go_bin" install -trimpath "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
) >"$build_log" 2>&1 || {
  tail -n 15 "$build_log" >&2 || true
  fail "building actionlint v$ACTIONLINT_VERSION failed (full log: $build_log)." "${tried[@]}" \
    "tried: go install github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION (GOPROXY=$("$go_bin" env GOPROXY))" \
    "Fix: check that the Go module proxy is reachable, or install actionlint >= $ACTIONLINT_VERSION on PATH, then re-run."
}
mv "$stage_dir/actionlint" "$bin_dir/actionlint"
rm -rf "$stage_dir"
log "built in $(($(date +%s) - started)) s"
use_tool "$bin_dir/actionlint"
