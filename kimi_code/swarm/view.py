"""An agent's private view: the run's staged workspace plus the agent's own pending edits.

An agent's edits stay private until it finishes; the coordinator then commits them to the
shared `StagedWorkspace` in one step (so a failed or cancelled agent leaves nothing
behind, and dependents see only finished work). `merge3` rebases an edit one agent made
to another agent's file onto that file's newer text (core layer).
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import replace
from pathlib import Path

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.edits.sandbox import normalize_relpath
from kimi_code.errors import StaleWriteError, UserInputError
from kimi_code.model.changes import FileChange, content_hash

__all__ = ["AgentView", "SharedVersion", "merge3"]


class SharedVersion:
    """A counter the coordinator bumps whenever it stages into the shared workspace.

    Views cache what they read from the shared workspace and re-read once it moved, so
    an agent that reads its file many times (line ranges) hits the disk once.
    """

    __slots__ = ("value",)

    def __init__(self) -> None:
        """Start at 0."""
        self.value = 0

    def bump(self) -> None:
        """Record that the shared workspace changed."""
        self.value += 1


class AgentView:
    """A `Workspace` over the shared staged view with this agent's pending changes on top."""

    def __init__(
        self, shared: StagedWorkspace, owner: str, version: SharedVersion | None = None
    ) -> None:
        """Open a view for agent `owner` (`version`: see `SharedVersion`; None: no cache)."""
        self.shared = shared
        self.owner = owner
        self._pending: dict[str, FileChange] = {}  # keyed by the path in the shared view
        self._targets: dict[str, str] = {}  # current path -> key
        self._version = version
        self._cache: dict[str, tuple[int, str]] = {}  # path -> (shared version, text)

    @property
    def root(self) -> Path:
        """Absolute workspace root."""
        return self.shared.root

    def read_text(self, path: str) -> str:
        """Text of `path`: the agent's pending text, else the shared view.

        Raises:
            SandboxViolation: the path leads outside the workspace.
            UserInputError: the file is missing (or moved away by this agent).
        """
        rel = normalize_relpath(path)
        key = self._targets.get(rel)
        if key is not None:
            text = self._pending[key].new_text
            assert text is not None
            return text
        if rel in self._pending:
            raise UserInputError("no such file (moved or deleted by this agent)", path=rel)
        return self._read_shared(rel)

    def _read_shared(self, rel: str) -> str:
        if self._version is None:
            return self.shared.read_text(rel)
        cached = self._cache.get(rel)
        if cached is not None and cached[0] == self._version.value:
            return cached[1]
        text = self.shared.read_text(rel)
        self._cache[rel] = (self._version.value, text)
        return text

    def exists(self, path: str) -> bool:
        """Whether `path` exists in this agent's view."""
        rel = normalize_relpath(path)
        if rel in self._targets:
            return True
        if rel in self._pending:
            return False
        return self.shared.exists(rel)

    def files(self) -> list[str]:
        """Every file in this agent's view, sorted."""
        found = set(self.shared.files())
        found.difference_update(self._pending)
        found.update(self._targets)
        return sorted(found)

    def owns(self, path: str, owned: tuple[str, ...]) -> bool:
        """Whether `path` is one of `owned` or a file this agent produced."""
        rel = normalize_relpath(path)
        return rel in owned or rel in self._targets or rel in self._pending

    def stage(self, change: FileChange) -> FileChange:
        """Add `change` to the pending edits, checking it against the text the agent saw.

        Raises:
            StaleWriteError: the file changed since the agent read it.
        """
        rel = normalize_relpath(change.path)
        new_path = normalize_relpath(change.new_path) if change.new_path else None
        key = self._targets.get(rel)
        if key is not None:
            prior = self._pending[key]
            assert prior.new_text is not None
            if change.old_hash is not None and change.old_hash != content_hash(prior.new_text):
                raise StaleWriteError(f"{rel}: changed since the agent read it")
            target = new_path or rel
            merged = replace(
                prior, new_text=change.new_text, new_path=target if target != key else None
            )
        else:
            current = self._current_hash(rel)
            if change.old_hash != current:
                what = "exists already" if change.old_hash is None else "changed since it was read"
                raise StaleWriteError(f"{rel}: {what}")
            key = rel
            merged = FileChange(
                path=rel,
                new_text=change.new_text,
                old_hash=change.old_hash,
                new_path=new_path if new_path and new_path != rel else None,
                owner=self.owner,
            )
        self._targets = {t: k for t, k in self._targets.items() if k != key}
        self._pending[key] = merged
        if merged.new_text is not None:
            self._targets[merged.target] = key
        return merged

    def _current_hash(self, rel: str) -> str | None:
        if not self.shared.exists(rel):
            return None
        return content_hash(self._read_shared(rel))

    def pending(self) -> list[FileChange]:
        """The agent's pending changes (paths in the shared view), in a stable order."""
        return [self._pending[k] for k in sorted(self._pending)]

    def materialize(self, dest: Path) -> Path:
        """Write the shared view plus this agent's pending edits into `dest` (not existing)."""
        self.shared.materialize(dest)
        for change in self.pending():
            (dest / change.path).unlink(missing_ok=True)
        for change in self.pending():
            if change.new_text is not None:
                out = dest / change.target
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(change.new_text, encoding="utf-8")
        return dest

    def scratch_dir(self) -> tempfile.TemporaryDirectory[str]:
        """A temporary directory for materializing this view."""
        return tempfile.TemporaryDirectory(prefix=f"kimi-{self.owner}-")


def _hunks(base: list[str], other: list[str]) -> list[tuple[int, int, list[str]]]:
    matcher = difflib.SequenceMatcher(a=base, b=other, autojunk=False)
    return [
        (i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def merge3(base: str, ours: str, theirs: str) -> str | None:
    """Three-way line merge: apply ours' changes to base onto theirs.

    Returns the merged text, or None when both sides changed overlapping lines.
    """
    if theirs == base or ours == theirs:
        return ours
    if ours == base:
        return theirs
    base_lines = base.splitlines(keepends=True)
    mine = _hunks(base_lines, ours.splitlines(keepends=True))
    other = _hunks(base_lines, theirs.splitlines(keepends=True))
    for a1, a2, _ in mine:
        for b1, b2, _ in other:
            if (a1 < b2 and b1 < a2) or a1 == b1 or (a1 == a2 and b1 < a1 < b2):
                return None
            if b1 == b2 and a1 < b1 < a2:
                return None
    merged = list(base_lines)
    for start, end, lines in sorted(mine + other, key=lambda h: (h[0], h[1]), reverse=True):
        merged[start:end] = lines
    return "".join(merged)
