"""Well-behaved model answers for the fault server (the part of a model that is not a fault).

`default_responder` answers schema-valid JSON or a short text; `agent_responder` plays a
tidy agent: read the first owned file, make one search/replace edit, call `done`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def tool_call(name: str, arguments: str, n: int) -> dict[str, Any]:
    """One OpenAI wire tool call."""
    return {
        "id": f"call_{n}",
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def minimal_instance(schema: Mapping[str, Any]) -> Any:
    """The smallest value that satisfies a simple JSON schema (for json_schema answers)."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return minimal_instance(schema[key][0])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: minimal_instance(props.get(k, {})) for k in schema.get("required", [])}
    return {"array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(kind)


def default_responder(body: dict[str, Any]) -> dict[str, Any]:
    """A polite model: schema-valid JSON when a schema is asked for, else a short answer."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        schema = fmt.get("json_schema", {}).get("schema", {})
        return {"role": "assistant", "content": json.dumps(minimal_instance(schema))}
    if fmt.get("type") == "json_object":
        return {"role": "assistant", "content": "{}"}
    return {"role": "assistant", "content": "Done."}


def _owned_files(messages: list[dict[str, Any]]) -> list[str]:
    for msg in messages:
        text = msg.get("content") or ""
        if msg.get("role") == "user" and "Files you own:" in text:
            block = text.split("Files you own:", 1)[1].strip().split("\n\n", 1)[0]
            return [ln[2:].strip() for ln in block.splitlines() if ln.startswith("- ")]
    return []


def _pick_line(numbered: str) -> str | None:
    lines = [ln.split(": ", 1)[1] for ln in numbered.splitlines()[1:] if ": " in ln]
    for line in lines:
        if line.strip() and lines.count(line) == 1 and "`" not in line:
            return line
    return None


def agent_responder(body: dict[str, Any]) -> dict[str, Any]:
    """A well-behaved agent model: read the first owned file, make one edit, call done."""
    tools = {t["function"]["name"] for t in body.get("tools") or []}
    messages = body.get("messages") or []
    files = _owned_files(messages)
    if not tools or not files or "read_file" not in tools:
        return default_responder(body)
    calls = [
        c["function"]["name"]
        for m in messages
        if m.get("role") == "assistant"
        for c in m.get("tool_calls") or []
    ]
    n = len(calls)
    if "read_file" not in calls:
        return _call("read_file", {"path": files[0]}, n)
    if "propose_edit" not in calls and "propose_edit" in tools:
        reads = [m.get("content") or "" for m in messages if m.get("role") == "tool"]
        line = _pick_line(reads[0]) if reads else None
        if line is not None:
            args = {"path": files[0], "search": line, "replace": line + " // reviewed"}
            return _call("propose_edit", args, n)
    return _call("done", {"summary": "reviewed"}, n)


def _call(name: str, args: dict[str, Any], n: int) -> dict[str, Any]:
    call = tool_call(name, json.dumps(args), n)
    return {"role": "assistant", "content": None, "tool_calls": [call]}
