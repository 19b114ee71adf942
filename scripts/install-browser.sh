#!/usr/bin/env bash
# Installs the browser that test/ui/browser.test.ts drives: Debian's chromium, run headless by
# playwright-core (an npm devDependency). `npx playwright install` downloads from a CDN that is
# not reachable here, so the browser comes from Debian instead. Safe to run again: nothing is
# installed when /usr/bin/chromium already starts.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "install-browser.sh: $*" >&2; }

# Fonts give the screenshots readable text; chromium alone pulls in only a minimal set.
packages=(chromium fonts-dejavu-core fonts-liberation)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    as_root=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "chromium is installed"
fi

# A package can be installed yet unable to start (a missing shared library): check that it runs.
if ! /usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1; then
  say "/usr/bin/chromium is installed but does not start; run '/usr/bin/chromium --headless --no-sandbox --version' to see why"
  exit 1
fi
say "$(/usr/bin/chromium --version 2>/dev/null)"
