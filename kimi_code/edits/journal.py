"""The apply journal: a run's whole edit set, recorded on disk before any file is written.

Layout under the workspace root (core layer; plain files, no git)::

    .kimi/.gitignore                       "*" so the journal never shows in `git status`
    .kimi/runs/<run_id>/journal.json       entries + state, rewritten atomically
    .kimi/runs/<run_id>/blobs/<sha256>     original and new bytes of every touched file

State machine: ``applying`` -> ``applied`` -> ``undoing`` -> ``undone``, or
``applying`` -> ``rolling_back`` -> ``rolled_back`` when a write fails. A journal left in
``applying``/``rolling_back``/``undoing`` marks an interrupted apply or undo that
`kimi_code.edits.apply.recover` finishes. `accept` drops the blobs (the backups).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from kimi_code.errors import UserInputError
from kimi_code.model.changes import content_hash

__all__ = [
    "AtomicFileOps",
    "EntryKind",
    "FileOps",
    "Journal",
    "JournalEntry",
    "JournalStore",
    "fsync_dir",
    "runs_dir",
]

EntryKind = Literal["edit", "create", "delete", "rename"]
State = Literal["applying", "applied", "rolling_back", "rolled_back", "undoing", "undone"]
INCOMPLETE: frozenset[str] = frozenset({"applying", "rolling_back", "undoing"})
TMP_MARK = ".kimi-tmp-"
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def runs_dir(root: Path) -> Path:
    """Directory holding every run's journal under `root`."""
    return root / ".kimi" / "runs"


def fsync_dir(path: Path) -> None:
    """fsync a directory so a rename or unlink inside it is durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileOps(Protocol):
    """The seam through which apply, rollback and undo touch workspace files."""

    def write(self, path: Path, data: bytes, mode: int) -> None:
        """Atomically replace (or create) `path` with `data` and permission bits `mode`."""
        ...

    def remove(self, path: Path) -> None:
        """Remove the file `path` if it exists."""
        ...


class AtomicFileOps:
    """Writes through a temporary file in the same directory, fsync, then `os.replace`."""

    def write(self, path: Path, data: bytes, mode: int) -> None:
        """Atomically replace `path` with `data`; the mode is set before the rename."""
        tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fchmod(out.fileno(), mode)
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(path.parent)

    def remove(self, path: Path) -> None:
        """Unlink `path` (missing is fine) and make the unlink durable."""
        try:
            path.unlink()
        except FileNotFoundError:
            return
        fsync_dir(path.parent)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One touched file: where it was, where it goes, and the bytes before and after."""

    path: str
    """Workspace-relative path before the change."""
    target: str
    """Workspace-relative path after the change (== path unless renamed)."""
    kind: EntryKind
    before: str | None
    """sha256 of the original bytes (a blob), None for a creation."""
    after: str | None
    """sha256 of the new bytes (a blob), None for a deletion."""
    mode: int
    """Permission bits of the original file (or of a created file)."""


@dataclass(frozen=True, slots=True)
class Journal:
    """A run's recorded edit set and how far applying it got."""

    run_id: str
    state: State
    entries: tuple[JournalEntry, ...]
    created_dirs: tuple[str, ...] = ()
    """Directories the apply created (removed again on rollback when empty)."""
    created_at: float = field(default_factory=time.time)
    applied_at: float | None = None
    checkpoint: str | None = None
    """Git ref of the pre-apply checkpoint commit, when the workspace is a git repo."""
    accepted: bool = False
    """The user accepted the run: backups are gone and undo is no longer possible."""

    def with_state(self, state: State) -> Journal:
        """Return a copy in `state` (stamping applied_at when it becomes applied)."""
        stamp = time.time() if state == "applied" else self.applied_at
        return replace(self, state=state, applied_at=stamp)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form written to journal.json."""
        data = asdict(self)
        data["version"] = 1
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Journal:
        """Parse the JSON form written by `to_json`."""
        entries = tuple(JournalEntry(**e) for e in data["entries"])
        return cls(
            run_id=data["run_id"],
            state=data["state"],
            entries=entries,
            created_dirs=tuple(data.get("created_dirs", ())),
            created_at=float(data.get("created_at", 0.0)),
            applied_at=data.get("applied_at"),
            checkpoint=data.get("checkpoint"),
            accepted=bool(data.get("accepted", False)),
        )


class JournalStore:
    """Reads and writes the journals and blobs of one workspace."""

    def __init__(self, root: Path) -> None:
        """Open the store of workspace `root` (nothing is created until a save)."""
        self.root = root
        self.base = runs_dir(root)

    def run_dir(self, run_id: str) -> Path:
        """Directory of run `run_id`.

        Raises:
            UserInputError: `run_id` is not a plain identifier.
        """
        if not _RUN_ID.match(run_id):
            raise UserInputError(f"invalid run id {run_id!r}")
        return self.base / run_id

    def exists(self, run_id: str) -> bool:
        """Whether run `run_id` has a journal."""
        return (self.run_dir(run_id) / "journal.json").is_file()

    def save_blob(self, run_id: str, data: bytes) -> str:
        """Store `data` durably and return its sha256."""
        digest = content_hash(data)
        blobs = self.run_dir(run_id) / "blobs"
        blobs.mkdir(parents=True, exist_ok=True)
        dest = blobs / digest
        if not dest.exists():
            AtomicFileOps().write(dest, data, 0o600)
        return digest

    def blob(self, run_id: str, digest: str) -> bytes:
        """The bytes stored under `digest`.

        Raises:
            UserInputError: the backup is missing (accepted or deleted by hand).
        """
        try:
            return (self.run_dir(run_id) / "blobs" / digest).read_bytes()
        except FileNotFoundError:
            raise UserInputError(
                f"run {run_id}: backup {digest[:12]} is missing (run accepted or .kimi edited)"
            ) from None

    def save(self, journal: Journal) -> None:
        """Write journal.json atomically (the journal itself is never half written)."""
        self._ensure_gitignore()
        run_dir = self.run_dir(journal.run_id)
        run_dir.mkdir(parents=True, exist_ok=True)
        data = json.dumps(journal.to_json(), indent=1, sort_keys=True).encode("utf-8")
        AtomicFileOps().write(run_dir / "journal.json", data, 0o600)

    def load(self, run_id: str) -> Journal:
        """Read the journal of `run_id`.

        Raises:
            UserInputError: there is no such run, or its journal is unreadable.
        """
        path = self.run_dir(run_id) / "journal.json"
        try:
            return Journal.from_json(json.loads(path.read_bytes()))
        except FileNotFoundError:
            raise UserInputError(f"no applied run {run_id!r} in {self.root}") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise UserInputError(f"unreadable journal ({exc})", path=str(path)) from None

    def all(self) -> Iterator[Journal]:
        """Every readable journal, oldest first."""
        if not self.base.is_dir():
            return
        found = []
        for child in self.base.iterdir():
            if (child / "journal.json").is_file() and _RUN_ID.match(child.name):
                found.append(self.load(child.name))
        yield from sorted(found, key=lambda j: (j.applied_at or j.created_at, j.run_id))

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the workspace's apply lock (one apply, undo or recover at a time)."""
        self._ensure_gitignore()
        fd = os.open(self.root / ".kimi" / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def drop_blobs(self, run_id: str) -> None:
        """Delete the backups of `run_id`."""
        blobs = self.run_dir(run_id) / "blobs"
        if blobs.is_dir():
            for child in blobs.iterdir():
                child.unlink()
            blobs.rmdir()

    def _ensure_gitignore(self) -> None:
        ignore = self.root / ".kimi" / ".gitignore"
        if not ignore.exists():
            ignore.parent.mkdir(parents=True, exist_ok=True)
            ignore.write_text("*\n", encoding="utf-8")
