"""Initialize, settings and shutdown handlers (adapter layer)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from kimi_code.errors import ConfigError
from kimi_code.lsp.indexing import IndexKeeper
from kimi_code.lsp.settings import SECTION, parse_settings

if TYPE_CHECKING:
    from kimi_code.lsp.server import KimiLanguageServer

log = logging.getLogger(__name__)


def _root_of(params: lsp.InitializeParams) -> Path:
    uri = params.workspace_folders[0].uri if params.workspace_folders else params.root_uri
    fs_path = to_fs_path(uri) if uri else params.root_path
    return Path(fs_path or ".").resolve()


async def _load_settings(server: KimiLanguageServer) -> None:
    """Pull `kimiCode.*` from the client (when it offers workspace/configuration)."""
    caps = server.client_capabilities.workspace
    if not (caps and caps.configuration):
        return
    try:
        values: Sequence[Any] = await server.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=SECTION)])
        )
        server.settings = parse_settings(values[0] if values else None, server.settings)
    except ConfigError as exc:
        server.window_show_message(
            lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"Kimi Code: {exc}")
        )
    except Exception as exc:  # a client that fails the request keeps the defaults
        log.warning("workspace/configuration failed: %s", exc)


def register(server: KimiLanguageServer) -> None:
    """Register the lifecycle handlers on `server`."""

    @server.feature(lsp.INITIALIZE)
    def initialize(params: lsp.InitializeParams) -> None:
        server.root = _root_of(params)
        server.keeper = IndexKeeper(server.root)
        try:
            server.settings = parse_settings(params.initialization_options, server.settings)
        except ConfigError as exc:
            log.error("initializationOptions: %s", exc)

    @server.feature(lsp.INITIALIZED)
    async def initialized(_params: lsp.InitializedParams) -> None:
        await _load_settings(server)
        server.track(asyncio.create_task(server.keeper.build(server)))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration_changed(_params: lsp.DidChangeConfigurationParams) -> None:
        await _load_settings(server)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(*_args: Any) -> None:
        for session in server.runs.values():
            if session.state == "running":
                session.cancel()
