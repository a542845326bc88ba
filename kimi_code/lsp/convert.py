"""Conversions between core values and LSP types (adapter layer).

The only module that builds `Range`s and `WorkspaceEdit`s. Tree-sitter byte columns are
turned into LSP UTF-16 positions here, once. A `ChangeSet` becomes `documentChanges`
(versioned `TextDocumentEdit`s plus `RenameFile`/`CreateFile`/`DeleteFile`) annotated
for confirmation when the client supports it, or plain `changes` when it does not.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.uris import from_fs_path, to_fs_path

from kimi_code.model.changes import FileChange
from kimi_code.model.events import AgentEvent

__all__ = [
    "ClientEditSupport",
    "DocumentSnapshot",
    "agent_progress",
    "byte_col_to_utf16",
    "line_edits",
    "path_to_uri",
    "span_to_range",
    "uri_to_path",
    "workspace_edit",
]

ANNOTATION_ID = "kimiCode.swarm"


@dataclass(frozen=True, slots=True)
class DocumentSnapshot:
    """The text of a file as the editor holds it when the edit is built."""

    text: str
    """Current content (the open buffer, or disk for closed files)."""
    version: int | None
    """Editor version of an open document; None when the disk is the truth."""


@dataclass(frozen=True, slots=True)
class ClientEditSupport:
    """What the client can take in a `WorkspaceEdit`."""

    document_changes: bool
    """`documentChanges` with versioned identifiers."""
    resource_operations: frozenset[str]
    """Subset of {"create", "rename", "delete"}."""
    change_annotations: bool
    """`ChangeAnnotation`s (and so the refactor preview with `needsConfirmation`)."""

    @classmethod
    def from_capabilities(cls, caps: lsp.ClientCapabilities) -> ClientEditSupport:
        """Read the workspace-edit capabilities the client announced."""
        edit = caps.workspace.workspace_edit if caps.workspace else None
        if edit is None:
            return cls(False, frozenset(), False)
        ops = frozenset(str(op.value) for op in edit.resource_operations or ())
        return cls(bool(edit.document_changes), ops, edit.change_annotation_support is not None)


def path_to_uri(root: Path, rel: str) -> str:
    """Return the file URI of workspace-relative `rel`."""
    uri = from_fs_path(str(root / rel))
    assert uri is not None
    return uri


def uri_to_path(root: Path, uri: str) -> str | None:
    """Return the workspace-relative POSIX path of `uri`, or None if it lies outside."""
    fs_path = to_fs_path(uri)
    if fs_path is None:
        return None
    try:
        return Path(fs_path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_col_to_utf16(line_text: str, byte_col: int) -> int:
    """Convert a UTF-8 byte column of `line_text` (tree-sitter) to a UTF-16 one (LSP)."""
    prefix = line_text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore")
    return _utf16_len(prefix)


def span_to_range(text: str, start: tuple[int, int], end: tuple[int, int]) -> lsp.Range:
    """Build an LSP range from tree-sitter (line, byte column) points in `text`."""
    lines = text.split("\n")

    def position(point: tuple[int, int]) -> lsp.Position:
        line, col = point
        line_text = lines[line] if line < len(lines) else ""
        return lsp.Position(line=line, character=byte_col_to_utf16(line_text, col))

    return lsp.Range(start=position(start), end=position(end))


def _position_after(lines: Sequence[str], index: int) -> lsp.Position:
    """Position at the start of line `index` of `lines` (kept ends), clamped to the end."""
    if index < len(lines):
        return lsp.Position(line=index, character=0)
    if lines and not lines[-1].endswith(("\n", "\r")):
        return lsp.Position(line=len(lines) - 1, character=_utf16_len(lines[-1]))
    return lsp.Position(line=len(lines), character=0)


def line_edits(old: str, new: str) -> list[tuple[lsp.Range, str]]:
    """Return minimal whole-line edits turning `old` into `new` (ranges in `old`)."""
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    out: list[tuple[lsp.Range, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        rng = lsp.Range(start=_position_after(a, i1), end=_position_after(a, i2))
        out.append((rng, "".join(b[j1:j2])))
    return out


def _text_edits(
    old: str, new: str, annotated: bool
) -> list[lsp.TextEdit | lsp.AnnotatedTextEdit | lsp.SnippetTextEdit]:
    if annotated:
        return [
            lsp.AnnotatedTextEdit(annotation_id=ANNOTATION_ID, range=r, new_text=t)
            for r, t in line_edits(old, new)
        ]
    return [lsp.TextEdit(range=r, new_text=t) for r, t in line_edits(old, new)]


def _can_express(change: FileChange, support: ClientEditSupport) -> str | None:
    """Return why the client cannot take `change`, or None when it can."""
    needed = (
        "rename"
        if change.new_path
        else "delete"
        if change.new_text is None
        else "create"
        if change.old_hash is None
        else None
    )
    if needed is None:
        return None
    if not support.document_changes or needed not in support.resource_operations:
        return f"the editor cannot {needed} files through the language server"
    return None


def workspace_edit(
    root: Path,
    changes: Sequence[FileChange],
    snapshots: Mapping[str, DocumentSnapshot],
    support: ClientEditSupport,
    label: str,
) -> tuple[lsp.WorkspaceEdit, dict[str, str]]:
    """Build the edit for `changes` against the editor's `snapshots` (keyed by path).

    Returns the edit and the changes left out, path -> reason (client limits).
    """
    annotated = support.change_annotations
    skipped: dict[str, str] = {}
    doc_changes: list[Any] = []
    plain: dict[str, list[lsp.TextEdit]] = {}
    for change in changes:
        reason = _can_express(change, support)
        if reason is not None:
            skipped[change.path] = reason
            continue
        snap = snapshots.get(change.path)
        if support.document_changes:
            doc_changes.extend(_document_changes(root, change, snap, annotated))
        elif snap is not None and change.new_text is not None:
            plain[path_to_uri(root, change.path)] = [
                lsp.TextEdit(range=r, new_text=t) for r, t in line_edits(snap.text, change.new_text)
            ]
    if not support.document_changes:
        return lsp.WorkspaceEdit(changes=plain), skipped
    annotations = (
        {
            ANNOTATION_ID: lsp.ChangeAnnotation(
                label=label, needs_confirmation=True, description="Proposed by the Kimi Code swarm"
            )
        }
        if annotated
        else None
    )
    return lsp.WorkspaceEdit(document_changes=doc_changes, change_annotations=annotations), skipped


def _document_changes(
    root: Path, change: FileChange, snap: DocumentSnapshot | None, annotated: bool
) -> list[Any]:
    """The `documentChanges` entries of one file change, in apply order.

    A rename goes first and its text edits target the new URI: VS Code saves refactored
    files, and editing then moving an open buffer can leave the old file behind. The
    staleness of a renamed file is checked against its snapshot before sending.
    """
    ann = ANNOTATION_ID if annotated else None
    uri = path_to_uri(root, change.path)
    out: list[Any] = []
    if change.new_text is None:
        return [lsp.DeleteFile(uri=uri, annotation_id=ann)]
    version = snap.version if snap is not None else None
    if snap is None:  # a creation: nothing to diff against
        out.append(lsp.CreateFile(uri=uri, annotation_id=ann))
        snap = DocumentSnapshot(text="", version=None)
    if change.new_path:
        new_uri = path_to_uri(root, change.new_path)
        out.append(lsp.RenameFile(old_uri=uri, new_uri=new_uri, annotation_id=ann))
        uri, version = new_uri, None
    edits = _text_edits(snap.text, change.new_text, annotated)
    if edits:
        ident = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        out.append(lsp.TextDocumentEdit(text_document=ident, edits=edits))
    return out


def agent_progress(event: AgentEvent) -> dict[str, Any]:
    """The `kimiCode/agentProgress` payload of one agent event (camelCase JSON)."""
    return {
        "runId": event.run_id,
        "agentId": event.agent_id,
        "file": event.file,
        "state": event.state.value,
        "tool": event.tool,
        "step": event.step,
        "toolCalls": event.tool_calls,
        "tokens": event.tokens,
        "elapsed": round(event.elapsed, 3),
        "message": event.message,
        "extra": event.extra,
    }
