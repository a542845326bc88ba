"""OpenAI chat-completions wire format: request bodies, responses, stream chunks (llm layer).

Pure functions, no I/O: `build_payload` makes a request body (`encode_payload` the same as
JSON bytes, each message encoded once and cached: an agent resends its whole conversation
every turn, and encoding it again costs more than the HTTP request), `parse_response` reads a
non-streamed answer, `parse_chunk` turns one SSE `data:` object into `StreamDelta`s and
`StreamAssembler` joins deltas (tool-call arguments split across chunks) into a `ChatResponse`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kimi_code.errors import BackendError
from kimi_code.llm.types import ChatResponse, Message, StreamDelta, ToolCall, ToolSpec, Usage

__all__ = [
    "StreamAssembler",
    "build_payload",
    "encode_payload",
    "parse_chunk",
    "parse_response",
    "parse_usage",
]


def build_payload(
    model: str,
    messages: Sequence[Message],
    *,
    tools: Sequence[ToolSpec] = (),
    response_format: dict[str, Any] | None = None,
    grammar: str | None = None,
    max_tokens: int | None = None,
    temperature: float = 0.0,
    stream: bool = False,
    extra_body: dict[str, Any] | None = None,
    tool_choice: str | dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the JSON body of a `/chat/completions` request.

    `grammar` is llama.cpp's GBNF field; `extra_body` carries server-specific options (for
    example Ollama's `options.num_ctx`) and never overrides the fields set here.
    """
    body: dict[str, Any] = dict(extra_body or {})
    body.update(
        model=model,
        messages=[m.to_wire() for m in messages],
        temperature=temperature,
        stream=stream,
    )
    if tools:
        body["tools"] = [t.to_wire() for t in tools]
        if tool_choice is not None:
            body["tool_choice"] = tool_choice
    if response_format is not None:
        body["response_format"] = response_format
    if grammar is not None:
        body["grammar"] = grammar
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    if stream:
        body["stream_options"] = {"include_usage": True}
    return body


CACHED_MESSAGE_CHARS = 8192
"""Messages with more content than this are encoded afresh (bounds the cache's memory)."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=4096)
def _cached_message_json(message: Message) -> str:
    return _dumps(message.to_wire())


def _message_json(message: Message) -> str:
    if message.content is not None and len(message.content) > CACHED_MESSAGE_CHARS:
        return _dumps(message.to_wire())
    return _cached_message_json(message)


_TOOLS_JSON: dict[tuple[int, ...], tuple[tuple[ToolSpec, ...], str]] = {}
"""Encoded tool lists by the identity of their specs (held, so no id is reused meanwhile)."""


def _tools_json(tools: Sequence[ToolSpec]) -> str:
    key = tuple(map(id, tools))
    hit = _TOOLS_JSON.get(key)
    if hit is not None:
        return hit[1]
    if len(_TOOLS_JSON) >= 64:
        _TOOLS_JSON.clear()
    text = _dumps([t.to_wire() for t in tools])
    _TOOLS_JSON[key] = (tuple(tools), text)
    return text


def encode_payload(
    model: str, messages: Sequence[Message], *, tools: Sequence[ToolSpec] = (), **kw: Any
) -> bytes:
    """`build_payload(model, messages, tools=tools, **kw)` as compact UTF-8 JSON.

    The same object `json.dumps` makes of `build_payload`'s dict (`messages` and `tools`
    first), but each message is encoded once while it stays in a 4,096-entry LRU cache, and a
    list of tool specs once while its spec objects are the same.
    """
    body = build_payload(model, (), tools=tools, **kw)
    del body["messages"]
    head = '{"messages":[' + ",".join([_message_json(m) for m in messages]) + "],"
    if body.pop("tools", None) is not None:
        head += '"tools":' + _tools_json(tools) + ","
    return (head + _dumps(body)[1:]).encode()


def parse_usage(data: Any) -> Usage | None:
    """Read an OpenAI `usage` object; None when absent or malformed."""
    if not isinstance(data, dict):
        return None
    prompt = data.get("prompt_tokens", 0)
    completion = data.get("completion_tokens", 0)
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    return Usage(prompt_tokens=prompt, completion_tokens=completion)


def _tool_calls(raw: Any) -> tuple[ToolCall, ...]:
    if not isinstance(raw, list):
        return ()
    calls: list[ToolCall] = []
    for i, item in enumerate(raw):
        fn = item.get("function") or {} if isinstance(item, dict) else {}
        args = fn.get("arguments", "")
        if not isinstance(args, str):  # some servers send an object instead of a string
            args = json.dumps(args)
        calls.append(
            ToolCall(
                id=str(item.get("id") or f"call_{i}"), name=str(fn.get("name", "")), arguments=args
            )
        )
    return tuple(calls)


def parse_response(data: Any) -> ChatResponse:
    """Turn a non-streamed chat-completions JSON answer into a `ChatResponse`.

    Raises:
        BackendError: the body is not a chat completion.
    """
    try:
        choice = data["choices"][0]
        msg = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise BackendError(f"malformed chat completion: {str(data)[:200]}") from None
    content = msg.get("content")
    message = Message(
        role="assistant",
        content=content if isinstance(content, str) else None,
        tool_calls=_tool_calls(msg.get("tool_calls")),
    )
    return ChatResponse(
        message=message,
        usage=parse_usage(data.get("usage")) or Usage(),
        finish_reason=choice.get("finish_reason"),
        model=str(data.get("model", "")),
    )


def parse_chunk(data: Any) -> list[StreamDelta]:
    """Turn one streamed chunk object into deltas (possibly none).

    Raises:
        BackendError: the chunk carries an `error` object.
    """
    if not isinstance(data, dict):
        return []
    if "error" in data:
        err = data["error"]
        text = err.get("message", err) if isinstance(err, dict) else err
        raise BackendError(f"backend error in stream: {text}")
    out: list[StreamDelta] = []
    for choice in data.get("choices") or []:
        delta = choice.get("delta") or {}
        finish = choice.get("finish_reason")
        content = delta.get("content")
        if isinstance(content, str) and content:
            out.append(StreamDelta(content=content))
        for tc in delta.get("tool_calls") or []:
            fn = tc.get("function") or {}
            out.append(
                StreamDelta(
                    tool_call_index=int(tc.get("index", 0)),
                    tool_call_id=tc.get("id"),
                    tool_name=fn.get("name"),
                    arguments_fragment=fn.get("arguments") or "",
                )
            )
        if finish:
            out.append(StreamDelta(finish_reason=finish))
    usage = parse_usage(data.get("usage"))
    if usage is not None:
        out.append(StreamDelta(usage=usage))
    return out


@dataclass(slots=True)
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class StreamAssembler:
    """Accumulates `StreamDelta`s into one `ChatResponse`."""

    model: str = ""
    _content: list[str] = field(default_factory=list)
    _calls: dict[int, _PartialCall] = field(default_factory=dict)
    _finish: str | None = None
    _usage: Usage = field(default_factory=Usage)

    def add(self, delta: StreamDelta) -> None:
        """Fold one delta in."""
        if delta.content:
            self._content.append(delta.content)
        if delta.tool_call_index is not None:
            call = self._calls.setdefault(delta.tool_call_index, _PartialCall())
            if delta.tool_call_id:
                call.id = delta.tool_call_id
            if delta.tool_name:
                call.name += delta.tool_name if call.name != delta.tool_name else ""
            if delta.arguments_fragment:
                call.arguments.append(delta.arguments_fragment)
        if delta.finish_reason:
            self._finish = delta.finish_reason
        if delta.usage is not None:
            self._usage = delta.usage

    def extend(self, deltas: Iterable[StreamDelta]) -> None:
        """Fold several deltas in."""
        for d in deltas:
            self.add(d)

    def result(self) -> ChatResponse:
        """Return the assembled answer."""
        calls = tuple(
            ToolCall(id=c.id or f"call_{i}", name=c.name, arguments="".join(c.arguments))
            for i, c in sorted(self._calls.items())
        )
        text = "".join(self._content)
        message = Message(role="assistant", content=text or None, tool_calls=calls)
        return ChatResponse(
            message=message, usage=self._usage, finish_reason=self._finish, model=self.model
        )
