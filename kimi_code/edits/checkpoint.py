"""Undo and accept of applied runs; the dirty-tree check before a run (core layer).

Every apply keeps the original bytes and modes of the files it touches in its journal
(`kimi_code.edits.journal`) and, in a git repository, a checkpoint commit under
``refs/kimi/checkpoints/<run_id>`` that moves neither HEAD, the index nor the branch.
`undo` restores the journal's originals exactly (created files removed, renames
reversed, deleted files back, modes restored) and refuses when a file changed since the
apply, unless forced. `accept` drops the backups and the checkpoint; outside git they
are the user's only copy of the originals, so they stay until then.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from kimi_code.edits.apply import checked_path, roll_back
from kimi_code.edits.gitstate import DirtyWorkspaceError, delete_checkpoint, ensure_clean
from kimi_code.edits.journal import AtomicFileOps, FileOps, Journal, JournalStore
from kimi_code.errors import SandboxViolation, UserInputError
from kimi_code.model.changes import content_hash

__all__ = [
    "DirtyWorkspaceError",
    "UndoConflict",
    "UndoResult",
    "accept",
    "ensure_clean",
    "last_applied_run",
    "undo",
]


class UndoConflict(UserInputError):
    """Files changed after the apply; undo would lose that work (use --force)."""

    def __init__(self, run_id: str, files: list[str]) -> None:
        """Name the run and every changed file."""
        self.files = tuple(files)
        shown = ", ".join(files[:20]) + (" ..." if len(files) > 20 else "")
        super().__init__(
            f"run {run_id}: {len(files)} file(s) changed since the apply: {shown}; "
            "undo refused (pass --force to overwrite them)"
        )


@dataclass(frozen=True, slots=True)
class UndoResult:
    """What an undo restored."""

    run_id: str
    restored: tuple[str, ...]
    """Original paths written back (edited, deleted or renamed-away files)."""
    removed: tuple[str, ...]
    """Files the run created (or renamed to) that were removed."""
    forced_over: tuple[str, ...] = ()
    """Files that had changed since the apply and were overwritten by --force."""


def last_applied_run(root: Path) -> str:
    """The id of the most recently applied (not undone, not accepted) run in `root`.

    Raises:
        UserInputError: no run is applied in `root`.
    """
    applied = [j for j in JournalStore(root).all() if j.state == "applied" and not j.accepted]
    if not applied:
        raise UserInputError(f"no applied run to undo in {root}")
    return applied[-1].run_id


def changed_since_apply(root: Path, journal: Journal) -> list[str]:
    """Files whose disk state no longer matches what the apply wrote."""
    targets = {e.target for e in journal.entries if e.after is not None}
    changed: list[str] = []
    for e in journal.entries:
        if e.after is not None and not _matches(root, e.target, e.after, e.mode):
            changed.append(e.target)
        gone = e.kind in ("rename", "delete") and e.path not in targets
        if gone and os.path.lexists(root / e.path):
            changed.append(e.path)
    return sorted(set(changed))


def _matches(root: Path, rel: str, digest: str, mode: int) -> bool:
    try:
        path = checked_path(root, rel)
        st = path.lstat()
        if stat.S_IMODE(st.st_mode) != mode:
            return False
        return content_hash(path.read_bytes()) == digest
    except (OSError, SandboxViolation):
        return False


def undo(
    root: Path, run_id: str | None = None, *, force: bool = False, ops: FileOps | None = None
) -> UndoResult:
    """Restore the workspace exactly as it was before run `run_id` (default: the last one).

    Raises:
        UserInputError: no such run, it is not applied, it was accepted, or its backups are gone.
        UndoConflict: files changed since the apply and `force` is False.
    """
    root = Path(os.path.realpath(root))
    store = JournalStore(root)
    with store.lock():
        run_id = run_id or last_applied_run(root)
        journal = store.load(run_id)
        if journal.accepted:
            raise UserInputError(f"run {run_id} was accepted; its backups are gone")
        if journal.state != "applied":
            raise UserInputError(f"run {run_id} is {journal.state}, not applied; nothing to undo")
        changed = changed_since_apply(root, journal)
        if changed and not force:
            raise UndoConflict(run_id, changed)
        for e in journal.entries:  # fail before touching anything when a backup is missing
            if e.before is not None:
                store.blob(run_id, e.before)
        store.save(journal.with_state("undoing"))
        roll_back(root, store, journal, ops or AtomicFileOps())
        store.save(journal.with_state("undone"))
    sources = {e.path for e in journal.entries if e.before is not None}
    return UndoResult(
        run_id=run_id,
        restored=tuple(sorted(sources)),
        removed=tuple(
            sorted(
                e.target
                for e in journal.entries
                if e.kind in ("create", "rename") and e.target not in sources
            )
        ),
        forced_over=tuple(changed),
    )


def accept(root: Path, run_id: str) -> Journal:
    """Accept run `run_id`: delete its backups and checkpoint; undo is no longer possible.

    Raises:
        UserInputError: no such run, or it is not in a final state.
    """
    root = Path(os.path.realpath(root))
    store = JournalStore(root)
    with store.lock():
        journal = store.load(run_id)
        if journal.state not in ("applied", "undone", "rolled_back"):
            raise UserInputError(
                f"run {run_id} is {journal.state}; run `kimi-code recover` before accepting"
            )
        store.drop_blobs(run_id)
        if journal.checkpoint:
            delete_checkpoint(root, journal.checkpoint)
        accepted = replace(journal, checkpoint=None, accepted=True)
        store.save(accepted)
    return accepted
