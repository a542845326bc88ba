"""Run a Node script against the JS->TS helper's modules and read its JSON answer (tests)."""

from __future__ import annotations

import json
import shutil
import subprocess

from kimi_code.recipes.js_to_ts.helper import NODE_DIR


def run_node(script: str, *args: str) -> dict[str, object]:
    """`node -e script args...` in the helper's folder (its `require`s resolve there)."""
    node = shutil.which("node")
    assert node is not None
    out = subprocess.run(
        [node, "-e", script, *args],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result
