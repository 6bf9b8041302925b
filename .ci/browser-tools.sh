#!/usr/bin/env bash
# Installs what the console's browser test (ConsoleBrowserTest) drives: Debian's Chromium (apt) when
# /usr/bin/chromium is missing, and the pinned playwright-core (npm) into target/browser when missing or
# at another version. Prints the directory holding node_modules/playwright-core.
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYWRIGHT_CORE_VERSION=1.64.1
dir=target/browser
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null
fi
if ! command -v npm >/dev/null; then
  apt-get update -qq >/dev/null && apt-get install -y -qq nodejs npm >/dev/null
fi
have=$(node -p "require('./$dir/node_modules/playwright-core/package.json').version" 2>/dev/null || true)
if [ "$have" != "$PLAYWRIGHT_CORE_VERSION" ]; then
  mkdir -p "$dir"
  # playwright-core is the driver only: it downloads no browser; the test launches /usr/bin/chromium
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_CORE_VERSION" >&2
fi
echo "$PWD/$dir"
