"""`build_index(progress=...)`: (files done, files total) reports as chunks land."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable

import pytest
from index_helpers import MakeWorkspace

from kimi_code.index import build_index


def _many(count: int) -> dict[str, str | bytes]:
    # Big enough (files and bytes) to go through the process pool.
    body = "export function f{i}(a, b = 1) {{ return a + b; }}\n" + "// pad\n" * 2000
    files: dict[str, str | bytes] = {f"src/m{i}.js": body.format(i=i) for i in range(count)}
    files["logo.png"] = b"\x89PNG\0"
    return files


def _record(calls: list[tuple[int, int, int]]) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        calls.append((done, total, threading.get_ident()))

    return progress


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_up_to_the_total(make_workspace: MakeWorkspace, jobs: int) -> None:
    root = make_workspace(_many(80))
    calls: list[tuple[int, int, int]] = []
    index = build_index(root, cache=False, jobs=jobs, progress=_record(calls))
    assert len(index.files) == 80
    dones = [done for done, _, _ in calls]
    assert {total for _, total, _ in calls} == {80}
    assert dones[0] == 0 and dones[-1] == 80
    assert dones == sorted(dones) and len(dones) > 2  # several reports, never backwards
    assert {ident for _, _, ident in calls} == {threading.get_ident()}


def test_progress_counts_cache_hits_at_once(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(_many(60))
    build_index(root, jobs=2)
    (root / "src/m0.js").write_text("export const changed = 1;\n")
    calls: list[tuple[int, int, int]] = []
    build_index(root, jobs=2, progress=_record(calls))
    assert [(done, total) for done, total, _ in calls] == [(59, 60), (60, 60)]


def test_progress_from_a_worker_thread(make_workspace: MakeWorkspace) -> None:
    """The language server builds in `asyncio.to_thread`: reports come from that thread."""
    root = make_workspace(_many(60))
    calls: list[tuple[int, int, int]] = []
    thread = threading.Thread(
        target=lambda: build_index(root, cache=False, jobs=2, progress=_record(calls))
    )
    thread.start()
    thread.join(60)
    assert calls and calls[-1][:2] == (60, 60)
    assert {ident for _, _, ident in calls} == {thread.ident}


def test_progress_that_raises_aborts_the_build(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(_many(60))

    def cancel(done: int, total: int) -> None:
        if done:
            raise RuntimeError(f"cancelled at {done}/{total}")

    with pytest.raises(RuntimeError, match="cancelled at"):
        build_index(root, jobs=2, progress=cancel)
    assert multiprocessing.active_children() == []  # the pool is gone, not left running
    assert not (root / ".kimi").exists()


def test_empty_workspace_reports_zero_of_zero(make_workspace: MakeWorkspace) -> None:
    calls: list[tuple[int, int, int]] = []
    build_index(make_workspace({"README.md": "hi\n"}), progress=_record(calls))
    assert [(done, total) for done, total, _ in calls] == [(0, 0)]
