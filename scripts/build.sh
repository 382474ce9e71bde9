#!/usr/bin/env bash
# Builds the `caro` binary for each platform with `deno compile`, embedding the
# bundled skills (skills/) and compiled with the same permission flags that
# `deno task caro` uses. Needs a network to fetch each target's runtime
# (denort), or DENORT_BIN pointing at a denort binary for a single target.
#
#   bash scripts/build.sh                 # every target, into dist/
#   bash scripts/build.sh x86_64-unknown-linux-gnu
#   DENORT_BIN=/path/to/denort bash scripts/build.sh x86_64-unknown-linux-gnu
set -euo pipefail
cd "$(dirname "$0")/.."

PERMISSIONS=(--allow-read --allow-write --allow-env --allow-net --allow-run --allow-sys)
ALL_TARGETS=(
  x86_64-unknown-linux-gnu
  aarch64-unknown-linux-gnu
  x86_64-apple-darwin
  aarch64-apple-darwin
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
if [ -n "${DENORT_BIN:-}" ] && [ ${#targets[@]} -ne 1 ]; then
  echo "DENORT_BIN is one target's runtime: name that one target" >&2
  exit 64
fi

version=$(deno eval 'console.log(JSON.parse(Deno.readTextFileSync("deno.json")).version)')
mkdir -p dist
for target in "${targets[@]}"; do
  out="dist/caro-${version}-${target}"
  echo "--- ${target} -> ${out}" >&2
  deno compile "${PERMISSIONS[@]}" --include skills --target "$target" --output "$out" \
    src/cli/main.ts
  (cd dist && sha256sum "$(basename "$out")" >"$(basename "$out").sha256")
done
echo "Built ${#targets[@]} target(s) into dist/" >&2
