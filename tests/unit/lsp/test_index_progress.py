"""Index progress with counts: how `IndexKeeper` turns index callbacks into reports (unit)."""

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


async def test_chunk_callbacks_become_count_reports(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = [(0, 1000), (1, 1000), (250, 1000), (500, 1000), (504, 1000), (1000, 1000)]

    def build_index(root: Path, *, progress: Any = None) -> str:
        for done, total in calls:
            progress(done, total)
        return f"index of {root.name}"

    monkeypatch.setattr(kimi_code.index, "build_index", build_index)
    recorder = Recorder()
    assert await _build_reporting(tmp_path, recorder) == f"index of {tmp_path.name}"  # type: ignore[arg-type]
    # 1/1000 and 504/1000 do not move the whole percentage, so they are not reported
    assert recorder.reports == [
        ("0/1000 files", 0),
        ("250/1000 files", 25),
        ("500/1000 files", 50),
        ("1000/1000 files", 100),
    ]


async def test_real_index_reports_and_builds(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("export const a = 1;\n")
    recorder = Recorder()
    index = await _build_reporting(tmp_path, recorder)  # type: ignore[arg-type]
    assert list(index.files) == ["a.js"]
    assert recorder.reports[-1] == ("1/1 files", 100)
