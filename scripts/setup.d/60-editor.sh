#!/usr/bin/env bash
# The VS Code extension (.vsix) and the real-editor test tools (code-server, Node 24,
# playwright-core, chromium); scripts/setup-editor.sh caches every step.
set -euo pipefail
exec bash "$(dirname "$0")/../setup-editor.sh"
