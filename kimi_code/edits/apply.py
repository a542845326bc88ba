"""All-or-nothing apply of a run's ChangeSet, with a journal to roll forward or back (core layer).

Order of work: (1) validate every path with the sandbox and refuse `.git/` and `.kimi/`;
(2) check every `old_hash` against the bytes on disk (stale: nothing is written);
(3) record originals, new bytes and the plan in `.kimi/runs/<run_id>/journal.json` and,
in a git repository, a checkpoint commit; (4) write each file atomically through a
`FileOps` seam (temp file in the same directory, fsync, `os.replace`); (5) mark the
journal applied. A failure during (4) rolls every file back before the error is raised;
a process killed during (4) leaves an ``applying`` journal that `recover` finishes.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kimi_code.edits.gitstate import create_checkpoint
from kimi_code.edits.journal import (
    INCOMPLETE,
    TMP_MARK,
    AtomicFileOps,
    EntryKind,
    FileOps,
    Journal,
    JournalEntry,
    JournalStore,
)
from kimi_code.edits.sandbox import normalize_relpath, resolve_inside
from kimi_code.errors import ApplyError, SandboxViolation, StaleWriteError
from kimi_code.model.changes import ChangeSet, FileChange, content_hash

__all__ = [
    "ApplyResult",
    "apply_changeset",
    "checked_path",
    "pending_recovery",
    "recover",
    "roll_back",
    "roll_forward",
]

RESERVED_TOP = frozenset({".kimi", ".git"})
NEW_FILE_MODE = 0o644


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What an apply wrote."""

    run_id: str
    written: tuple[str, ...]
    """Paths written (edited files, created files, rename targets)."""
    deleted: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...]
    skipped: tuple[str, ...]
    """Changed paths left out because the user chose `only` a subset."""
    journal: Path | None
    """The run's journal (None when there was nothing to apply)."""
    checkpoint: str | None = None
    """Git ref of the pre-apply checkpoint commit, if the workspace is a git repo."""


def checked_path(root: Path, rel: str) -> Path:
    """Resolve `rel` inside `root`, refusing the journal, `.git` and a symlinked final component.

    Raises:
        SandboxViolation: the path leads outside the workspace or into `.git`/`.kimi`.
    """
    clean = normalize_relpath(rel)
    parts = clean.split("/")
    if parts[0] in RESERVED_TOP or ".git" in parts:
        raise SandboxViolation(f"refused path {rel!r}: {parts[0]}/ is not part of the project")
    path = resolve_inside(root, clean)
    if path.is_symlink():
        raise SandboxViolation(f"refused path {rel!r}: a symlink; refusing to replace it")
    return path


def apply_changeset(
    root: Path,
    changeset: ChangeSet,
    *,
    run_id: str,
    only: Collection[str] | None = None,
    ops: FileOps | None = None,
    checkpoint: bool = True,
) -> ApplyResult:
    """Write `changeset` to the workspace all-or-nothing, journaled and checkpointed.

    Args:
        root: the workspace root.
        changeset: the run's staged changes.
        run_id: id of the run; names the journal directory.
        only: apply just these paths (original or target paths): the user's explicit
            choice of the files that verified. None applies everything.
        ops: the file-writing seam (tests inject failures here).
        checkpoint: also record a git checkpoint commit when `root` is in a git repo.

    Raises:
        SandboxViolation: a path leads outside the workspace (nothing written).
        StaleWriteError: a file changed on disk since it was read (nothing written).
        ApplyError: a write failed; every file was restored before this was raised.
    """
    root = Path(os.path.realpath(root))
    store = JournalStore(root)
    changes, skipped = _select(changeset, only)
    if not changes:
        return ApplyResult(run_id, (), (), (), tuple(skipped), None)
    with store.lock():
        if store.exists(run_id):
            raise ApplyError(f"run {run_id} already has a journal; it cannot be applied twice")
        interrupted = pending_recovery(root)
        if interrupted:
            raise ApplyError(
                f"run {interrupted[0]} was interrupted while writing files; "
                "run `kimi-code recover` before applying another run"
            )
        journal = _record(root, store, run_id, changes)
        if checkpoint:
            ref = create_checkpoint(root, run_id, journal.entries, lambda d: store.blob(run_id, d))
            journal = replace(journal, checkpoint=ref)
        store.save(journal)
        _write_or_roll_back(root, store, journal, ops or AtomicFileOps())
        store.save(journal.with_state("applied"))
    return _result(journal, skipped, store)


def _select(
    changeset: ChangeSet, only: Collection[str] | None
) -> tuple[list[FileChange], list[str]]:
    if only is None:
        return list(changeset.changes), []
    chosen = {normalize_relpath(p) for p in only}
    kept = [c for c in changeset.changes if c.path in chosen or c.target in chosen]
    skipped = [c.path for c in changeset.changes if c not in kept]
    return kept, skipped


def _record(root: Path, store: JournalStore, run_id: str, changes: Sequence[FileChange]) -> Journal:
    """Validate and stale-check every change, then store blobs; returns the applying journal."""
    planned = [_plan(root, c) for c in changes]
    _check_targets(root, [p[0] for p in planned])
    entries = []
    for entry, before, after in planned:
        if before is not None:
            store.save_blob(run_id, before)
        if after is not None:
            store.save_blob(run_id, after)
        entries.append(entry)
    dirs = _missing_dirs(root, [e.target for e in entries if e.after is not None])
    return Journal(run_id=run_id, state="applying", entries=tuple(entries), created_dirs=dirs)


def _plan(root: Path, change: FileChange) -> tuple[JournalEntry, bytes | None, bytes | None]:
    rel, target = normalize_relpath(change.path), normalize_relpath(change.target)
    src, dst = checked_path(root, rel), checked_path(root, target)
    after = change.new_text.encode("utf-8") if change.new_text is not None else None
    if change.old_hash is None:
        if after is None:
            raise ApplyError(f"{rel}: a deletion must carry the hash of the text that was read")
        if os.path.lexists(dst):
            raise StaleWriteError(f"{target}: exists on disk; a creation must not overwrite it")
        entry = JournalEntry(rel, target, "create", None, content_hash(after), NEW_FILE_MODE)
        return entry, None, after
    try:
        st = src.lstat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            raise ApplyError(f"{rel}: not a regular file; refusing to read or replace it")
        before, mode = src.read_bytes(), stat.S_IMODE(st.st_mode)
    except FileNotFoundError:
        raise StaleWriteError(f"{rel}: deleted on disk since the agent read it") from None
    if content_hash(before) != change.old_hash:
        raise StaleWriteError(f"{rel}: changed on disk since the agent read it; nothing written")
    kind: EntryKind = "delete" if after is None else ("rename" if target != rel else "edit")
    after_hash = content_hash(after) if after is not None else None
    target = rel if after is None else target
    return JournalEntry(rel, target, kind, content_hash(before), after_hash, mode), before, after


def _check_targets(root: Path, entries: Sequence[JournalEntry]) -> None:
    """Two changes must not write one path; a rename must not clobber a file that stays."""
    leaving = {e.path for e in entries if e.kind in ("rename", "delete")}
    sources = {e.path for e in entries}
    seen: set[str] = set()
    real: dict[str, str] = {}
    for e in entries:
        for rel in {e.path, e.target}:  # one file reached by two names (a symlinked dir)
            other = real.setdefault(os.path.realpath(root / rel), rel)
            if other != rel:
                raise ApplyError(f"{rel}: the same file as {other}; refusing two changes to it")
        if e.after is None:
            continue
        if e.target in seen:
            raise ApplyError(f"{e.target}: written by two changes in one run")
        seen.add(e.target)
        if e.kind == "rename":
            stays = e.target in sources and e.target not in leaving
            exists = e.target not in sources and os.path.lexists(resolve_inside(root, e.target))
            if stays or exists:
                raise StaleWriteError(f"{e.target}: exists; refusing to overwrite it by a rename")


def _missing_dirs(root: Path, targets: Sequence[str]) -> tuple[str, ...]:
    missing: list[str] = []
    for target in targets:
        parts = target.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            rel = "/".join(parts[:i])
            if rel not in missing and not (root / rel).exists():
                missing.append(rel)
    return tuple(missing)


def _write_or_roll_back(root: Path, store: JournalStore, journal: Journal, ops: FileOps) -> None:
    try:
        roll_forward(root, store, journal, ops)
    except BaseException as exc:
        store.save(journal.with_state("rolling_back"))
        roll_back(root, store, journal, AtomicFileOps())
        store.save(journal.with_state("rolled_back"))
        if isinstance(exc, OSError):
            raise ApplyError(f"writing the edit set failed ({exc}); every file restored") from exc
        raise


def _same(path: Path, data: bytes, mode: int) -> bool:
    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode) or stat.S_IMODE(st.st_mode) != mode:
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def roll_forward(root: Path, store: JournalStore, journal: Journal, ops: FileOps) -> None:
    """Bring every file of `journal` to its new state (idempotent)."""
    for rel in journal.created_dirs:
        checked_path(root, rel).mkdir(exist_ok=True)
    targets = {e.target for e in journal.entries if e.after is not None}
    for e in journal.entries:
        if e.after is not None:
            path, data = checked_path(root, e.target), store.blob(journal.run_id, e.after)
            if not _same(path, data, e.mode):
                ops.write(path, data, e.mode)
    for e in journal.entries:
        if e.kind in ("rename", "delete") and e.path not in targets:
            ops.remove(checked_path(root, e.path))
    _clean_temp(root, journal)


def roll_back(root: Path, store: JournalStore, journal: Journal, ops: FileOps) -> None:
    """Bring every file of `journal` back to its original bytes and mode (idempotent)."""
    sources = {e.path for e in journal.entries if e.before is not None}
    for e in journal.entries:
        if e.kind in ("create", "rename") and e.target not in sources:
            ops.remove(checked_path(root, e.target))
    for e in journal.entries:
        if e.before is not None:
            path, data = checked_path(root, e.path), store.blob(journal.run_id, e.before)
            if not _same(path, data, e.mode):
                ops.write(path, data, e.mode)
    _clean_temp(root, journal)
    for rel in reversed(journal.created_dirs):
        with contextlib.suppress(OSError):
            (root / rel).rmdir()


def _clean_temp(root: Path, journal: Journal) -> None:
    """Remove temp files a killed writer may have left next to the touched files."""
    dirs = {(root / p).parent for e in journal.entries for p in (e.path, e.target)}
    for directory in dirs:
        if not directory.is_dir():
            continue
        for child in directory.iterdir():
            if TMP_MARK in child.name and child.name.startswith("."):
                child.unlink(missing_ok=True)


def pending_recovery(root: Path) -> list[str]:
    """Ids of runs whose apply or undo was interrupted (`recover` finishes them)."""
    return [j.run_id for j in JournalStore(root).all() if j.state in INCOMPLETE]


def recover(root: Path, *, forward: bool = False) -> list[tuple[str, str]]:
    """Finish every interrupted apply or undo found in the journals of `root`.

    An interrupted apply is rolled back (or, with `forward=True`, completed); an
    interrupted undo or rollback is completed. Returns (run_id, new state) pairs.
    """
    root = Path(os.path.realpath(root))
    store = JournalStore(root)
    done: list[tuple[str, str]] = []
    with store.lock():
        for journal in store.all():
            if journal.state not in INCOMPLETE:
                continue
            ops = AtomicFileOps()
            if journal.state == "applying" and forward:
                roll_forward(root, store, journal, ops)
                final = journal.with_state("applied")
            else:
                roll_back(root, store, journal, ops)
                undoing = journal.state == "undoing"
                final = journal.with_state("undone" if undoing else "rolled_back")
            store.save(final)
            done.append((journal.run_id, final.state))
    return done


def _result(journal: Journal, skipped: Sequence[str], store: JournalStore) -> ApplyResult:
    entries = journal.entries
    return ApplyResult(
        run_id=journal.run_id,
        written=tuple(e.target for e in entries if e.after is not None),
        deleted=tuple(e.path for e in entries if e.kind == "delete"),
        renamed=tuple((e.path, e.target) for e in entries if e.kind == "rename"),
        skipped=tuple(skipped),
        journal=store.run_dir(journal.run_id) / "journal.json",
        checkpoint=journal.checkpoint,
    )
