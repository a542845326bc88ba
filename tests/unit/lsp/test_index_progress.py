"""Index progress with counts: the per-file callback path of `IndexKeeper` (unit, no LSP)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kimi_code.index
from kimi_code.lsp.indexing import _build_reporting


class Recorder:
    """Stands in for `WorkProgress`: records each report."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, int | None]] = []

    def report(self, message: str, percentage: int | None = None) -> None:
        self.reports.append((message, percentage))


async def test_engine_callback_becomes_count_reports(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def build_index(root: Path, *, on_progress: Any = None) -> str:
        for done in range(1, 41):
            on_progress(done, 40)
        return f"index of {root.name}"

    monkeypatch.setattr(kimi_code.index, "build_index", build_index)
    progress = Recorder()
    assert await _build_reporting(tmp_path, 40, progress) == f"index of {tmp_path.name}"  # type: ignore[arg-type]
    messages = [m for m, _p in progress.reports]
    assert messages[0] == "2/40 files" and messages[-1] == "40/40 files"
    assert len(messages) == 20
    percentages = [p or 0 for _m, p in progress.reports]
    assert percentages == sorted(percentages) and percentages[-1] == 100


async def test_engine_without_callback_still_builds(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("export const a = 1;\n")
    progress = Recorder()
    index = await _build_reporting(tmp_path, 1, progress)  # type: ignore[arg-type]
    assert list(index.files) == ["a.js"]
