#!/usr/bin/env bash
# Installs the pinned command-line clients the end-to-end tests drive (Claude Code and the Gemini CLI,
# from npm) into target/cli, when missing or at another version, and prints `export` lines naming
# their binaries (SLUICE_CLAUDE_BIN, SLUICE_GEMINI_BIN) for .ci/run to eval.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAUDE_CODE_VERSION=2.1.332
GEMINI_CLI_VERSION=0.61.0
dir=target/cli
claude="$dir/node_modules/.bin/claude"
gemini="$dir/node_modules/.bin/gemini"
if ! command -v npm >/dev/null; then
  apt-get update -qq >/dev/null && apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p "$dir"
if [ ! -x "$claude" ] || ! "$claude" --version 2>/dev/null | grep -q "^$CLAUDE_CODE_VERSION "; then
  # its native binary comes as an optional dependency: not --omit=optional
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >&2
fi
if [ ! -x "$gemini" ] || [ "$("$gemini" --version 2>/dev/null)" != "$GEMINI_CLI_VERSION" ]; then
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@google/gemini-cli@$GEMINI_CLI_VERSION" >&2
fi
echo "export SLUICE_CLAUDE_BIN=$PWD/$claude"
echo "export SLUICE_GEMINI_BIN=$PWD/$gemini"
