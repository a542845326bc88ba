"""The Kimi Code language server: wiring only (adapter layer).

`KimiLanguageServer` holds the per-session state (workspace root, index keeper, settings,
runs) and `create_server` registers the handler groups in `kimi_code.lsp.handlers`.
Handlers read params, call the core, convert and return; the conversions live in
`convert.py` and the long-lived run tracking in `runs.py`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pygls.lsp.server import LanguageServer

from kimi_code import __version__
from kimi_code.lsp.handlers import code_actions, commands, documents, lifecycle
from kimi_code.lsp.indexing import IndexKeeper
from kimi_code.lsp.runs import RunSession
from kimi_code.lsp.settings import Settings

__all__ = ["KimiLanguageServer", "create_server"]


class KimiLanguageServer(LanguageServer):
    """pygls server plus the state of one editor session."""

    def __init__(self, backend: Any = None) -> None:
        """Create the server; `backend` overrides the model backend (a `ChatBackend`)."""
        super().__init__("kimi-code", __version__)
        self.backend = backend
        """Backend passed to every run (None: chosen from the settings)."""
        self.root: Path = Path.cwd()
        self.settings = Settings()
        self.keeper = IndexKeeper(self.root)
        self.runs: dict[str, RunSession] = {}
        self.tasks: set[asyncio.Task[Any]] = set()

    def track(self, task: asyncio.Task[Any]) -> None:
        """Keep a reference to a background task until it ends (RUF006)."""
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


def create_server(backend: Any = None) -> KimiLanguageServer:
    """Build a server with every handler group registered."""
    server = KimiLanguageServer(backend)
    for group in (lifecycle, documents, commands, code_actions):
        group.register(server)
    return server
