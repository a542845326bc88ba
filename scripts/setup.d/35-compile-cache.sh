#!/usr/bin/env bash
# Keeps V8's compiled code of TypeScript 5 next to the JS->TS helper (node/compile_cache.js):
# each helper then starts without compiling typescript.js again. Done once per TypeScript and
# Node version; a run only reads it.
set -euo pipefail
node kimi_code/recipes/js_to_ts/node/compile_cache.js
