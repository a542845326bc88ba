#!/usr/bin/env bash
# Runs every step in scripts/setup.d/ in name order. Each step is idempotent and fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in scripts/setup.d/*.sh; do
  bash "$step"
done
