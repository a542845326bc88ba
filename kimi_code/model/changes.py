"""Staged file changes: what agents propose and what the apply step writes (core layer).

Paths are workspace-relative POSIX strings. A change records the hash of the text the
agent read, so the apply step can detect a stale write (the file moved on disk since).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_hash(data: str | bytes) -> str:
    """Return the sha256 hex digest of `data` (text is hashed as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file's staged change: an edit, a rename, a creation or a deletion."""

    path: str
    """Workspace-relative path of the file as it is on disk now (for a creation: the new path)."""
    new_text: str | None
    """The full new content; None deletes the file."""
    old_hash: str | None
    """sha256 of the content the agent read; None when the file is created."""
    new_path: str | None = None
    """Rename target (workspace-relative), or None to keep the path."""
    owner: str | None = None
    """Id of the agent that owns the file."""

    @property
    def target(self) -> str:
        """The path the file has after the change."""
        return self.new_path or self.path

    @property
    def is_creation(self) -> bool:
        """True when the file does not exist before the change."""
        return self.old_hash is None and self.new_text is not None


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """A whole run's changes, applied all-or-nothing."""

    changes: tuple[FileChange, ...] = field(default_factory=tuple)
    """One entry per touched file; at most one entry per source path."""

    def paths(self) -> list[str]:
        """Every path the set touches, before and after renames."""
        out: list[str] = []
        for change in self.changes:
            out.append(change.path)
            if change.new_path:
                out.append(change.new_path)
        return out
