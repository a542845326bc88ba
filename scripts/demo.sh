#!/usr/bin/env bash
# The main job on the embedded default: convert a copy of examples/ from JavaScript to
# TypeScript with the bundled local backend (a MoE model on llama.cpp; the JS->TS recipe asks
# only a capable model for types, so this small one is not asked: README, Models), verified
# by the TypeScript compiler and the project's own tests. The original examples/ is never
# touched.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
out=demo-output/examples
rm -rf "$out"
mkdir -p demo-output
cp -R examples "$out"
echo "== index of $out"
"$VENV/bin/kimi-code" index "$out"
echo
echo "== kimi-code refactor js-to-ts $out --yes (bundled local model)"
"$VENV/bin/kimi-code" refactor js-to-ts "$out" --yes
echo
echo "The converted project is in $out (undo with: $VENV/bin/kimi-code undo -C $out)."
