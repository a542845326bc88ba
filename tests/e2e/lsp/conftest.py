"""Harness of the language-server end-to-end tests: a real server over stdio.

Each test copies examples/ to a temporary workspace, starts the server as a subprocess
(`scripted_server.py`, which is `kimi-code lsp` with a scripted model backend injected
through the run API's backend seam) and drives it with pytest-lsp's client, speaking as
VS Code (its recorded capabilities) unless a test says otherwise.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

REPO = Path(__file__).resolve().parents[3]
SERVER = Path(__file__).with_name("scripted_server.py")


class Session:
    """A started server plus everything it sent us."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.agent_events: list[dict[str, Any]] = []
        self.finished: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.edits: list[lsp.ApplyWorkspaceEditParams] = []
        self.apply_result: Callable[[lsp.ApplyWorkspaceEditParams], bool] = lambda _p: True
        self.on_first_event: asyncio.Event = asyncio.Event()
        self.init: lsp.InitializeResult | None = None

    def uri(self, rel: str) -> str:
        """File URI of a workspace path."""
        uri = from_fs_path(str(self.root / rel))
        assert uri is not None
        return uri

    def finished_future(self, run_id: str) -> asyncio.Future[dict[str, Any]]:
        """Future resolved with the `kimiCode/runFinished` payload of `run_id`."""
        return self.finished.setdefault(run_id, asyncio.get_running_loop().create_future())

    async def run(self, wait_s: float = 60, **args: Any) -> tuple[str, dict[str, Any]]:
        """Execute kimiCode.swarmRefactor and wait for its runFinished."""
        result = await self.client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="kimiCode.swarmRefactor", arguments=[args])
        )
        run_id = result["runId"]
        return run_id, await asyncio.wait_for(self.finished_future(run_id), wait_s)

    def open(self, rel: str, text: str | None = None, version: int = 1) -> None:
        """didOpen a workspace file (with its disk text unless `text` is given)."""
        body = text if text is not None else (self.root / rel).read_text(encoding="utf-8")
        lang = "typescript" if rel.endswith(".ts") else "javascript"
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=self.uri(rel), language_id=lang, version=version, text=body
                )
            )
        )


def _wire(client: LanguageClient, session: Session) -> None:
    @client.feature("kimiCode/agentProgress")
    def agent_progress(params: Any) -> None:
        session.agent_events.append(_plain(params))
        session.on_first_event.set()

    @client.feature("kimiCode/runFinished")
    def run_finished(params: Any) -> None:
        payload = _plain(params)
        fut = session.finished_future(payload["runId"])
        if not fut.done():
            fut.set_result(payload)

    @client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        session.edits.append(params)
        return lsp.ApplyWorkspaceEditResult(applied=session.apply_result(params))


def _plain(value: Any) -> Any:
    """pygls hands custom notifications over as attrs-like objects; make them dicts."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if hasattr(value, "__dict__") and not isinstance(value, (str, int, float, bool)):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of examples/ (no node_modules)."""
    dest = tmp_path / "ws"
    shutil.copytree(REPO / "examples", dest, ignore=shutil.ignore_patterns("node_modules", ".kimi"))
    return dest


StartFn = Callable[..., Any]


@pytest_asyncio.fixture
async def start(workspace: Path) -> AsyncIterator[StartFn]:
    """Factory: start a server with a named script and initialize it on `workspace`."""
    sessions: list[Session] = []

    async def _start(
        script: str = "weak",
        client_name: str = "visual-studio-code",
        settings: dict[str, Any] | None = None,
    ) -> Session:
        client = make_test_lsp_client()
        client.set_configuration(settings or {}, section="kimiCode")
        session = Session(client, workspace)
        _wire(client, session)
        await client.start_io(sys.executable, str(SERVER), "--script", script)
        session.init = await client.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities(client_name),
                root_uri=from_fs_path(str(workspace)),
                workspace_folders=[
                    lsp.WorkspaceFolder(uri=from_fs_path(str(workspace)) or "", name="ws")
                ],
            )
        )
        sessions.append(session)
        return session

    yield _start
    for session in sessions:
        await session.client.shutdown_session()
        await session.client.stop()
