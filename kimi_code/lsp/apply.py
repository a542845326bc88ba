"""Applying a run's change set through the editor (adapter layer).

The editor, not the disk writer, applies LSP-path runs: the server snapshots every touched
document (the open buffer and its version, or the disk for closed files), refuses files
whose content no longer matches the hash the agent read (stale: reported, never
overwritten), and sends one `workspace/applyEdit` that VS Code shows as a refactor preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from kimi_code.lsp.convert import ClientEditSupport, DocumentSnapshot, path_to_uri, workspace_edit
from kimi_code.model.changes import FileChange, content_hash

__all__ = ["ApplyOutcome", "apply_changes", "snapshot_changes", "snapshot_document"]


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    """What became of a change set sent to the editor."""

    applied: bool
    """The editor applied the edit (False: rejected in the preview, or nothing to send)."""
    files: tuple[str, ...] = ()
    """Paths whose changes were sent."""
    stale: dict[str, str] = field(default_factory=dict)
    """Paths left out because they changed after the agent read them, with the reason."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Paths left out because the client cannot express them (no rename support...)."""
    failure_reason: str | None = None
    """The editor's reason for not applying, if it gave one."""
    redone: tuple[str, ...] = ()
    """Stale paths whose task was run again on the current text (sent if in `files`)."""

    def to_json(self) -> dict[str, Any]:
        """JSON form for `kimiCode/runFinished`."""
        return {
            "applied": self.applied,
            "files": list(self.files),
            "stale": [{"path": p, "reason": r} for p, r in self.stale.items()],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped.items()],
            "failureReason": self.failure_reason,
            "redone": list(self.redone),
        }


def snapshot_document(server: LanguageServer, root: Path, rel: str) -> DocumentSnapshot | None:
    """The editor's view of `rel`: the open buffer if open, else disk; None if missing."""
    uri = path_to_uri(root, rel)
    doc = server.workspace.text_documents.get(uri)
    if doc is not None:
        return DocumentSnapshot(text=doc.source, version=doc.version)
    try:
        return DocumentSnapshot(text=(root / rel).read_text(encoding="utf-8"), version=None)
    except FileNotFoundError:
        return None


def _stale_reason(change: FileChange, snap: DocumentSnapshot | None, exists: bool) -> str | None:
    if change.old_hash is None:
        return "was created after the agent planned it" if snap is not None else None
    if snap is None:
        return "was deleted after the agent read it"
    if content_hash(snap.text) != change.old_hash:
        return "changed after the agent read it (not overwritten)"
    if change.new_path and exists:
        return f"rename target {change.new_path} already exists"
    return None


def snapshot_changes(
    server: LanguageServer, root: Path, changes: Sequence[FileChange]
) -> tuple[dict[str, DocumentSnapshot], dict[str, str]]:
    """Snapshot each change's document and find the stale ones (path -> reason)."""
    snapshots: dict[str, DocumentSnapshot] = {}
    stale: dict[str, str] = {}
    for change in changes:
        snap = snapshot_document(server, root, change.path)
        target_exists = bool(change.new_path) and (root / (change.new_path or "")).exists()
        reason = _stale_reason(change, snap, target_exists)
        if reason is not None:
            stale[change.path] = reason
        elif snap is not None:
            snapshots[change.path] = snap
    return snapshots, stale


async def apply_changes(
    server: LanguageServer, root: Path, changes: Sequence[FileChange], label: str
) -> ApplyOutcome:
    """Send the fresh part of `changes` to the editor as one workspace edit."""
    snapshots, stale = snapshot_changes(server, root, changes)
    fresh = [c for c in changes if c.path not in stale]
    support = ClientEditSupport.from_capabilities(server.client_capabilities)
    edit, skipped = workspace_edit(root, fresh, snapshots, support, label)
    sent = tuple(c.path for c in fresh if c.path not in skipped)
    if not sent:
        return ApplyOutcome(
            applied=False, stale=stale, skipped=skipped, failure_reason="nothing left to apply"
        )
    result = await server.workspace_apply_edit_async(
        lsp.ApplyWorkspaceEditParams(edit=edit, label=label)
    )
    return ApplyOutcome(
        applied=result.applied,
        files=sent,
        stale=stale,
        skipped=skipped,
        failure_reason=result.failure_reason,
    )
