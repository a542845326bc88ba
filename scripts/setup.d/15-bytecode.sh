#!/usr/bin/env bash
# Compiles the package's modules to bytecode. pip does that when it installs a wheel, not for
# an editable install, and where PYTHONDONTWRITEBYTECODE is set Python never writes it: every
# `kimi-code` run compiled its modules again (70 ms of each). Only changed modules are redone.
set -euo pipefail
VENV="${VENV:-.venv}"
"$VENV/bin/python" -m compileall -q kimi_code >/dev/null
