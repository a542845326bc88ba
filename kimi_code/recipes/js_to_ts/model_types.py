"""Model-chosen types for what the compiler could not infer (core layer).

For each declaration still typed `unknown` or `any`, the model gets one narrow question:
the declaration, its uses and what call sites pass, and must answer with one type from a
fixed candidate list (a JSON-schema enum, so a constrained decoder cannot wander). An
answer is kept only when the file's compiler error count does not rise.
"""

from __future__ import annotations

import json
from typing import Any

from kimi_code.errors import BackendError
from kimi_code.llm.types import Message
from kimi_code.recipes.base import ToolContext
from kimi_code.recipes.js_to_ts.helper import helper_for

__all__ = ["CANDIDATES", "ask_model_for_types"]

CANDIDATES = (
    "string",
    "number",
    "boolean",
    "string[]",
    "number[]",
    "unknown[]",
    "Record<string, unknown>",
    "(...args: unknown[]) => unknown",
    "object",
    "unknown",
)
_MAX_SPOTS = 24
_SYSTEM = (
    "You add TypeScript types to code converted from JavaScript. Answer with JSON "
    '{"type": T} where T is one of the allowed types: the most specific one that fits every use.'
)


def _schema() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "type_choice",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {"type": {"type": "string", "enum": list(CANDIDATES)}},
                "required": ["type"],
                "additionalProperties": False,
            },
        },
    }


def _question(path: str, spot: dict[str, Any]) -> str:
    uses = "\n".join(f"  {u}" for u in spot.get("uses", [])) or "  (none)"
    return (
        f"File {path}, in `{spot['context']}`: `{spot['name']}` is typed `{spot['current']}`.\n"
        f"Its uses:\n{uses}\nAllowed types: {', '.join(CANDIDATES)}."
    )


async def _choose(ctx: ToolContext, path: str, spot: dict[str, Any]) -> str | None:
    assert ctx.backend is not None
    messages = [
        Message(role="system", content=_SYSTEM),
        Message(role="user", content=_question(path, spot)),
    ]
    try:
        reply = await ctx.backend.chat(messages, response_format=_schema(), max_tokens=40)
        answer = json.loads(reply.message.content or "{}").get("type")
    except (BackendError, ValueError, AttributeError):
        return None
    return answer if answer in CANDIDATES and answer != spot["current"] else None


async def ask_model_for_types(ctx: ToolContext, path: str) -> tuple[str, str]:
    """Improve `unknown`/`any` declarations of `path`; returns (new text, short report).

    Raises:
        HelperError: the Node helper failed.
    """
    helper = helper_for(ctx.workspace.root)
    text = ctx.workspace.read_text(path)
    spots = (await helper.call(ctx.workspace, "weak_spots", path=path))["spots"][:_MAX_SPOTS]
    errors = (await helper.call(ctx.workspace, "error_count", path=path))["errors"]
    kept = asked = 0
    for spot in sorted(spots, key=lambda s: -int(s["start"])):  # last first: offsets stay valid
        choice = await _choose(ctx, path, spot)
        asked += 1
        if choice is None:
            continue
        candidate = text[: spot["start"]] + choice + text[spot["end"] :]
        tried = await helper.call(ctx.workspace, "try_text", path=path, text=candidate)
        if tried["errors"] <= errors:
            text, errors, kept = candidate, tried["errors"], kept + 1
    return text, f"model asked {asked}, kept {kept} compiler-accepted types"
