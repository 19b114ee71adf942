#!/usr/bin/env bash
# The whole suite: type-check, build (executors load compiled code from dist/), then node's test runner.
# Node 20's runner takes no globs, so the shell expands the file list.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.test.json
npx tsc -p tsconfig.json
shopt -s nullglob globstar
files=(test/**/*.test.ts)
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
