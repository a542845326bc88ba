#!/usr/bin/env bash
# Installs the JS->TS recipe's Node helper packages (typescript@5 language service, the native
# typescript@7 compiler, @types/node) from its committed package-lock.json with `npm ci`.
set -euo pipefail
VENV="${VENV:-.venv}"
dir="kimi_code/recipes/js_to_ts/node"
stamp="$VENV/.stamps/node-tools"
hash=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -d "$dir/node_modules/typescript" ]; then
  exit 0
fi
command -v node >/dev/null || { echo "setup: node (>= 20) is required for the JS->TS recipe" >&2; exit 1; }
echo "setup: node tools for the JS->TS recipe ($dir)"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p "$VENV/.stamps"
echo "$hash" > "$stamp"
