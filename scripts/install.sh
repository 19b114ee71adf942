#!/usr/bin/env bash
# Installs what dstream and its tests need on a fresh machine. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
