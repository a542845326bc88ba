"""Subprocess helper: apply a ChangeSet (JSON) and SIGKILL itself at the n-th file operation.

Usage: python killapply.py CHANGES.json ROOT RUN_ID KILL_AT
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from kimi_code.edits.apply import apply_changeset
from kimi_code.edits.journal import AtomicFileOps
from kimi_code.model.changes import ChangeSet, FileChange


class KillingOps(AtomicFileOps):
    """Real atomic writes; the process dies (SIGKILL) at operation number `kill_at`."""

    def __init__(self, kill_at: int) -> None:
        self.kill_at = kill_at
        self.calls = 0

    def _tick(self) -> None:
        self.calls += 1
        if self.calls == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def write(self, path: Path, data: bytes, mode: int) -> None:
        self._tick()
        super().write(path, data, mode)

    def remove(self, path: Path) -> None:
        self._tick()
        super().remove(path)


def load_changeset(path: Path) -> ChangeSet:
    """Read a ChangeSet written by `dump_changeset`."""
    return ChangeSet(tuple(FileChange(**c) for c in json.loads(path.read_text())))


def dump_changeset(changeset: ChangeSet, path: Path) -> None:
    """Write `changeset` as JSON."""
    rows = [
        {"path": c.path, "new_text": c.new_text, "old_hash": c.old_hash, "new_path": c.new_path}
        for c in changeset.changes
    ]
    path.write_text(json.dumps(rows))


if __name__ == "__main__":
    changes, root, run_id, kill_at = sys.argv[1:5]
    apply_changeset(
        Path(root), load_changeset(Path(changes)), run_id=run_id, ops=KillingOps(int(kill_at))
    )
