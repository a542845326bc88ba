"""Redoing files that moved under a run, on the editor's current text (adapter layer).

A file whose open buffer (or disk) changed after its agent read it is never overwritten:
its task is run again, as a small follow-up run scoped to those files, on the text the
editor holds now. When a stale file's buffer differs from the disk (unsaved edits), the
follow-up runs in a shadow copy of the workspace where that file holds the buffer text, so
the agent reads exactly what the user sees; otherwise it runs on the workspace itself.
The redone changes go back through the usual stale check before they are sent; what still
fails is reported with the reason.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kimi_code.errors import KimiError
from kimi_code.model.changes import FileChange
from kimi_code.swarm.api import RunHandle, RunRequest, start_run

__all__ = ["RedoOutcome", "redo_stale"]

log = logging.getLogger(__name__)
_NOT_COPIED = shutil.ignore_patterns("node_modules", ".git", ".kimi")
# Stale reasons a rerun cannot fix: the file is gone, or its rename target is taken.
_UNFIXABLE = ("was deleted", "already exists", "was created")


@dataclass(frozen=True, slots=True)
class RedoOutcome:
    """What the follow-up run produced for the stale files."""

    changes: tuple[FileChange, ...] = ()
    """Redone changes, read from the editor's current text (still to be stale-checked)."""
    failed: dict[str, str] = field(default_factory=dict)
    """Stale paths that could not be redone, with the reason."""


def redoable(stale: Mapping[str, str]) -> list[str]:
    """The stale paths a rerun can fix (the file is still there, only its text moved)."""
    return sorted(p for p, reason in stale.items() if not any(u in reason for u in _UNFIXABLE))


@contextmanager
def _run_root(root: Path, buffers: Mapping[str, str]) -> Iterator[Path]:
    """`root` itself when the disk already holds `buffers`, else a shadow copy holding them."""
    unsaved = {
        rel: text
        for rel, text in buffers.items()
        if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text
    }
    if not unsaved:
        yield root
        return
    with tempfile.TemporaryDirectory(prefix="kimi-redo-") as tmp:
        shadow = Path(tmp) / root.name
        shutil.copytree(root, shadow, ignore=_NOT_COPIED, symlinks=True)
        if (root / "node_modules").is_dir():
            (shadow / "node_modules").symlink_to(root / "node_modules", target_is_directory=True)
        for rel, text in unsaved.items():
            (shadow / rel).write_text(text, encoding="utf-8")
        yield shadow


async def redo_stale(
    request: RunRequest,
    stale: Mapping[str, str],
    buffers: Mapping[str, str],
    backend: Any,
    on_handle: Callable[[RunHandle | None], None],
) -> RedoOutcome:
    """Run the task of each redoable stale file again, on its current text.

    Args:
        request: the original run's request (recipe, instruction, budgets).
        stale: stale path -> why it is stale.
        buffers: stale path -> the text the editor holds now.
        backend: the model backend of the original run (None: from `request.model`).
        on_handle: told the follow-up's handle while it runs (for cancel), then None.

    Returns:
        The redone changes and, per path that could not be redone, the reason.
    """
    paths = redoable(stale)
    failed = {p: r for p, r in stale.items() if p not in paths}
    if not paths:
        return RedoOutcome(failed=failed)
    try:
        with _run_root(request.root, {p: buffers[p] for p in paths if p in buffers}) as root:
            follow_up = replace(
                request, root=root, paths=tuple(paths), max_agents=min(len(paths), 8), apply=False
            )
            handle = await start_run(follow_up, backend=backend)
            on_handle(handle)
            report = await handle.wait()
    except KimiError as exc:
        report = None
        reason = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a broken redo must not sink the rest of the edit
        log.exception("redoing %s failed", paths)
        report = None
        reason = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        on_handle(None)
    if report is not None and report.status != "ready":
        reason = report.reason or report.status
    if report is None or report.status != "ready":
        return RedoOutcome(failed={**failed, **{p: _why(stale[p], reason) for p in paths}})
    redone = tuple(c for c in report.changeset.changes if c.path in paths)
    missing = {p: _why(stale[p], "the redo changed nothing") for p in paths}
    for change in redone:
        missing.pop(change.path, None)
    return RedoOutcome(changes=redone, failed={**failed, **missing})


def _why(stale_reason: str, redo_reason: str) -> str:
    return f"{stale_reason}; redone on the current text, but {redo_reason}"
