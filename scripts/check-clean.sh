#!/usr/bin/env bash
# Fails when the checkout (default: this repository) has changes: CI runs it after the tests, which must not
# write into tracked files (e.g. a Pulumi.<stack>.yaml gaining an encryptionsalt) nor leave new files behind.
set -euo pipefail
dir=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

if ! git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "[check-clean] error: $dir is not a git checkout" >&2
  exit 2
fi
changes=$(git -C "$dir" status --porcelain --untracked-files=all)
if [ -n "$changes" ]; then
  echo "[check-clean] error: the run changed the checkout; these files differ from the commit:" >&2
  printf '%s\n' "$changes" | sed 's/^/[check-clean]   /' >&2
  echo "[check-clean]   Fix: write test output to a temporary directory (or .gitignore it), not into the checkout." >&2
  exit 1
fi
echo "[check-clean] the checkout is unchanged"
