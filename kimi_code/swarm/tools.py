"""Generic agent tools: read, search the index, propose edits, check, finish (core layer).

Every tool works through `ToolContext.workspace` (the agent's sandboxed view) and never
writes a file: `propose_edit` returns a `FileChange` that the agent loop stages. A recipe's
own tools are offered next to these and win on a name clash (a recipe may bring a better
`typecheck`). Descriptions live in `prompts/tools/<name>.md`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from kimi_code.errors import UserInputError
from kimi_code.llm.types import ToolSpec
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes.base import Recipe, Tool, ToolContext, ToolResult

__all__ = ["DONE", "MAX_READ_CHARS", "build_tools", "generic_tools"]

DONE = "done"
MAX_READ_CHARS = 60_000
"""Longest text a read returns (the model sees a truncation note past it)."""
MAX_HITS = 50


def _description(name: str) -> str:
    path = resources.files("kimi_code.swarm").joinpath("prompts", "tools", f"{name}.md")
    return path.read_text("utf-8").strip()


def _obj(props: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(required)}


_STR = {"type": "string"}
_INT = {"type": "integer", "minimum": 1}


def _seen(ctx: ToolContext) -> dict[str, str]:
    seen: dict[str, str] = ctx.state.setdefault("read_hashes", {})
    return seen


async def read_file(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    """Return a file (or a line range), numbered, and remember the hash the agent saw."""
    path = str(args["path"])
    text = ctx.workspace.read_text(path)
    _seen(ctx)[path] = content_hash(text)
    lines = text.splitlines()
    start = int(args.get("start_line") or 1)
    end = int(args.get("end_line") or len(lines))
    body = "\n".join(f"{n}: {lines[n - 1]}" for n in range(max(1, start), min(end, len(lines)) + 1))
    if len(body) > MAX_READ_CHARS:
        body = body[:MAX_READ_CHARS] + "\n[truncated: read a line range]"
    header = f"{path} ({len(lines)} lines, lines {start}-{min(end, len(lines))})"
    return ToolResult(True, f"{header}\n{body}", data={"hash": _seen(ctx)[path]})


async def search_symbols(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    """Find symbols whose name contains the query."""
    if ctx.index is None:
        return ToolResult(False, "no workspace index in this run")
    query = str(args["query"]).lower()
    hits: list[str] = []
    for path in sorted(ctx.index.files):
        for symbol in ctx.index.files[path].symbols:
            if query in symbol.name.lower():
                hits.append(f"{symbol.kind} {symbol.name} {path}:{symbol.span.start_line + 1}")
    more = f"\n[{len(hits) - MAX_HITS} more]" if len(hits) > MAX_HITS else ""
    return ToolResult(True, "\n".join(hits[:MAX_HITS]) + more if hits else "no match")


async def find_references(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    """List uses of an export across the workspace."""
    if ctx.index is None:
        return ToolResult(False, "no workspace index in this run")
    refs = ctx.index.references(str(args["path"]), str(args["name"]))
    lines = [
        f"{r.file}:{r.span.start_line + 1}"
        + (f" call({', '.join(r.call_args)})" if r.is_call else "")
        for r in refs[:MAX_HITS]
    ]
    return ToolResult(True, "\n".join(lines) if lines else "no references")


def _edited_text(current: str, args: dict[str, Any]) -> str:
    if "content" in args and args["content"] is not None:
        return str(args["content"])
    search, replace = args.get("search"), args.get("replace")
    if not isinstance(search, str) or not isinstance(replace, str) or not search:
        raise UserInputError("give `content`, or both `search` (non-empty) and `replace`")
    count = current.count(search)
    if count != 1:
        raise UserInputError(f"`search` must occur exactly once; it occurs {count} times")
    return current.replace(search, replace, 1)


async def propose_edit(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    """Stage a search/replace or whole-file edit, refusing stale writes."""
    path = str(args["path"])
    new_path = args.get("new_path") or None
    if not ctx.workspace.exists(path):
        if "content" not in args:
            return ToolResult(False, f"{path}: no such file; give `content` to create it")
        change = FileChange(path=path, new_text=str(args["content"]), old_hash=None)
        return ToolResult(True, f"created {path}", changes=(change,))
    current = ctx.workspace.read_text(path)
    seen = _seen(ctx).get(path)
    if seen is None:
        return ToolResult(False, f"{path}: read the file before editing it")
    if seen != content_hash(current):
        return ToolResult(False, f"{path}: stale write refused: the file changed; read it again")
    text = _edited_text(current, args)
    change = FileChange(path=path, new_text=text, old_hash=seen, new_path=new_path)
    _seen(ctx)[new_path or path] = content_hash(text)
    where = f"{path} -> {new_path}" if new_path else path
    return ToolResult(True, f"staged edit of {where}", changes=(change,))


async def done(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    """Mark the agent finished."""
    return ToolResult(True, "ok", data={"done": True, "summary": str(args.get("summary", ""))})


def _verify_tool(recipe: Recipe, name: str) -> Tool:
    async def handler(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        if ctx.index is None:
            return ToolResult(False, "no workspace index in this run")
        result = await recipe.verify(ctx.workspace, ctx.index)
        if name == "run_tests":
            tests = result.tests_after
            if tests is None:
                return ToolResult(True, "the project has no test command")
            text = f"{tests.command}: {tests.passed} passed, {tests.failed} failed"
            return ToolResult(tests.ok, text + "\n" + tests.output_tail[-2000:])
        mine = [d for d in result.diagnostics if d.file in ctx.state.get("targets", ctx.files)]
        lines = [f"{d.file}:{d.line}:{d.column} {d.code} {d.message}" for d in mine[:MAX_HITS]]
        return ToolResult(not mine, "\n".join(lines) or "no errors in your files")

    return Tool(ToolSpec(name, _description(name), _obj({})), handler)


def generic_tools() -> list[Tool]:
    """The tools every agent gets, whatever the recipe."""
    return [
        Tool(
            ToolSpec(
                "read_file",
                _description("read_file"),
                _obj({"path": _STR, "start_line": _INT, "end_line": _INT}, ["path"]),
            ),
            read_file,
        ),
        Tool(
            ToolSpec(
                "search_symbols", _description("search_symbols"), _obj({"query": _STR}, ["query"])
            ),
            search_symbols,
        ),
        Tool(
            ToolSpec(
                "find_references",
                _description("find_references"),
                _obj({"path": _STR, "name": _STR}, ["path", "name"]),
            ),
            find_references,
        ),
        Tool(
            ToolSpec(
                "propose_edit",
                _description("propose_edit"),
                _obj(
                    {
                        "path": _STR,
                        "search": _STR,
                        "replace": _STR,
                        "content": _STR,
                        "new_path": _STR,
                    },
                    ["path"],
                ),
            ),
            propose_edit,
        ),
        Tool(ToolSpec(DONE, _description(DONE), _obj({"summary": _STR})), done),
    ]


def build_tools(recipe: Recipe | None) -> Mapping[str, Tool]:
    """Every tool of a run: generic ones, verification tools, then the recipe's (which win)."""
    tools = {tool.name: tool for tool in generic_tools()}
    if recipe is not None:
        for name in ("typecheck", "run_tests"):
            tools[name] = _verify_tool(recipe, name)
        tools.update({tool.name: tool for tool in recipe.tools()})
    return tools


def describe(tools: Mapping[str, Tool]) -> str:
    """One line per tool, for prompts."""
    return "\n".join(f"- {t.name}: {t.spec.description.splitlines()[0]}" for t in tools.values())


def parse_arguments(raw: str) -> dict[str, Any]:
    """Parse a tool call's JSON arguments (empty means no arguments).

    Raises:
        UserInputError: the arguments are not a JSON object.
    """
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserInputError(f"arguments are not valid JSON ({exc.msg} at {exc.pos})") from None
    if not isinstance(value, dict):
        raise UserInputError("arguments must be a JSON object")
    return value
