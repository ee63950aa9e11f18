#!/usr/bin/env bash
# Runs a command with the project's toolchain: Node 22 from node_modules (the `node` devDependency),
# the Pulumi CLI, its Node.js language host and actionlint located by scripts/setup-pulumi.sh,
# scripts/setup-language-host.sh and scripts/setup-actionlint.sh
# (never built here: that is `npm run setup`), and Pulumi's offline settings. npm already puts
# node_modules/.bin first on PATH; this also works when called directly.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$repo_root/node_modules/.bin:$PATH"

if cli_dir=$(bash "$repo_root/scripts/setup-pulumi.sh" --locate-only 2>/dev/null); then
  export PATH="$cli_dir:$PATH"
fi
# Pulumi's Node.js language host, for plain `pulumi up/preview/refresh/destroy` of a TypeScript program
# (an official CLI ships it next to `pulumi`; set-up builds it for a CLI built here).
if host_dir=$(PULUMI_CLI_DIR=${cli_dir:-} bash "$repo_root/scripts/setup-language-host.sh" --locate-only 2>/dev/null); then
  export PATH="$host_dir:$PATH"
elif [ "${1:-}" = "pulumi" ]; then
  case " ${*:2} " in
    *" up "* | *" update "* | *" preview "* | *" watch "* | *" --run-program "*)
      echo "error: 'pulumi ${2:-}' runs the program, which needs Pulumi's Node.js language host (pulumi-language-nodejs); none was found. Run 'npm run setup' (builds it once from the Go module proxy), or install the official Pulumi CLI, which ships it." >&2
      exit 1
      ;;
  esac
fi
# actionlint for the workflow tests, located the same way (set-up builds it).
if actionlint_dir=$(bash "$repo_root/scripts/setup-actionlint.sh" --locate-only 2>/dev/null); then
  export PATH="$actionlint_dir:$PATH"
fi
# The engine starts the nodejs dynamic-provider host through this launcher, looked up next to the CLI
# (setup puts a copy there) or on PATH (for a CLI in a read-only place).
if [ -z "${cli_dir:-}" ] || [ ! -x "$cli_dir/pulumi-resource-pulumi-nodejs" ]; then
  export PATH="$repo_root/node_modules/@pulumi/pulumi:$PATH"
fi

export PULUMI_SKIP_UPDATE_CHECK=true
# Every engine operation starts Node processes (the provider host, the program) that load the same
# modules: V8's on-disk code cache saves ~15 % of their CPU [measured, test/engine/smoke.test.ts].
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-${POLAR_WEBHOOKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/polar-webhooks-as-code}/node-compile-cache}"

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 22 ]; then
  echo "error: Node $(node --version) found; this project needs Node >= 22. Run 'npm ci' (the node@22 devDependency provides it)." >&2
  exit 1
fi
exec "$@"
