#!/usr/bin/env bash
# The whole set-up of a fresh machine: npm dependencies (including the Node 22 binary from the
# `node` devDependency), a Pulumi CLI, Pulumi's Node.js language host (for plain `pulumi up`) and
# actionlint (each found, or built once from the Go module proxy).
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

log() { printf '[setup] %s\n' "$*" >&2; }

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

node_version=$(node_modules/.bin/node --version)
case "$node_version" in
  v2[2-9].*|v[3-9][0-9].*) log "Node $node_version from node_modules/.bin/node" ;;
  *) log "error: node_modules/.bin/node is $node_version, need >= 22; delete node_modules and re-run."; exit 1 ;;
esac

cli_dir=$(bash scripts/setup-pulumi.sh)
log "Pulumi CLI: $cli_dir/pulumi ($(PULUMI_SKIP_UPDATE_CHECK=true "$cli_dir/pulumi" version))"
log "Node.js language host: $(bash scripts/setup-language-host.sh)/pulumi-language-nodejs"
log "actionlint: $(bash scripts/setup-actionlint.sh)/actionlint"
