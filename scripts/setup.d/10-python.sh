#!/usr/bin/env bash
# Creates .venv and installs the package (editable) with its dev dependencies.
set -euo pipefail
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
stamp="$VENV/.stamps/python"
hash=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -x "$VENV/bin/kimi-code" ]; then
  exit 0
fi
echo "setup: python environment in $VENV"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[dev]"
mkdir -p "$VENV/.stamps"
echo "$hash" > "$stamp"
