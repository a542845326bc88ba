"""The staged workspace: disk plus in-memory changes, one owner per file (core layer).

Agents read and propose through a `StagedWorkspace`; nothing is written to the
workspace until the coordinator applies the final `ChangeSet` all-or-nothing
(`kimi_code.edits.apply`). Staging checks, in this order: the sandbox (no path
outside the root), ownership (one agent per file), and staleness (the text the agent
read is still the text on disk, or the text staged before it).
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kimi_code.edits.sandbox import normalize_relpath, resolve_inside
from kimi_code.errors import (
    OwnershipConflict,
    SandboxViolation,
    StaleWriteError,
    UserInputError,
)
from kimi_code.model.changes import ChangeSet, FileChange, content_hash

__all__ = ["MAX_FILE_BYTES", "PROTECTED_DIRS", "SKIP_DIRS", "StagedWorkspace"]

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Files larger than this are refused as input (a clear error, never a hang or an OOM)."""

PROTECTED_DIRS = frozenset({".git", ".kimi"})
"""Top-level directories agents may neither read nor write (repository and run state)."""

SKIP_DIRS = frozenset({".git", ".kimi", "node_modules", ".venv", "__pycache__"})
"""Directories never listed as workspace files (materialize links node_modules)."""


class StagedWorkspace:
    """A sandboxed view of the workspace with staged, not yet written, changes."""

    def __init__(self, root: Path) -> None:
        """Open a view of `root`.

        Raises:
            UserInputError: `root` is not an existing directory.
        """
        if not root.is_dir():
            raise UserInputError("not a directory", path=str(root))
        self._root = root.resolve()
        self._lock = threading.RLock()
        self._staged: dict[str, FileChange] = {}  # keyed by the original (disk) path
        self._targets: dict[str, str] = {}  # current path -> original path, for staged files
        self._owners: dict[str, str] = {}
        self._disk_hashes: dict[str, str] = {}
        # what the disk held when first read: the listing (walked once) and the texts read.
        # A run reads every source file before each helper call; the disk is its base, and
        # a file changed there since is caught when a change to it is staged or applied.
        self._listing: frozenset[str] | None = None
        self._disk_texts: dict[str, str] = {}

    @property
    def root(self) -> Path:
        """Absolute, resolved workspace root."""
        return self._root

    # -- reading -------------------------------------------------------------------------

    def _rel(self, path: str) -> str:
        """Normalize `path` and refuse the protected directories.

        Raises:
            SandboxViolation: the path is outside the workspace or inside .git/ or .kimi/.
        """
        rel = normalize_relpath(path)
        if rel.split("/", 1)[0] in PROTECTED_DIRS:
            raise SandboxViolation(
                f"refused path {path!r}: repository and run state are off limits"
            )
        return rel

    def read_text(self, path: str) -> str:
        """Current text of `path`: staged if staged, else disk.

        Raises:
            SandboxViolation: the path leads outside the workspace.
            UserInputError: the file does not exist, is binary or is not UTF-8.
        """
        rel = self._rel(path)
        with self._lock:
            origin = self._targets.get(rel)
            if origin is not None:
                text = self._staged[origin].new_text
                assert text is not None
                return text
            if rel in self._staged:  # renamed away or deleted
                raise UserInputError("no such file (moved or deleted in this run)", path=rel)
            return self._read_disk(rel)

    def _read_disk(self, rel: str) -> str:
        cached = self._disk_texts.get(rel)
        if cached is not None:
            return cached
        data = self._read_regular(rel)
        if data is None:
            raise UserInputError("no such file", path=rel)
        if b"\x00" in data[:8192]:
            raise UserInputError("binary file, not text", path=rel)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not valid UTF-8 ({exc.reason} at byte {exc.start})"
            raise UserInputError(reason, path=rel) from None
        self._disk_hashes.setdefault(rel, content_hash(data))
        self._disk_texts[rel] = text
        return text

    def _read_regular(self, rel: str) -> bytes | None:
        """Bytes of a regular file inside the root, or None when nothing is there.

        Never opens a FIFO, device or directory (which could block or mislead an agent).

        Raises:
            SandboxViolation: the path leads outside the workspace.
            UserInputError: not a regular file, or larger than MAX_FILE_BYTES.
        """
        target = resolve_inside(self._root, rel)
        try:
            info = target.stat()
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(info.st_mode):
            raise UserInputError("not a regular file (directory, FIFO or device)", path=rel)
        if info.st_size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            raise UserInputError(f"too large ({info.st_size} bytes; limit {limit} MiB)", path=rel)
        with open(target, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)

    def disk_hash(self, path: str) -> str | None:
        """sha256 of the file on disk now, or None when it does not exist."""
        data = self._read_regular(self._rel(path))
        return None if data is None else content_hash(data)

    def exists(self, path: str) -> bool:
        """Whether `path` is a file in the current (staged) view."""
        rel = self._rel(path)
        with self._lock:
            if rel in self._targets:
                return True
            if rel in self._staged:
                return False
        return resolve_inside(self._root, rel).is_file()

    def files(self) -> list[str]:
        """Every workspace-relative file in the current view (skipping SKIP_DIRS), sorted."""
        if self._listing is None:
            found: set[str] = set()
            for dirpath, dirnames, filenames in os.walk(self._root):
                dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
                base = Path(dirpath).relative_to(self._root)
                for name in filenames:
                    if _is_plain_file(Path(dirpath) / name):
                        found.add((base / name).as_posix())
            self._listing = frozenset(found)
        with self._lock:
            current = self._listing.difference(self._staged).union(self._targets)
        return sorted(current)

    # -- staging -------------------------------------------------------------------------

    def claim(self, path: str, owner: str) -> None:
        """Make `owner` the only agent allowed to stage changes to `path`.

        Raises:
            OwnershipConflict: another agent owns the file.
        """
        rel = self._rel(path)
        with self._lock:
            current = self._owners.setdefault(rel, owner)
            if current != owner:
                raise OwnershipConflict(f"{rel}: owned by agent {current}, not {owner}")

    def owner_of(self, path: str) -> str | None:
        """The agent that owns `path`, if any."""
        return self._owners.get(normalize_relpath(path))

    def stage(self, change: FileChange, owner: str | None = None) -> FileChange:
        """Stage `change` on top of what is already staged; returns the merged change.

        `change.path` is the file's path in the current view; `change.old_hash` is the
        hash of the text the agent read (None only for a creation).

        Raises:
            SandboxViolation: a path leads outside the workspace.
            OwnershipConflict: the file belongs to another agent.
            StaleWriteError: the file changed since the agent read it.
        """
        rel = self._rel(change.path)
        new_path = self._rel(change.new_path) if change.new_path else None
        resolve_inside(self._root, rel)
        if new_path:
            resolve_inside(self._root, new_path)
        with self._lock:
            self._check_owner(rel, owner)
            origin = self._targets.get(rel)
            if origin is not None:
                merged = self._merge(self._staged[origin], change, rel, new_path)
            else:
                merged = self._first_change(change, rel, new_path, owner)
                origin = merged.path
            self._check_target_free(origin, merged.target if merged.new_text is not None else None)
            self._set(origin, merged)
            if owner:
                self._owners.setdefault(merged.target, owner)
            return merged

    def _check_owner(self, rel: str, owner: str | None) -> None:
        current = self._owners.get(rel)
        if owner is not None and current is not None and current != owner:
            raise OwnershipConflict(f"{rel}: owned by agent {current}, not {owner}")

    def _first_change(
        self, change: FileChange, rel: str, new_path: str | None, owner: str | None
    ) -> FileChange:
        on_disk = self.disk_hash(rel)
        if change.old_hash is None and on_disk is not None:
            raise StaleWriteError(f"{rel}: exists on disk; a creation must not overwrite it")
        if change.old_hash is not None and change.old_hash != on_disk:
            raise StaleWriteError(f"{rel}: changed on disk since the agent read it")
        return FileChange(
            path=rel,
            new_text=change.new_text,
            old_hash=change.old_hash,
            new_path=new_path if new_path and new_path != rel else None,
            owner=owner or change.owner,
        )

    def _merge(
        self, prior: FileChange, change: FileChange, rel: str, new_path: str | None
    ) -> FileChange:
        assert prior.new_text is not None
        if change.old_hash is not None and change.old_hash != content_hash(prior.new_text):
            raise StaleWriteError(f"{rel}: changed by another edit since the agent read it")
        target = new_path or rel
        return replace(
            prior,
            new_text=change.new_text,
            new_path=target if target != prior.path else None,
        )

    def _check_target_free(self, origin: str, target: str | None) -> None:
        if target is None or target == origin:
            return
        holder = self._targets.get(target)
        if holder is not None and holder != origin:
            raise OwnershipConflict(f"{target}: already produced by the change to {holder}")
        on_disk = resolve_inside(self._root, target).exists()
        if holder is None and target not in self._staged and on_disk:
            raise StaleWriteError(f"{target}: exists on disk; refusing to overwrite it by a rename")

    def _set(self, origin: str, change: FileChange) -> None:
        self._targets = {t: o for t, o in self._targets.items() if o != origin}
        self._staged[origin] = change
        if change.new_text is not None:
            self._targets[change.target] = origin

    def unstage(self, path: str) -> None:
        """Drop every staged change of the file whose current or original path is `path`."""
        rel = normalize_relpath(path)
        with self._lock:
            origin = self._targets.get(rel, rel)
            self._staged.pop(origin, None)
            self._targets = {t: o for t, o in self._targets.items() if o != origin}

    def changeset(self) -> ChangeSet:
        """Everything staged, as one set (changes that end where they began are dropped)."""
        with self._lock:
            kept = [c for c in self._staged.values() if not self._is_noop(c)]
        return ChangeSet(changes=tuple(sorted(kept, key=lambda c: c.path)))

    def _is_noop(self, change: FileChange) -> bool:
        return (
            change.new_path is None
            and change.new_text is not None
            and change.old_hash == content_hash(change.new_text)
        )

    # -- materializing -------------------------------------------------------------------

    def materialize(self, dest: Path) -> Path:
        """Write the staged view of the whole project into `dest` (which must not exist).

        `node_modules` directories are symlinked rather than copied; `.git` and `.kimi`
        are left out. Returns `dest`.
        """
        linked: list[Path] = []
        shutil.copytree(self._root, dest, symlinks=True, ignore=_copy_ignore(linked))
        for modules in linked:
            (dest / modules.relative_to(self._root)).symlink_to(modules, target_is_directory=True)
        with self._lock:
            staged = list(self._staged.values())
        for change in staged:
            (dest / change.path).unlink(missing_ok=True)
        for change in staged:
            if change.new_text is None:
                continue
            out = dest / change.target
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(change.new_text, encoding="utf-8")
        return dest


def _is_plain_file(path: Path) -> bool:
    """A regular file that is not a symlink (symlinks are never listed for agents)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _copy_ignore(linked: list[Path]) -> Callable[[str, list[str]], set[str]]:
    """Skip SKIP_DIRS while copying; remember node_modules folders to link afterwards."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in SKIP_DIRS}
        if "node_modules" in skipped:
            linked.append(Path(directory) / "node_modules")
        return skipped

    return ignore
