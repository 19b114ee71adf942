#!/usr/bin/env bash
# `npm test`: installs and starts what the suite needs (scripts/install.sh, quick when done
# already), type-checks everything, then runs every test file under node's test runner.
#
# The terminal gets only the report (test/helpers/compactReporter.mjs): a dot per passing test,
# each failure in full, the totals, and last a line `N passed, N failed`. What the tests write
# (the engine's logs, including those of tests that fail on purpose) goes to
# test-output/engine.log, and the runner's full TAP report to test-output/report.tap.
# The exit code is the runner's: non-zero when any test fails.
#
#   npm test -- FILE...         run only these test files
#   DSTREAM_TEST_NO_INSTALL=1   skip the install step (the services are known to be running)
set -euo pipefail
cd "$(dirname "$0")/.."
out=test-output
mkdir -p "$out"
: >"$out/engine.log"

if [[ -z "${DSTREAM_TEST_NO_INSTALL:-}" ]]; then
  echo "Preparing the test services (Debian packages, chromium, Kafka): log in $out/install.log"
  if ! bash scripts/install.sh --skip-npm >"$out/install.log" 2>&1; then
    tail -30 "$out/install.log" >&2
    echo "scripts/install.sh failed; its full output is in $out/install.log" >&2
    exit 1
  fi
fi

echo "Type-checking (tsc -p tsconfig.test.json)"
npx tsc -p tsconfig.test.json

# Node 20's runner takes no globs, so the shell expands the list.
shopt -s nullglob globstar
files=(test/**/*.test.ts)
# `npm test -- test/core/a.test.ts ...` runs just those files, with the same report.
if (($# > 0)); then files=("$@"); fi
echo "Running ${#files[@]} test files"
export DSTREAM_TEST_LOG="$out/engine.log"
exec node --import tsx --test \
  --test-reporter=./test/helpers/compactReporter.mjs --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$out/report.tap" \
  "${files[@]}"
