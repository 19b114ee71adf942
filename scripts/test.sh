#!/usr/bin/env bash
# The whole suite: type-check everything, then node's test runner over every test file.
# Node 20's runner takes no globs, so the shell expands the list.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.test.json
shopt -s nullglob globstar
files=(test/**/*.test.ts)
exec node --import tsx --test "${files[@]}"
