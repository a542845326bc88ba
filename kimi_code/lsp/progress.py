"""Work-done progress for server-initiated work (adapter layer).

Wraps pygls' `work_done_progress` so callers say begin/report/end without caring whether
the client supports server-created progress. A cancellable progress calls `on_cancel`
when the user presses cancel in the editor (`window/workDoneProgress/cancel`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

__all__ = ["WorkProgress"]

log = logging.getLogger(__name__)


class WorkProgress:
    """One server-created work-done progress (a no-op when the client has none)."""

    def __init__(self, server: LanguageServer, title: str, *, token: str | None = None) -> None:
        """Prepare a progress titled `title`; call `begin` to show it."""
        self._server = server
        self.title = title
        self.token = token or f"kimiCode/{uuid.uuid4().hex[:12]}"
        self._active = False
        self._percentage = 0

    def _supported(self) -> bool:
        window = self._server.client_capabilities.window
        return bool(window and window.work_done_progress)

    async def begin(
        self,
        message: str = "",
        *,
        cancellable: bool = False,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        """Create the progress on the client and send `begin`."""
        if not self._supported():
            return
        try:
            await self._server.work_done_progress.create_async(self.token)
        except Exception as exc:  # the client refused: run on without a progress bar
            log.warning("work done progress refused: %s", exc)
            return
        self._active = True
        if on_cancel is not None:
            future: Future[Any] = self._server.work_done_progress.tokens[self.token]
            future.add_done_callback(lambda f: on_cancel() if f.cancelled() else None)
        self._server.work_done_progress.begin(
            self.token,
            lsp.WorkDoneProgressBegin(
                title=self.title, message=message, cancellable=cancellable, percentage=0
            ),
        )

    def report(self, message: str, percentage: int | None = None) -> None:
        """Send a `report` (percentage never goes backwards)."""
        if not self._active:
            return
        if percentage is not None:
            self._percentage = max(self._percentage, min(100, percentage))
        self._server.work_done_progress.report(
            self.token,
            lsp.WorkDoneProgressReport(message=message, percentage=self._percentage),
        )

    def end(self, message: str = "") -> None:
        """Send `end` and forget the token."""
        if not self._active:
            return
        self._active = False
        self._server.work_done_progress.end(self.token, lsp.WorkDoneProgressEnd(message=message))
        self._server.work_done_progress.tokens.pop(self.token, None)
