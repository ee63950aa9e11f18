#!/usr/bin/env bash
# `npm run build`, and `npm pack` through prepack: the package's entry points and what they import, compiled to
# CommonJS and declarations in dist/ (tsconfig.build.json), from a clean dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rm -rf dist
tsc -p tsconfig.build.json
# Polar's webhook types, copied whole into the package's declarations (lambda/consumer/polar-sdk.ts says why).
dts-bundle-generator --silent --no-banner --no-check --project tsconfig.json --external-inlines @polar-sh/sdk \
  -o dist/lambda/consumer/polar-sdk.d.ts lambda/consumer/polar-sdk.ts
if grep -qE "(from |import\()[\"']@polar-sh/sdk" -r dist --include='*.d.ts'; then
  echo "[build] error: a declaration in dist/ still imports @polar-sh/sdk, which the package does not depend on" >&2
  exit 1
fi

# What ships is the component, the provider and the Lambda code: an import that pulled in the dev tooling, the
# emulator, the tests or the benchmarks would put them in the tarball.
stray=$(cd dist && find . -type f | grep -Ev '^\./(infra|providers|lambda)/' || true)
if [ -n "$stray" ]; then
  echo "[build] error: dist/ holds files outside infra/, providers/ and lambda/:" >&2
  printf '[build]   %s\n' $stray >&2
  echo "[build]   Fix: the package's entry points must not import them (see tsconfig.build.json)." >&2
  exit 1
fi
echo "[build] dist/: $(find dist -name '*.js' | wc -l | tr -d ' ') modules, $(du -sk dist | cut -f1) KiB"
