"""The JS->TS recipe's per-file operations, offered to agents as tools (core layer).

Each tool takes the file's ORIGINAL workspace path (`path`), finds its current path in the
staged view, asks the Node helper for the new text and returns it as a `FileChange`; it never
writes. Order (the recipe-driven policy): rename, module syntax, infer types, model types,
finalize (narrow `any` to `unknown`, then the last resort).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kimi_code.errors import UserInputError
from kimi_code.llm.types import ToolSpec
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes.base import Tool, ToolContext, ToolResult
from kimi_code.recipes.js_to_ts.helper import HelperError, helper_for
from kimi_code.recipes.js_to_ts.model_types import ask_model_for_types
from kimi_code.recipes.js_to_ts.paths import JS_SUFFIXES, ts_path

__all__ = ["TOOL_NAMES", "build_tools", "current_path", "left_as_javascript"]

_PATH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"path": {"type": "string", "description": "original workspace-relative path"}},
    "required": ["path"],
    "additionalProperties": False,
}


def current_path(ctx: ToolContext, original: str) -> str:
    """The path `original` has now in the staged view (renamed or not)."""
    ws = ctx.workspace
    if ws.exists(original):
        return original
    stem = original
    for suffix in JS_SUFFIXES:
        if original.endswith(suffix):
            stem = original[: -len(suffix)]
    for candidate in (ts_path(original), stem + ".tsx"):
        if ws.exists(candidate):
            return candidate
    return original


def _change(ctx: ToolContext, path: str, new_text: str, new_path: str | None = None) -> FileChange:
    old = ctx.workspace.read_text(path)
    return FileChange(
        path=path,
        new_text=new_text,
        old_hash=content_hash(old),
        new_path=new_path,
        owner=ctx.agent_id,
    )


async def left_as_javascript(ctx: ToolContext, path: str) -> str | None:
    """Why JavaScript file `path` cannot be converted (it is left as it is), or None.

    It cannot be read as UTF-8 text, or TypeScript's parser finds syntax errors in it: what
    renaming it to TypeScript cannot fix, and the verification would refuse the whole run.

    Raises:
        HelperError: the Node helper failed.
    """
    try:
        ctx.workspace.read_text(path)
    except UserInputError as exc:  # not text, or not UTF-8: the message names the path
        return str(exc).removeprefix(f"{exc.path}: ")
    indexed = ctx.index.files.get(path) if ctx.index is not None else None
    if indexed is not None and not indexed.has_errors:
        return None  # tree-sitter read it whole: TypeScript's parser is not asked
    result = await helper_for(ctx.workspace.root).call(ctx.workspace, "syntax", path=path)
    errors = result.get("errors") or []
    if not errors:
        return None
    first = errors[0]  # the rest often follow from it
    return f"does not parse as JavaScript (line {first['line']}: {first['message'].rstrip('.')})"


def _left(ctx: ToolContext, path: str, reason: str) -> ToolResult:
    """The result of a step on a file left as JavaScript; the reason is the file's note."""
    note = f"left as JavaScript: {reason}"
    ctx.state.setdefault("left", {})[path] = note
    return ToolResult(ok=True, content=f"{path}: {note}", data={"left": reason})


async def rename(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    """Rename a JavaScript file to its TypeScript name (unless it cannot be converted)."""
    path = current_path(ctx, args["path"])
    if not path.endswith(JS_SUFFIXES):
        return ToolResult(ok=True, content=f"{path}: already TypeScript")
    try:
        reason = await left_as_javascript(ctx, path)
    except HelperError as exc:
        return ToolResult(ok=False, content=f"{path}: {exc}")
    if reason is not None:
        return _left(ctx, path, reason)
    text = ctx.workspace.read_text(path)
    target = ts_path(path, text)
    return ToolResult(
        ok=True,
        content=f"{path} -> {target}",
        changes=(_change(ctx, path, text, target),),
        data={"new_path": target},
    )


def _helper_tool(
    op: str, summary: Callable[[dict[str, Any]], str], **extra: Any
) -> Callable[[ToolContext, dict[str, Any]], Awaitable[ToolResult]]:
    async def handler(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        path = current_path(ctx, args["path"])
        try:
            if path.endswith(JS_SUFFIXES):
                reason = await left_as_javascript(ctx, path)
                if reason is not None:
                    return _left(ctx, path, reason)
                return ToolResult(ok=False, content=f"{path}: rename it to TypeScript first")
            result = await helper_for(ctx.workspace.root).call(
                ctx.workspace, op, path=path, **extra
            )
        except HelperError as exc:
            return ToolResult(ok=False, content=f"{path}: {exc}")
        text = result.get("text")
        changes: tuple[FileChange, ...] = ()
        if isinstance(text, str) and text != ctx.workspace.read_text(path):
            changes = (_change(ctx, path, text),)
        data = {k: v for k, v in result.items() if k != "text"}
        return ToolResult(ok=True, content=f"{path}: {summary(result)}", changes=changes, data=data)

    return handler


async def model_types(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    """Ask the model backend to choose types the compiler could not infer."""
    path = current_path(ctx, args["path"])
    if path.endswith(JS_SUFFIXES):
        return ToolResult(ok=True, content=f"{path}: JavaScript; no types to choose")
    if ctx.backend is None:
        return ToolResult(ok=True, content=f"{path}: no model backend; skipped")
    text, report = await ask_model_for_types(ctx, path)
    changes = (_change(ctx, path, text),) if text != ctx.workspace.read_text(path) else ()
    return ToolResult(ok=True, content=f"{path}: {report}", changes=changes)


_TOOLS: tuple[
    tuple[str, str, Callable[[ToolContext, dict[str, Any]], Awaitable[ToolResult]]], ...
] = (
    ("jsts_rename", "Rename a .js/.jsx/.mjs/.cjs file to .ts/.tsx/.mts/.cts.", rename),
    (
        "jsts_module",
        "Rewrite CommonJS require/module.exports as TypeScript import =/export = (same emit).",
        _helper_tool(
            "module", lambda r: "; ".join(r.get("notes") or []) or "module syntax converted"
        ),
    ),
    (
        "jsts_infer",
        "Add types from JSDoc, class members and usage (TypeScript code fixes) where they compile.",
        _helper_tool("infer", lambda r: f"{r['errors']} errors left after {r['applied']}"),
    ),
    (
        "jsts_model_types",
        "Ask the model to choose types among compiler-checked candidates.",
        model_types,
    ),
    (
        "jsts_finalize",
        "Narrow any to unknown where it compiles; remove remaining errors (non-null, unknown, "
        "any, then @ts-expect-error with the reason); then replace what `any` is left by "
        "call-site types and the shapes its uses need, where that compiles.",
        _helper_tool("finalize", lambda r: f"{r['errors']} errors left; used {r['used']}"),
    ),
    (
        "jsts_polish",
        "Once every file is typed: types from call sites and uses again, then drop or narrow "
        "the casts that are no longer needed, where that compiles.",
        _helper_tool("polish", lambda r: f"{r['errors']} errors left; used {r['used']}"),
    ),
)

TOOL_NAMES = tuple(name for name, _, _ in _TOOLS)


def build_tools() -> list[Tool]:
    """The recipe's tools."""
    return [
        Tool(spec=ToolSpec(name=name, description=desc, parameters=_PATH_SCHEMA), handler=handler)
        for name, desc, handler in _TOOLS
    ]
