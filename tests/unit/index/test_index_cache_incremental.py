"""The on-disk cache, incremental edits, whole-text updates and graph maintenance."""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path

import pytest
from index_helpers import MakeWorkspace

from kimi_code.errors import WorkspaceError
from kimi_code.index import build, build_index
from kimi_code.index.cache import CACHE_FILE
from kimi_code.index.extract import index_source
from kimi_code.index.incremental import Document, point_at

FILES: dict[str, str | bytes] = {
    "a.js": "const b = require('./b');\nexports.run = function (x) { return b.go(x); };\n",
    "b.js": "exports.go = function (y) { return y; };\n",
    "c.ts": "export function c(n: number = 1): number { return n; }\n",
}


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the build actually parses."""
    seen: list[str] = []
    real = build.index_file_bytes

    def spy(data: bytes, language: str) -> object:
        seen.append(data.decode())
        return real(data, language)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "index_file_bytes", spy)
    return seen


def test_warm_index_reads_nothing_and_matches_cold(
    make_workspace: MakeWorkspace, parsed: list[str]
) -> None:
    root = make_workspace(FILES)
    cold = build_index(root)
    assert len(parsed) == 3 and (root / CACHE_FILE).is_file()
    parsed.clear()
    warm = build_index(root)
    assert parsed == []
    assert dict(warm.files) == dict(cold.files)
    assert warm.dependencies("a.js") == ["b.js"]


def test_changed_file_is_reparsed_alone(make_workspace: MakeWorkspace, parsed: list[str]) -> None:
    root = make_workspace(FILES)
    build_index(root)
    parsed.clear()
    (root / "b.js").write_text("exports.go = function (y, z) { return y; };\n")
    index = build_index(root)
    assert len(parsed) == 1
    assert [p.name for p in index.files["b.js"].symbols[0].params] == ["y", "z"]


def test_corrupt_cache_is_ignored(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(FILES)
    build_index(root)
    (root / CACHE_FILE).write_bytes(b"not a cache")
    assert len(build_index(root).files) == 3


def test_no_cache_writes_nothing(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(FILES)
    build_index(root, cache=False)
    assert not (root / ".kimi").exists()


def test_random_edits_equal_a_full_reparse(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(FILES)
    index = build_index(root, cache=False)
    text = (root / "a.js").read_bytes()
    rng = random.Random(7)
    for _ in range(40):
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.randrange(4))
        insert = rng.choice(["", "x", "(", "}", "\n", "function f(q) {}\n", "é"]).encode()
        index.edit_file("a.js", start, end, insert)
        text = text[:start] + insert + text[end:]
        assert index.records["a.js"] == index_source(text, "javascript")


def test_update_file_equals_full_reparse_and_rewires_the_graph(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace(FILES)
    index = build_index(root, cache=False)
    new = "import { c } from './c';\nexport const run = (x) => c(x);\n"
    updated = index.update_file("a.js", new)
    assert index.records["a.js"] == index_source(new.encode(), "javascript")
    assert updated.module_kind == "esm"
    assert index.dependencies("a.js") == ["c.ts"]
    assert index.dependents("b.js") == []
    assert index.dependents("c.ts") == ["a.js"]
    assert [(r.file, r.call_args) for r in index.references("c.ts", "c")] == [("a.js", ("x",))]


def test_new_file_resolves_earlier_failures(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"a.js": "const n = require('./new');\n"})
    index = build_index(root, cache=False)
    assert index.files["a.js"].imports[0].unresolved_reason is not None
    index.update_file("new.js", "module.exports = 1;\n")
    assert index.files["a.js"].imports[0].resolved == "new.js"
    index.remove_file("new.js")
    assert index.dependents("new.js") == []
    assert index.files["a.js"].imports[0].resolved is None


def test_edit_out_of_range_is_refused(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    with pytest.raises(ValueError, match="outside"):
        index.edit_file("b.js", 5, 10_000, "x")


def test_touched_but_unchanged_file_is_reused_by_content_hash(
    make_workspace: MakeWorkspace, parsed: list[str]
) -> None:
    root = make_workspace(FILES)
    build_index(root)
    parsed.clear()
    stat = (root / "b.js").stat()
    os.utime(root / "b.js", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    index = build_index(root)
    assert parsed == []
    assert index.files["b.js"].exports[0].name == "go"


def test_worker_processes_give_the_same_index(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: dict[str, str | bytes] = {
        f"src/m{i}.js": f"const n = require('./m{(i + 1) % 12}');\nexports.f{i} = (a) => n;\n"
        for i in range(12)
    }
    root = make_workspace({**files, "src/bin.js": b"\0\0binary"})
    serial = build_index(root, cache=False, jobs=1)
    monkeypatch.setattr(build, "_POOL_MIN_FILES", 0)
    monkeypatch.setattr(build, "_POOL_MIN_BYTES", 0)
    monkeypatch.setattr(build, "_MIN_CHUNK_BYTES", 1)
    parallel = build_index(root, cache=False, jobs=2)
    assert dict(parallel.files) == dict(serial.files)
    assert parallel.skipped["src/bin.js"] == "binary"
    assert parallel.dependents("src/m0.js") == ["src/m11.js"]


def test_paths_outside_the_workspace_and_non_sources_are_refused(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    with pytest.raises(WorkspaceError, match="outside the workspace"):
        index.update_file("../escape.js", "x")
    with pytest.raises(WorkspaceError, match="outside the workspace"):
        index.dependencies(tmp_path / "elsewhere.js")
    with pytest.raises(WorkspaceError, match="not a JavaScript"):
        index.update_file("notes.md", "# hi")


def test_document_offsets_and_points() -> None:
    document = Document("javascript", "const a = 1;\nlet b = 'é';\n".encode())
    assert document.offset_at(1, 4) == 17
    assert document.offset_at(1, 99) == 26  # clamped to the end of the line
    assert document.offset_at(9, 0) == len(document.data)
    assert point_at(document.data, 17) == (1, 4)


def test_building_from_a_thread_uses_safe_worker_processes(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The language server builds in a worker thread: no fork of a threaded process."""
    root = make_workspace({f"m{i}.js": f"exports.f{i} = (a) => a;\n" for i in range(6)})
    monkeypatch.setattr(build, "_POOL_MIN_FILES", 0)
    monkeypatch.setattr(build, "_POOL_MIN_BYTES", 0)
    monkeypatch.setattr(build, "_MIN_CHUNK_BYTES", 1)
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(build_index(root, cache=False, jobs=2)))
    worker.start()
    worker.join(timeout=120)
    (index,) = result
    assert len(index.files) == 6  # type: ignore[attr-defined]
