"""StagedWorkspace and sandbox: staging, ownership, staleness, materialize."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.edits.sandbox import relative_to_root, resolve_inside
from kimi_code.errors import OwnershipConflict, SandboxViolation, StaleWriteError, UserInputError
from kimi_code.model.changes import FileChange, content_hash


@pytest.fixture
def ws(tmp_path: Path) -> StagedWorkspace:
    root = tmp_path / "ws"
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "a.js").write_text("const a = 1;\n")
    (root / "b.js").write_text("module.exports = 2;\n")
    (root / "node_modules" / "dep").mkdir(parents=True)
    (root / "node_modules" / "dep" / "index.js").write_text("x")
    return StagedWorkspace(root)


def edit(ws: StagedWorkspace, path: str, text: str, new_path: str | None = None) -> FileChange:
    return FileChange(path, text, content_hash(ws.read_text(path)), new_path=new_path)


def test_staged_text_is_read_back_and_disk_untouched(ws: StagedWorkspace) -> None:
    ws.stage(edit(ws, "lib/a.js", "const a: number = 1;\n", "lib/a.ts"), owner="A")
    assert ws.read_text("lib/a.ts") == "const a: number = 1;\n"
    assert not ws.exists("lib/a.js")
    assert (ws.root / "lib" / "a.js").read_text() == "const a = 1;\n"
    assert "lib/a.ts" in ws.files() and "lib/a.js" not in ws.files()
    assert "node_modules/dep/index.js" not in ws.files()


def test_successive_edits_merge_into_one_change(ws: StagedWorkspace) -> None:
    ws.stage(edit(ws, "lib/a.js", "one\n", "lib/a.ts"), owner="A")
    ws.stage(edit(ws, "lib/a.ts", "two\n"), owner="A")
    (change,) = ws.changeset().changes
    assert (change.path, change.new_path, change.new_text) == ("lib/a.js", "lib/a.ts", "two\n")
    assert change.old_hash == content_hash("const a = 1;\n")


def test_second_owner_is_refused(ws: StagedWorkspace) -> None:
    ws.claim("b.js", "A")
    with pytest.raises(OwnershipConflict, match="owned by agent A"):
        ws.stage(edit(ws, "b.js", "x"), owner="B")
    with pytest.raises(OwnershipConflict):
        ws.claim("b.js", "B")


def test_stale_disk_write_is_refused(ws: StagedWorkspace) -> None:
    read = content_hash(ws.read_text("b.js"))
    (ws.root / "b.js").write_text("changed by the user\n")
    with pytest.raises(StaleWriteError, match="b.js"):
        ws.stage(FileChange("b.js", "x", read))


def test_the_view_keeps_the_disk_it_first_read(ws: StagedWorkspace) -> None:
    # a run's base is the disk as it first read it (listing and texts, read once); a file the
    # user changes meanwhile is caught when a change to it is staged
    assert ws.files() == ["b.js", "lib/a.js"]
    before = ws.read_text("b.js")
    (ws.root / "b.js").write_text("changed by the user\n")
    (ws.root / "c.js").write_text("added by the user\n")
    assert (ws.read_text("b.js"), ws.files()) == (before, ["b.js", "lib/a.js"])
    with pytest.raises(StaleWriteError, match="changed on disk since the agent read it"):
        ws.stage(edit(ws, "b.js", "x\n"))
    assert (ws.root / "b.js").read_text() == "changed by the user\n"


def test_stale_staged_write_is_refused(ws: StagedWorkspace) -> None:
    first = edit(ws, "b.js", "first\n")
    ws.stage(first)
    with pytest.raises(StaleWriteError):
        ws.stage(FileChange("b.js", "second\n", first.old_hash))


def test_rename_onto_existing_file_is_refused(ws: StagedWorkspace) -> None:
    with pytest.raises(StaleWriteError, match="exists on disk"):
        ws.stage(edit(ws, "lib/a.js", "x", "b.js"))


def test_noop_change_is_dropped(ws: StagedWorkspace) -> None:
    ws.stage(edit(ws, "b.js", "module.exports = 2;\n"))
    assert ws.changeset().changes == ()


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x", "", "a\\..\\b", "a\x00b"])
def test_sandbox_refuses_escapes(ws: StagedWorkspace, bad: str) -> None:
    with pytest.raises(SandboxViolation):
        ws.read_text(bad)


def test_symlink_leading_outside_is_refused(ws: StagedWorkspace, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    os.symlink(outside, ws.root / "link.js")
    os.symlink(tmp_path, ws.root / "linkdir")
    with pytest.raises(SandboxViolation):
        ws.read_text("link.js")
    with pytest.raises(SandboxViolation):
        resolve_inside(ws.root, "linkdir/new.js")
    with pytest.raises(SandboxViolation):
        relative_to_root(ws.root, outside)


def test_binary_and_non_utf8_are_clear_errors(ws: StagedWorkspace) -> None:
    (ws.root / "img.js").write_bytes(b"\x89PNG\x00\x00")
    (ws.root / "latin.js").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(UserInputError, match="img.js: binary"):
        ws.read_text("img.js")
    with pytest.raises(UserInputError, match="latin.js: not valid UTF-8"):
        ws.read_text("latin.js")


def test_materialize_writes_staged_view_and_links_node_modules(
    ws: StagedWorkspace, tmp_path: Path
) -> None:
    ws.stage(edit(ws, "lib/a.js", "ts\n", "lib/a.ts"))
    ws.stage(FileChange("b.js", None, content_hash(ws.read_text("b.js"))))
    out = ws.materialize(tmp_path / "copy")
    assert (out / "lib" / "a.ts").read_text() == "ts\n"
    assert not (out / "lib" / "a.js").exists() and not (out / "b.js").exists()
    assert (out / "node_modules").is_symlink()
    assert (out / "node_modules" / "dep" / "index.js").read_text() == "x"


def test_huge_file_is_refused_before_reading(ws: StagedWorkspace) -> None:
    from kimi_code.edits.overlay import MAX_FILE_BYTES

    with open(ws.root / "huge.js", "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(UserInputError, match="huge.js: too large"):
        ws.read_text("huge.js")
