"""Document sync handlers: keep the index current from the editor's buffers (adapter layer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from kimi_code.lsp.convert import uri_to_path

if TYPE_CHECKING:
    from kimi_code.lsp.server import KimiLanguageServer


def _reindex(server: KimiLanguageServer, uri: str) -> None:
    rel = uri_to_path(server.root, uri)
    doc = server.workspace.text_documents.get(uri)
    if rel is not None and doc is not None:
        server.keeper.document_changed(rel, doc.source)


_SOURCES = lsp.FileOperationRegistrationOptions(
    filters=[
        lsp.FileOperationFilter(
            pattern=lsp.FileOperationPattern(glob="**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts,py}"),
            scheme="file",
        )
    ]
)


def _paths(server: KimiLanguageServer, uris: list[str]) -> list[str]:
    return [rel for uri in uris if (rel := uri_to_path(server.root, uri)) is not None]


def register(server: KimiLanguageServer) -> None:
    """Register didOpen/didChange/didClose/didSave on `server` (pygls updates the buffers first)."""

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        _reindex(server, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        _reindex(server, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        rel = uri_to_path(server.root, params.text_document.uri)
        if rel is not None:
            server.keeper.document_closed(rel)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        _reindex(server, params.text_document.uri)

    @server.feature(lsp.WORKSPACE_DID_RENAME_FILES, _SOURCES)
    def did_rename(params: lsp.RenameFilesParams) -> None:
        old = _paths(server, [f.old_uri for f in params.files])
        server.keeper.files_changed(old, _paths(server, [f.new_uri for f in params.files]))

    @server.feature(lsp.WORKSPACE_DID_CREATE_FILES, _SOURCES)
    def did_create(params: lsp.CreateFilesParams) -> None:
        server.keeper.files_changed([], _paths(server, [f.uri for f in params.files]))

    @server.feature(lsp.WORKSPACE_DID_DELETE_FILES, _SOURCES)
    def did_delete(params: lsp.DeleteFilesParams) -> None:
        server.keeper.files_changed(_paths(server, [f.uri for f in params.files]), [])
