# Shared by the scripts that find, or build once from the Go module proxy, a tool the project needs
# (setup-pulumi.sh, setup-language-host.sh, setup-actionlint.sh). Source it after setting `tool_tag`
# (the prefix of every line printed, e.g. "setup-pulumi").

log() { printf '[%s] %s\n' "$tool_tag" "$*" >&2; }

# fail MESSAGE [DETAIL...]: prints the message, then each detail indented, and exits 1.
fail() {
  printf '[%s] error: %s\n' "$tool_tag" "$1" >&2
  shift
  for line in "$@"; do printf '[%s]   %s\n' "$tool_tag" "$line" >&2; done
  exit 1
}

# version_at_least A B: true when semver A >= B (plain X.Y.Z, an optional leading v and suffix ignored).
version_at_least() {
  local a=${1#v} b=${2#v}
  a=${a%%[-+]*}; b=${b%%[-+]*}
  [ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" = "$b" ]
}

# The toolchain cache, outside the repository.
toolchain_cache_root() {
  printf '%s' "${POLAR_WEBHOOKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/polar-webhooks-as-code}"
}

# take_build_lock FILE WHAT: holds an exclusive lock on FILE (fd 9) for the rest of the script, so two runs
# at once (npm test and CI steps, or two worktrees) never build into the same place; the second waits.
take_build_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$1"
  if ! flock -n 9; then
    log "another run is building $2; waiting for it"
    flock 9
  fi
}

# require_go MIN_VERSION WHAT [TRIED...]: sets go_bin and go_version, or fails saying how to get WHAT
# without Go.
require_go() {
  local min=$1 what=$2
  shift 2
  go_bin=$(command -v go 2>/dev/null || true)
  [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go
  [ -n "$go_bin" ] || fail "cannot find or build $what." "$@" "no Go toolchain (need Go >= $min) to build it" \
    "Fix: install $what yourself, or install Go >= $min, then re-run 'npm run setup'."
  go_version=$("$go_bin" env GOVERSION 2>/dev/null || echo unknown)
  version_at_least "${go_version#go}" "$min" ||
    fail "cannot build $what: $go_bin is $go_version, need >= go$min." "$@" "Fix: install $what yourself, or a newer Go."
}
