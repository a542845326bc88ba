"""Model-chosen types for what the compiler could not infer (core layer).

The declarations of a file still typed `unknown` or `any` go to the model in one narrow
question: each declaration with its uses, and for each the model must answer with one type
from a fixed candidate list (a JSON schema with one enum per declaration, so a constrained
decoder cannot wander). One request per file, not per declaration: a small local model
spends most of its time reading the prompt. An answer is kept only when the file's compiler
error count does not rise. A small model (a backend not marked capable) is asked only about
declarations no other file sees (a type that compiles in this file may still not fit what other
files pass to an exported function, and their casts would cost more than the type gains), and
its answer is kept only where it removes a compiler error: on the corpus, answers that merely
added none led the later passes to more `any`, not less. So a small model is asked only about
the declarations where even `any` removes an error (an answer elsewhere could not be kept), and
not at all about a file without them; the engine never starts for a project where no file has
such a question. Nor is it asked about a declaration with no uses in the file (a parameter of a
function type): it would answer from the name alone.
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


async def _spots_that_could_gain(
    ctx: ToolContext, path: str, text: str, spots: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The spots where some type could lower the file's compiler error count.

    `any` is the most permissive type there is (its values go anywhere and allow every
    use): a spot where even `any` removes no error is one where no answer could, so the
    model is not asked about it. First one compiler check with `any` on every spot (when
    that removes nothing, nothing is asked), then the batched trials of `helpful_edits`
    find the spots where `any` removes an error: a shorter question, and a small model
    spends its time on the declarations where its answer can be kept.
    """
    helper = helper_for(ctx.workspace.root)
    errors = (await helper.call(ctx.workspace, "error_count", path=path))["errors"]
    if not errors:
        return []
    trial = await helper.call(ctx.workspace, "try_text", path=path, text=_all_any(text, spots))
    if trial["errors"] >= errors:
        return []
    edits = [{"start": s["start"], "end": s["end"], "text": "any"} for s in spots]
    found = await helper.call(ctx.workspace, "helpful_edits", path=path, edits=edits)
    return [spots[i] for i in found["indices"]]


def _all_any(text: str, spots: list[dict[str, Any]]) -> str:
    """`text` with every spot's annotation replaced by `any` (spans count UTF-16 units)."""
    units = text.encode("utf-16-le", "surrogatepass")
    for spot in sorted(spots, key=lambda s: int(s["start"]), reverse=True):
        start, end = 2 * int(spot["start"]), 2 * int(spot["end"])
        units = units[:start] + "any".encode("utf-16-le") + units[end:]
    return units.decode("utf-16-le", "surrogatepass")


async def ask_model_for_types(ctx: ToolContext, path: str) -> tuple[str, str]:
    """Improve `unknown`/`any` declarations of `path`; returns (new text, short report).

    Raises:
        HelperError: the Node helper failed.
    """
    helper = helper_for(ctx.workspace.root)
    text = ctx.workspace.read_text(path)
    spots = (await helper.call(ctx.workspace, "weak_spots", path=path))["spots"]
    assert ctx.backend is not None
    if not ctx.backend.info.capable:
        # a small model goes by the uses it is shown: a declaration without any (a parameter
        # of a function type) gives it only a name, and costs prompt tokens all the same
        spots = [s for s in spots if not s.get("shared") and s.get("uses")]
    if not spots:
        return text, "no declaration left to ask about"
    if not ctx.backend.info.capable:
        # a small model's type is kept only where it removes an error (see below)
        spots = await _spots_that_could_gain(ctx, path, text, spots)
        if not spots:
            return text, "no compiler error a model-chosen type could remove"
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
    gain = not ctx.backend.info.capable
    result = await helper.call(ctx.workspace, "try_edits", path=path, edits=edits, gain=gain)
    kept = result["kept"]
    return result["text"], f"model asked about {len(spots)}, kept {kept} compiler-accepted types"
