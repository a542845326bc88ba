"""convert.py: positions, line edits and workspace edits for every client capability."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from kimi_code.lsp.convert import (
    ClientEditSupport,
    DocumentSnapshot,
    byte_col_to_utf16,
    line_edits,
    span_to_range,
    workspace_edit,
)
from kimi_code.model.changes import FileChange, content_hash

ROOT = Path("/ws")
FULL = ClientEditSupport(True, frozenset({"create", "rename", "delete"}), True)


def _apply(old: str, edits: list[tuple[lsp.Range, str]]) -> str:
    lines = old.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(pos: lsp.Position) -> int:
        return offsets[pos.line] + pos.character if pos.line < len(offsets) else len(old)

    for rng, text in reversed(edits):
        old = old[: offset(rng.start)] + text + old[offset(rng.end) :]
    return old


def test_byte_columns_become_utf16_units() -> None:
    line = "const s = '€😀' + x;"
    byte_col = len("const s = '€😀' + ".encode())
    assert byte_col_to_utf16(line, byte_col) == len("const s = '€") + 2 + len("' + ")
    rng = span_to_range("a\n" + line, (1, byte_col), (1, byte_col + 1))
    assert (rng.start.line, rng.start.character, rng.end.character) == (1, 18, 19)


def test_line_edits_reproduce_the_new_text() -> None:
    cases = [
        ("a\nb\nc\n", "a\nB\nc\nd\n"),
        ("a\nb", "a\nb\nc"),  # no trailing newline
        ("", "new\n"),
        ("x\ny\n", ""),
        ("héllo 😀\nz\n", "// header\nhéllo 😀\nz\n"),
    ]
    for old, new in cases:
        edits = line_edits(old, new)
        if "😀" not in old:  # _apply counts code points; fine for BMP-only text
            assert _apply(old, edits) == new, (old, new)
    header = line_edits("héllo 😀\nz\n", "// header\nhéllo 😀\nz\n")
    assert [(r.start.line, r.end.line, t) for r, t in header] == [(0, 0, "// header\n")]


def test_rename_goes_first_then_annotated_edits_on_the_new_uri() -> None:
    old = "const a = 1;\n"
    change = FileChange("src/a.js", "const a: number = 1;\n", content_hash(old), "src/a.ts")
    plain = FileChange("src/b.ts", "let b = 2;\n", content_hash("let b = 1;\n"))
    snaps = {
        "src/a.js": DocumentSnapshot(old, 3),
        "src/b.ts": DocumentSnapshot("let b = 1;\n", 5),
    }
    edit, skipped = workspace_edit(ROOT, [change, plain], snaps, FULL, "Kimi")
    assert skipped == {}
    rename, text_edit, b_edit = edit.document_changes
    assert isinstance(rename, lsp.RenameFile) and rename.new_uri == "file:///ws/src/a.ts"
    assert isinstance(text_edit, lsp.TextDocumentEdit)
    assert text_edit.text_document.uri == "file:///ws/src/a.ts"
    assert isinstance(text_edit.edits[0], lsp.AnnotatedTextEdit)
    assert b_edit.text_document.version == 5  # a file edited in place keeps its version
    assert edit.change_annotations["kimiCode.swarm"].needs_confirmation is True


def test_creation_and_deletion() -> None:
    create = FileChange("tsconfig.json", "{}\n", None)
    delete = FileChange("old.js", None, content_hash("x"))
    snaps = {"old.js": DocumentSnapshot("x", None)}
    edit, _ = workspace_edit(ROOT, [create, delete], snaps, FULL, "Kimi")
    kinds = [type(c).__name__ for c in edit.document_changes]
    assert kinds == ["CreateFile", "TextDocumentEdit", "DeleteFile"]


def test_fallbacks_without_annotations_or_document_changes() -> None:
    old = "a\n"
    plain_change = FileChange("a.js", "b\n", content_hash(old))
    rename = FileChange("c.js", "c\n", content_hash("c\n"), "c.ts")
    snaps = {"a.js": DocumentSnapshot(old, None), "c.js": DocumentSnapshot("c\n", None)}
    no_annotations = ClientEditSupport(True, frozenset({"rename"}), False)
    edit, _ = workspace_edit(ROOT, [plain_change], snaps, no_annotations, "Kimi")
    assert edit.change_annotations is None
    assert type(edit.document_changes[0].edits[0]) is lsp.TextEdit
    legacy = ClientEditSupport(False, frozenset(), False)
    edit, skipped = workspace_edit(ROOT, [plain_change, rename], snaps, legacy, "Kimi")
    assert list(edit.changes) == ["file:///ws/a.js"] and edit.document_changes is None
    assert "rename" in skipped["c.js"]


def test_client_capabilities_are_read() -> None:
    caps = lsp.ClientCapabilities(
        workspace=lsp.WorkspaceClientCapabilities(
            workspace_edit=lsp.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[lsp.ResourceOperationKind.Rename],
                change_annotation_support=lsp.ChangeAnnotationsSupportOptions(groups_on_label=True),
            )
        )
    )
    support = ClientEditSupport.from_capabilities(caps)
    assert support == ClientEditSupport(True, frozenset({"rename"}), True)
    assert ClientEditSupport.from_capabilities(lsp.ClientCapabilities()).document_changes is False
