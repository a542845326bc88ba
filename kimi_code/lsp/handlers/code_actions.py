"""Code actions on a selection: small runs scoped to one file (adapter layer).

Each action carries a command; executing it starts a run like the palette does, and the
result comes back as a workspace edit. "Refactor selection…" is a client command because
the editor must ask the user for the instruction first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from kimi_code.lsp.convert import uri_to_path
from kimi_code.lsp.handlers.commands import SWARM_REFACTOR

if TYPE_CHECKING:
    from kimi_code.lsp.server import KimiLanguageServer

CLIENT_REFACTOR_SELECTION = "kimiCode.palette.refactorSelection"
_JS = (".js", ".jsx", ".mjs", ".cjs")
_TYPED = (*_JS, ".ts", ".tsx", ".mts", ".cts", ".py")
_KIND = lsp.CodeActionKind.RefactorRewrite


def _lines(rng: lsp.Range) -> str:
    end = (
        rng.end.line
        if rng.end.character > 0 or rng.end.line == rng.start.line
        else rng.end.line - 1
    )
    return f"lines {rng.start.line + 1}-{end + 1}"


def _action(title: str, command: str, args: Mapping[str, object]) -> lsp.CodeAction:
    return lsp.CodeAction(
        title=title, kind=_KIND, command=lsp.Command(title=title, command=command, arguments=[args])
    )


def actions_for(uri: str, rel: str, rng: lsp.Range) -> list[lsp.CodeAction]:
    """The Kimi actions offered for a selection `rng` in file `rel`."""
    out: list[lsp.CodeAction] = []
    if rng.start != rng.end:
        instruction = (
            f"Add precise types (no `any`) to the code on {_lines(rng)} of {rel}. "
            "Change nothing else; keep behaviour identical."
        )
        add_types = {"instruction": instruction, "paths": [uri], "maxAgents": 1}
        out.append(_action("Kimi: Add types to selection", SWARM_REFACTOR, add_types))
        selection = {"uri": uri, "file": rel, "lines": _lines(rng)}
        out.append(_action("Kimi: Refactor selection…", CLIENT_REFACTOR_SELECTION, selection))
    if rel.endswith(_JS):
        convert = {"recipe": "js-to-ts", "paths": [uri], "maxAgents": 1}
        out.append(_action("Kimi: Convert this file to TypeScript", SWARM_REFACTOR, convert))
    return out


def register(server: KimiLanguageServer) -> None:
    """Register textDocument/codeAction on `server`."""

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[_KIND]))
    def code_action(params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        uri = params.text_document.uri
        rel = uri_to_path(server.root, uri)
        if rel is None or not rel.endswith(_TYPED):
            return None
        only = params.context.only
        if only and not any(_KIND.value.startswith(getattr(kind, "value", kind)) for kind in only):
            return None
        return actions_for(uri, rel, params.range) or None
