#!/usr/bin/env bash
# Installs the pinned command-line clients the end-to-end tests drive (Claude Code, from npm) into
# target/cli, when missing or at another version, and prints the path of the claude binary.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAUDE_CODE_VERSION=2.1.332
dir=target/cli
bin="$dir/node_modules/.bin/claude"
if [ ! -x "$bin" ] || ! "$bin" --version 2>/dev/null | grep -q "^$CLAUDE_CODE_VERSION "; then
  if ! command -v npm >/dev/null; then
    apt-get update -qq >/dev/null && apt-get install -y -qq nodejs npm >/dev/null
  fi
  mkdir -p "$dir"
  # its native binary comes as an optional dependency: not --omit=optional
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >&2
fi
echo "$PWD/$bin"
