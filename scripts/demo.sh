#!/usr/bin/env bash
# The main job on the embedded default: index the bundled example project and print the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
"$VENV/bin/kimi-code" index examples
