"""Forced tool calls by constrained decoding, for small local models (llm layer).

A small model asked to call a tool rambles instead. When a call is required, the local backend
asks instead for a JSON object `{"name": ..., "arguments": {...}}` whose schema is the union of
the offered tools (llama.cpp compiles it to a grammar), then turns the answer into an ordinary
`ToolCall`. The output is a valid call of a real tool with schema-valid arguments by
construction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kimi_code.llm.types import ChatResponse, Message, ToolCall, ToolSpec

__all__ = ["forced_call_format", "is_forced", "to_tool_call"]


def is_forced(tools: Sequence[ToolSpec], tool_choice: str | dict[str, Any] | None) -> bool:
    """Whether the caller requires a tool call (`required` or a named function)."""
    return bool(tools) and (tool_choice == "required" or isinstance(tool_choice, dict))


def _chosen(tools: Sequence[ToolSpec], tool_choice: str | dict[str, Any] | None) -> list[ToolSpec]:
    if isinstance(tool_choice, dict):
        name = (tool_choice.get("function") or {}).get("name")
        picked = [t for t in tools if t.name == name]
        return picked or list(tools)
    return list(tools)


def forced_call_format(
    tools: Sequence[ToolSpec], tool_choice: str | dict[str, Any] | None = "required"
) -> dict[str, Any]:
    """Return a `response_format` whose only valid answers are calls of the given tools."""
    variants = [
        {
            "type": "object",
            "properties": {"name": {"const": t.name}, "arguments": t.parameters},
            "required": ["name", "arguments"],
            "additionalProperties": False,
        }
        for t in _chosen(tools, tool_choice)
    ]
    schema = variants[0] if len(variants) == 1 else {"anyOf": variants}
    return {"type": "json_schema", "json_schema": {"name": "tool_call", "schema": schema}}


def to_tool_call(resp: ChatResponse) -> ChatResponse:
    """Turn a constrained `{"name", "arguments"}` answer into a tool-call message.

    An answer that is not such an object (cut off by `max_tokens`) is returned unchanged.
    """
    try:
        data = json.loads(resp.message.content or "")
        name, args = data["name"], data["arguments"]
    except (json.JSONDecodeError, KeyError, TypeError):
        return resp
    call = ToolCall(id="call_0", name=str(name), arguments=json.dumps(args))
    message = Message(role="assistant", content=None, tool_calls=(call,))
    return replace(resp, message=message, finish_reason="tool_calls")
