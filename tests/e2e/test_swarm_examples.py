"""End to end: `kimi-code refactor js-to-ts` on a copy of examples/ with the bundled local model.

Needs `make setup` (llama.cpp engine and the bundled model). Whatever the model manages, the
swarm's guarantees must hold: a result is applied only if it is no worse than before, and a
result that is not applied leaves every file as it was.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {".kimi", "node_modules"} & set(p.parts)
    }


def test_refactor_examples_with_the_local_model(tmp_path: Path) -> None:
    work = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", work, ignore=shutil.ignore_patterns("node_modules"))
    before = _tree(work)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kimi_code",
            "refactor",
            "js-to-ts",
            str(work),
            "--agents",
            "4",
            "--yes",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    summary = json.loads(proc.stdout or "{}")
    assert "error" not in summary and summary, proc.stderr[-2000:]
    assert summary["recipe"] == "js-to-ts" and summary["files"] > 0
    assert summary["tool_calls"] <= 1500
    if summary["applied"]:
        assert summary["tsc_errors_after"] <= summary["tsc_errors_before"]
        assert summary["tests"] != "failed"
        assert any(p.endswith(".ts") for p in _tree(work))
    else:
        assert _tree(work) == before
