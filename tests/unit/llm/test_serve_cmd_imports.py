"""`kimi-code serve` must not slow down every other `kimi-code` command at start-up."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("uvicorn", "starlette", "httpx", "numpy", "gguf", "kimi_code.server.app")


def test_registering_serve_imports_nothing_heavy() -> None:
    code = (
        "import argparse, sys\n"
        "from kimi_code.cli import serve_cmd\n"
        "serve_cmd.register(argparse.ArgumentParser().add_subparsers())\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
