#!/usr/bin/env bash
# Makes a Pulumi CLI (>= 3.181, needed for inline-program refresh/destroy) available without
# downloading anything but Go modules, and puts the bundled `pulumi-resource-pulumi-nodejs` plugin
# next to it.
#
# Order of preference:
#   1. PULUMI_CLI (a path to a pulumi binary) if set;
#   2. a `pulumi` >= 3.181 already on PATH;
#   3. a CLI built earlier into the cache directory;
#   4. build v3.259.0 from the Go module proxy into the cache directory (tens of minutes on 2 cores, once).
#
# With --locate-only, steps 1-3 only: never builds.
# Prints one line on stdout: the directory holding `pulumi` (and the plugin, when that directory is
# writable; scripts/with-toolchain.sh also puts this checkout's copy on PATH for read-only installs).
# Progress goes to stderr. The binary is never written inside the repository.
set -euo pipefail

readonly PULUMI_VERSION="3.259.0"
readonly MIN_VERSION="3.181.0"
readonly CLIPBOARD_REPLACE="github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"

locate_only=false
[ "${1:-}" = "--locate-only" ] && locate_only=true

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool_tag=setup-pulumi
# shellcheck source=scripts/lib/go-tools.sh
. "$repo_root/scripts/lib/go-tools.sh"
cache_root=$(toolchain_cache_root)
cli_dir="$cache_root/pulumi-v$PULUMI_VERSION/bin"

# Prints the first line of `pulumi version`, or nothing when the CLI fails: never exits (under set -e and
# pipefail, a failing `pulumi version` inside $(…) would otherwise end this script silently with its code).
cli_version() {
  local out
  out=$(PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null) || return 0
  out=${out%%$'\n'*}
  printf '%s' "${out//[[:space:]]/}"
}

# The dynamic-provider launcher ships inside @pulumi/pulumi, and the engine finds such bundled plugins
# next to the pulumi binary (or on PATH). It is a copy, not a link: the script resolves
# @pulumi/pulumi from the program's directory at run time, so one copy serves every checkout.
plugin_source="$repo_root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

install_plugin() {
  local dir=$1
  [ -x "$plugin_source" ] || fail "node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs is missing." \
    "Run 'npm ci' in $repo_root first (scripts/setup.sh does both)."
  if [ -w "$dir" ]; then
    cmp -s "$plugin_source" "$dir/pulumi-resource-pulumi-nodejs" 2>/dev/null ||
      install -m 0755 "$plugin_source" "$dir/pulumi-resource-pulumi-nodejs"
  fi
}

use_cli() {
  local bin=$1 dir
  dir=$(cd "$(dirname "$bin")" && pwd)
  # --locate-only runs before every npm script: no second `pulumi version` just for this line.
  if $locate_only; then log "using $bin"; else install_plugin "$dir" && log "using $bin ($(cli_version "$bin"))"; fi
  printf '%s\n' "$dir"
  exit 0
}

tried=()

if [ -n "${PULUMI_CLI:-}" ]; then
  [ -x "$PULUMI_CLI" ] || fail "PULUMI_CLI=$PULUMI_CLI is not an executable file." "Point it at a pulumi binary >= $MIN_VERSION or unset it."
  v=$(cli_version "$PULUMI_CLI")
  [ -n "$v" ] || fail "PULUMI_CLI=$PULUMI_CLI fails 'pulumi version'." "Point it at a working pulumi binary >= $MIN_VERSION or unset it."
  version_at_least "$v" "$MIN_VERSION" || fail "PULUMI_CLI=$PULUMI_CLI reports version '$v', need >= $MIN_VERSION."
  use_cli "$PULUMI_CLI"
fi

if on_path=$(command -v pulumi 2>/dev/null); then
  v=$(cli_version "$on_path")
  if version_at_least "${v:-0}" "$MIN_VERSION"; then use_cli "$on_path"; fi
  if [ -z "$v" ]; then
    problem="fails 'pulumi version'"
  else
    problem="reports '$v', need >= $MIN_VERSION"
  fi
  tried+=("pulumi on PATH ($on_path) $problem")
  log "ignoring the pulumi on PATH ($on_path): it $problem; looking for a cached build"
else
  tried+=("no pulumi on PATH")
fi

# Our own build, moved into place only once built: --locate-only trusts it without starting it.
if [ -x "$cli_dir/pulumi" ] && { $locate_only || [ "$(cli_version "$cli_dir/pulumi")" = "v$PULUMI_VERSION" ]; }; then
  use_cli "$cli_dir/pulumi"
fi
tried+=("no cached build at $cli_dir")
if $locate_only; then
  fail "no Pulumi CLI found." "${tried[@]}" "Fix: run 'npm run setup' (builds v$PULUMI_VERSION once) or install Pulumi >= $MIN_VERSION."
fi

mkdir -p "$cache_root/pulumi-v$PULUMI_VERSION"
take_build_lock "$cache_root/pulumi-v$PULUMI_VERSION/build.lock" "v$PULUMI_VERSION"
if [ -x "$cli_dir/pulumi" ] && [ "$(cli_version "$cli_dir/pulumi")" = "v$PULUMI_VERSION" ]; then
  use_cli "$cli_dir/pulumi"
fi
require_go "1.25.11" "Pulumi >= $MIN_VERSION (https://www.pulumi.com/docs/install/, or set PULUMI_CLI)" "${tried[@]}"

build_dir="$cache_root/pulumi-v$PULUMI_VERSION/module"
mkdir -p "$build_dir" "$cli_dir"
build_log="$cache_root/pulumi-v$PULUMI_VERSION/build.log"
log "building Pulumi CLI v$PULUMI_VERSION from the Go module proxy with $go_version (first time only; ~15-40 min on 2 cores)"
log "build log: $build_log"

# pkg/go.mod replaces sdk with ../sdk and swaps the clipboard module, so `go install pkg@version` is
# refused; a wrapper module that requires pkg (kept alive by the tool directive) builds the same graph.
cat >"$build_dir/go.mod" <<GOMOD
module example.invalid/pulumi-cli

go 1.25.11

require github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION

tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

replace github.com/atotto/clipboard => $CLIPBOARD_REPLACE
GOMOD

started=$(date +%s)
(
  cd "$build_dir"
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local
  "$go_bin" mod tidy
  # Tags and ldflags as in pulumi's .goreleaser.yml; the version ldflag is what `pulumi version`
  # prints, and the Automation API refuses a CLI whose version it cannot parse.
  "$go_bin" build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$cli_dir/pulumi.partial.$$" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >"$build_log" 2>&1 || {
  tail -n 15 "$build_log" >&2 || true
  fail "building the Pulumi CLI v$PULUMI_VERSION failed (full log: $build_log)." "${tried[@]}" \
    "Fix: install Pulumi >= $MIN_VERSION on PATH (https://www.pulumi.com/docs/install/) or set PULUMI_CLI, then re-run."
}
mv "$cli_dir/pulumi.partial.$$" "$cli_dir/pulumi"
log "built in $(( $(date +%s) - started )) s"
use_cli "$cli_dir/pulumi"
