"""Required tool calls on the local engine, answered through the backend (adapter layer).

llama-server parses tool calls but does not force one for small models; the local backend
does (constrained decoding, see `kimi_code.llm.forced_tools`). A request whose `tool_choice`
requires a call is therefore answered by the backend and rendered in the OpenAI format,
streamed as one tool-call chunk when `stream` is set.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import JSONResponse, Response, StreamingResponse

from kimi_code.llm.types import ChatBackend, ChatResponse, Message, ToolCall, ToolSpec
from kimi_code.server.errors import ApiError

__all__ = ["answer_forced_call", "wants_forced_call"]


def wants_forced_call(body: dict[str, Any]) -> bool:
    """Whether the request offers tools and requires a call."""
    choice = body.get("tool_choice")
    return bool(body.get("tools")) and (choice == "required" or isinstance(choice, dict))


def _messages(body: dict[str, Any]) -> list[Message]:
    out = []
    for m in body["messages"]:
        calls = tuple(
            ToolCall(c["id"], c["function"]["name"], c["function"]["arguments"])
            for c in m.get("tool_calls") or []
        )
        out.append(Message(m["role"], m.get("content"), calls, m.get("tool_call_id")))
    return out


def _tools(body: dict[str, Any]) -> list[ToolSpec]:
    fns = [t["function"] for t in body["tools"]]
    return [ToolSpec(f["name"], f.get("description", ""), f.get("parameters", {})) for f in fns]


def _wire(resp: ChatResponse) -> dict[str, Any]:
    return {k: v for k, v in resp.message.to_wire().items() if k != "name"}


async def answer_forced_call(body: dict[str, Any], backend: ChatBackend, model: str) -> Response:
    """Answer a tool-call-required request with the backend's constrained call.

    Raises:
        ApiError: 400 when messages or tools are malformed.
    """
    try:
        messages, tools = _messages(body), _tools(body)
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiError(400, f"malformed messages or tools: {exc!r}") from None
    resp = await backend.chat(
        messages,
        tools=tools,
        tool_choice=body["tool_choice"],  # type: ignore[call-arg]
        max_tokens=body.get("max_tokens"),
        temperature=float(body.get("temperature", 0.0)),
    )
    head = {"id": f"chatcmpl-{uuid.uuid4().hex[:16]}", "created": int(time.time()), "model": model}
    usage = {
        "prompt_tokens": resp.usage.prompt_tokens,
        "completion_tokens": resp.usage.completion_tokens,
        "total_tokens": resp.usage.total_tokens,
    }
    if not body.get("stream"):
        choice = {"index": 0, "message": _wire(resp), "finish_reason": resp.finish_reason}
        return JSONResponse(
            {**head, "object": "chat.completion", "choices": [choice], "usage": usage}
        )
    delta = _wire(resp)
    for i, call in enumerate(delta.get("tool_calls", [])):
        call["index"] = i

    async def chunks() -> AsyncIterator[bytes]:
        for d, finish in ((delta, None), ({}, resp.finish_reason)):
            choice = {"index": 0, "delta": d, "finish_reason": finish}
            obj = {**head, "object": "chat.completion.chunk", "choices": [choice]}
            if finish:
                obj["usage"] = usage
            yield b"data: " + json.dumps(obj).encode() + b"\n\n"
        yield b"data: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream")
