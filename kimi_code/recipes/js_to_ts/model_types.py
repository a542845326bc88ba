"""Model-chosen types for what the compiler could not infer (core layer).

The declarations of a file still typed `unknown` or `any` go to the model in one narrow
question: each declaration with its uses, and for each the model must answer with one type
from a fixed candidate list (a JSON schema with one enum per declaration, so a constrained
decoder cannot wander). One request per file, not per declaration. An answer is kept only when
the file's compiler error count does not rise.

Only a capable backend (Kimi K2.5, or an endpoint marked `capable` in kimi.toml) is asked. A
small model's answers were worth less than their cost: on the 66 packages of the corpus and
the held-out lists, asked only where an answer could remove a compiler error, the embedded
default model had 6 questions; 2 answers were kept, and one of them was wrong (`charset:
string[]` for qs's string option, hidden behind a suppression at the one call that passes it),
while the questions took 13 seconds, on the dependency chain where the files that import the
asked file wait for it. The compiler-driven passes type what remains without it.
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
    "You add TypeScript types to code converted from JavaScript. For each numbered "
    "declaration answer with one of the allowed types: the most specific one that fits every "
    'use. Answer with JSON {"1": T1, "2": T2, ...}.'
)


def _schema(count: int) -> dict[str, Any]:
    keys = [str(i + 1) for i in range(count)]
    choice = {"type": "string", "enum": list(CANDIDATES)}
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "type_choices",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {k: choice for k in keys},
                "required": keys,
                "additionalProperties": False,
            },
        },
    }


def _question(path: str, spots: list[dict[str, Any]]) -> str:
    parts = [f"File {path}. Allowed types: {', '.join(CANDIDATES)}."]
    for i, spot in enumerate(spots, 1):
        uses = "\n".join(f"    {u}" for u in spot.get("uses", [])) or "    (none)"
        parts.append(
            f"{i}. in `{spot['context']}`: `{spot['name']}` is typed `{spot['current']}`; "
            f"its uses:\n{uses}"
        )
    return "\n".join(parts)


async def _choose(ctx: ToolContext, path: str, spots: list[dict[str, Any]]) -> list[str | None]:
    """The model's type for each spot (None: no answer, not allowed, or unchanged)."""
    assert ctx.backend is not None
    messages = [
        Message(role="system", content=_SYSTEM),
        Message(role="user", content=_question(path, spots)),
    ]
    try:
        reply = await ctx.backend.chat(
            messages, response_format=_schema(len(spots)), max_tokens=16 * len(spots) + 16
        )
        answers = json.loads(reply.message.content or "{}")
    except (BackendError, ValueError, AttributeError):
        return [None] * len(spots)
    if not isinstance(answers, dict):
        return [None] * len(spots)
    out: list[str | None] = []
    for i, spot in enumerate(spots, 1):
        answer = answers.get(str(i))
        out.append(answer if answer in CANDIDATES and answer != spot["current"] else None)
    return out


async def ask_model_for_types(ctx: ToolContext, path: str) -> tuple[str, str]:
    """Improve `unknown`/`any` declarations of `path`; returns (new text, short report).

    Raises:
        HelperError: the Node helper failed.
    """
    text = ctx.workspace.read_text(path)
    assert ctx.backend is not None
    if not ctx.backend.info.capable:
        return text, "the model backend is not marked capable; not asked"
    helper = helper_for(ctx.workspace.root)
    spots = (await helper.call(ctx.workspace, "weak_spots", path=path))["spots"]
    if not spots:
        return text, "no declaration left to ask about"
    spots = spots[:_MAX_SPOTS]
    choices = await _choose(ctx, path, spots)
    edits = [
        {"start": s["start"], "end": s["end"], "text": c}
        for s, c in zip(spots, choices, strict=True)
        if c is not None
    ]
    if not edits:
        return text, f"model asked about {len(spots)}, kept 0 compiler-accepted types"
    # tried together, split only where the compiler rejects some (see node/batch.js)
    result = await helper.call(ctx.workspace, "try_edits", path=path, edits=edits)
    kept = result["kept"]
    return result["text"], f"model asked about {len(spots)}, kept {kept} compiler-accepted types"
