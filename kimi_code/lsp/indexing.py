"""The workspace index as the language server keeps it (adapter layer).

The first build runs off the event loop (`asyncio.to_thread`) under a work-done progress;
documents the editor opens, changes or saves are re-indexed one file at a time so the
index follows the buffers, not just the disk.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from pygls.lsp.server import LanguageServer

from kimi_code.errors import WorkspaceError
from kimi_code.lsp.progress import WorkProgress

__all__ = ["IndexKeeper"]

log = logging.getLogger(__name__)


async def _build_reporting(root: Path, progress: WorkProgress) -> Any:
    """`build_index(root)` off the loop, reporting "done/total files" as chunks finish.

    The index calls back from the worker thread once per finished chunk; a report is
    sent (thread-safely, on the loop) whenever the whole percentage moves.
    """
    from kimi_code.index import build_index

    loop = asyncio.get_running_loop()
    last_pct = -1

    def on_progress(done: int, total: int) -> None:
        nonlocal last_pct
        pct = 100 if total == 0 else int(100 * done / total)
        if pct != last_pct:
            last_pct = pct
            loop.call_soon_threadsafe(progress.report, f"{done}/{total} files", pct)

    return await asyncio.to_thread(build_index, root, progress=on_progress)


class IndexKeeper:
    """Owns the server's `WorkspaceIndex` and keeps it current."""

    def __init__(self, root: Path) -> None:
        """Keep the index of the workspace at `root` (nothing is built yet)."""
        self.root = root
        self.index: Any = None
        """The `WorkspaceIndex`, once built."""
        self.ready = asyncio.Event()
        self.error: str | None = None
        self._pending: dict[str, str] = {}

    async def build(self, server: LanguageServer) -> None:
        """Build the index in a worker thread, reporting `$/progress` with file counts.

        The sequence is begin -> "cached/N files" -> a count per finished chunk ->
        "N/N files" -> end with the summary.
        """
        progress = WorkProgress(server, "Kimi: indexing workspace", token="kimiCode/index")
        await progress.begin(f"scanning {self.root}")
        started = time.monotonic()
        try:
            self.index = await _build_reporting(self.root, progress)
        except Exception as exc:  # reported to the user; the server keeps serving
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("indexing %s failed", self.root)
            progress.end(f"indexing failed: {self.error}")
            return
        finally:
            self.ready.set()
        for rel, text in self._pending.items():
            self._update(rel, text)
        self._pending.clear()
        indexed = len(self.index.files)
        seconds = time.monotonic() - started
        progress.end(f"indexed {indexed} files in {seconds:.2f}s")

    def document_changed(self, rel: str, text: str) -> None:
        """Re-index one file from the editor's buffer (queued until the first build ends)."""
        if self.index is None:
            self._pending[rel] = text
            return
        self._update(rel, text)

    def _update(self, rel: str, text: str) -> None:
        try:
            self.index.update_file(rel, text)  # diffs against the last text: incremental parse
        except WorkspaceError:
            pass  # not a source file the index covers
        except Exception:  # a buffer the indexer chokes on must not take the server down
            log.exception("re-indexing %s failed", rel)

    def document_closed(self, rel: str) -> None:
        """Drop the open buffer of `rel` (its index entry stays)."""
        self._pending.pop(rel, None)
        if self.index is not None:
            self.index.close_file(rel)

    def files_changed(self, removed: list[str], added: list[str]) -> None:
        """Follow files created, deleted or renamed in the editor (read from disk)."""
        if self.index is None:
            return
        for rel in removed:
            self._pending.pop(rel, None)
            self.index.remove_file(rel)
        for rel in added:
            path = self.root / rel
            if path.is_file():
                self._update(rel, path.read_text(encoding="utf-8", errors="replace"))

    def stats(self) -> dict[str, Any]:
        """JSON summary for the editor (`kimiCode.index`)."""
        if self.index is None:
            return {"ready": self.ready.is_set(), "error": self.error, "files": 0}
        return {
            "ready": True,
            "error": self.error,
            "files": len(self.index.files),
            "skipped": len(self.index.skipped),
        }
