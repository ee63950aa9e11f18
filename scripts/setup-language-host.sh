#!/usr/bin/env bash
# Makes Pulumi's Node.js language host (`pulumi-language-nodejs`) available, so plain `pulumi up`,
# `preview`, `refresh` and `destroy` can run TypeScript programs. The official Pulumi CLI ships it
# next to `pulumi`; a CLI built from the Go module proxy (scripts/setup-pulumi.sh) does not.
#
# Order of preference:
#   1. next to the CLI that scripts/setup-pulumi.sh finds (an official install);
#   2. a `pulumi-language-nodejs` already on PATH;
#   3. a build cached earlier in the toolchain cache;
#   4. build it from github.com/pulumi/pulumi/sdk/v3@v3.68.0 (~2 min on 2 cores, once): the newest
#      release whose module still holds nodejs/cmd/pulumi-language-nodejs (later ones moved it to a
#      module the proxy refuses). `go install` refuses that module for its `replace` directive, so the
#      module is downloaded, copied, made writable and built in place.
#
# With --locate-only, steps 1-3 only: never builds.
# Prints one line on stdout: the directory holding `pulumi-language-nodejs`. Progress goes to stderr.
# The binary is never written inside the repository.
set -euo pipefail

readonly SDK_MODULE="github.com/pulumi/pulumi/sdk/v3"
readonly SDK_VERSION="3.68.0"
readonly GO_MIN_VERSION="1.18"
readonly HOST="pulumi-language-nodejs"

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool_tag=setup-language-host
# shellcheck source=scripts/lib/go-tools.sh
. "$repo_root/scripts/lib/go-tools.sh"

locate_only=false
[ "${1:-}" = "--locate-only" ] && locate_only=true

cache_dir="$(toolchain_cache_root)/$HOST-v$SDK_VERSION"
bin_dir="$cache_dir/bin"

use_host() {
  log "using $1"
  (cd "$(dirname "$1")" && pwd)
  exit 0
}

tried=()
# PULUMI_CLI_DIR: where a caller already found the CLI (scripts/with-toolchain.sh), to skip looking again.
cli_dir=${PULUMI_CLI_DIR:-$(bash "$repo_root/scripts/setup-pulumi.sh" --locate-only 2>/dev/null || true)}
[ -n "$cli_dir" ] && [ -x "$cli_dir/$HOST" ] && use_host "$cli_dir/$HOST"
tried+=("none next to the Pulumi CLI${cli_dir:+ ($cli_dir)}")
if on_path=$(command -v "$HOST" 2>/dev/null); then
  use_host "$on_path"
fi
tried+=("none on PATH")
[ -x "$bin_dir/$HOST" ] && use_host "$bin_dir/$HOST"
tried+=("no cached build at $bin_dir")
if $locate_only; then
  fail "no Pulumi Node.js language host ($HOST) found; plain \`pulumi up\` cannot run TypeScript programs without it." \
    "${tried[@]}" "Fix: run 'npm run setup' (builds it once from the Go module proxy), or install the official Pulumi CLI, which ships it."
fi

mkdir -p "$cache_dir"
take_build_lock "$cache_dir/build.lock" "$HOST"
[ -x "$bin_dir/$HOST" ] && use_host "$bin_dir/$HOST"

require_go "$GO_MIN_VERSION" "the Pulumi Node.js language host" "${tried[@]}"
stage_dir="$cache_dir/stage"
build_log="$cache_dir/build.log"
rm -rf "$stage_dir"
mkdir -p "$bin_dir"
log "building $HOST from $SDK_MODULE@v$SDK_VERSION with $go_version (first time only; ~2 min on 2 cores)"
log "build log: $build_log"
started=$(date +%s)
(
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local
  module_dir=$("$go_bin" mod download -json "$SDK_MODULE@v$SDK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$module_dir" ] || { echo "go mod download gave no directory for $SDK_MODULE@v$SDK_VERSION"; exit 1; }
  cp -R "$module_dir" "$stage_dir"
  chmod -R u+w "$stage_dir"
  cd "$stage_dir"
  "$go_bin" build -trimpath -ldflags "-s -w" -o "$stage_dir/$HOST.bin" "./nodejs/cmd/$HOST"
) >"$build_log" 2>&1 || {
  tail -n 15 "$build_log" >&2 || true
  fail "building $HOST failed (full log: $build_log)." "${tried[@]}" \
    "tried: go mod download $SDK_MODULE@v$SDK_VERSION, then go build ./nodejs/cmd/$HOST in a copy (GOPROXY=$("$go_bin" env GOPROXY))" \
    "Fix: check that the Go module proxy is reachable, or install the official Pulumi CLI (it ships $HOST), then re-run."
}
# Moved into place last, so an interrupted build leaves nothing a later --locate-only would trust.
mv "$stage_dir/$HOST.bin" "$bin_dir/$HOST"
rm -rf "$stage_dir"
log "built in $(($(date +%s) - started)) s"
use_host "$bin_dir/$HOST"
