"""A scripted `ChatBackend` for tests and benchmarks only (never the product path).

The script is a function of the conversation so far: it returns the assistant's next
turn (text and/or tool calls), a full `ChatResponse`, or an exception to raise. Because
concurrent agents share one backend, a script usually keys on the first user message
(which names the agent's task) and on how many assistant turns the conversation holds.
Optional per-call latency and injected failures (429 storms, outages) exercise the
orchestrator's backoff and budgets deterministically.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kimi_code.errors import RateLimited
from kimi_code.llm.types import (
    BackendInfo,
    ChatResponse,
    Message,
    StreamDelta,
    ToolCall,
    ToolSpec,
    Usage,
)

__all__ = [
    "ScriptedBackend",
    "Turn",
    "assistant_turns",
    "first_user_text",
    "rate_limit_storm",
    "sequence_script",
]


@dataclass(frozen=True, slots=True)
class Turn:
    """One scripted assistant answer."""

    content: str | None = None
    """Plain text of the answer."""
    tool_calls: tuple[tuple[str, dict[str, Any] | str], ...] = ()
    """(tool name, arguments) pairs; a str argument is sent verbatim (e.g. malformed JSON)."""
    usage: Usage = field(default_factory=lambda: Usage(10, 5))
    """Token usage reported for this answer."""


ScriptResult = Turn | ChatResponse | BaseException
Script = Callable[[Sequence[Message]], ScriptResult]
Failure = Callable[[int], BaseException | None]


def first_user_text(messages: Sequence[Message]) -> str:
    """The content of the first user message (the agent's task), or ''."""
    for message in messages:
        if message.role == "user":
            return message.content or ""
    return ""


def assistant_turns(messages: Sequence[Message]) -> int:
    """How many assistant answers the conversation already holds."""
    return sum(1 for m in messages if m.role == "assistant")


def sequence_script(turns_for: Callable[[str], Sequence[Turn]]) -> Script:
    """A script that plays `turns_for(task text)` in order, then answers with empty text."""

    def script(messages: Sequence[Message]) -> ScriptResult:
        turns = turns_for(first_user_text(messages))
        position = assistant_turns(messages)
        return turns[position] if position < len(turns) else Turn(content="")

    return script


def rate_limit_storm(calls: set[int] | range, retry_after: float | None = 0.0) -> Failure:
    """Raise `RateLimited` on the given (0-based, global) call numbers."""

    def failure(call_no: int) -> BaseException | None:
        if call_no in calls:
            return RateLimited("scripted 429: too many requests", retry_after=retry_after)
        return None

    return failure


class ScriptedBackend:
    """A `ChatBackend` that answers from a script, after an optional fixed latency."""

    def __init__(
        self,
        script: Script,
        *,
        info: BackendInfo | None = None,
        latency: float = 0.0,
        failures: Failure | None = None,
    ) -> None:
        """Create the backend.

        Args:
            script: maps the conversation to the next answer.
            info: what the backend claims to be (default: a capable tool-calling model).
            latency: seconds each call waits before answering (0 answers at once).
            failures: maps the global call number to an exception to raise instead.
        """
        self._script = script
        self._info = info or BackendInfo(name="scripted", model="scripted", capable=True)
        self._latency = latency
        self._failures = failures
        self.calls = 0
        """Calls made so far (including failed ones)."""
        self.closed = False

    @property
    def info(self) -> BackendInfo:
        """Describe the backend."""
        return self._info

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[ToolSpec] = (),
        response_format: dict[str, Any] | None = None,
        grammar: str | None = None,
        max_tokens: int | None = None,
        temperature: float = 0.0,
    ) -> ChatResponse:
        """Answer from the script.

        Raises:
            RateLimited: when the failure plan says so for this call.
            BackendError: any exception the script or failure plan returns.
        """
        call_no = self.calls
        self.calls += 1
        if self._latency > 0:
            await asyncio.sleep(self._latency)
        failure = self._failures(call_no) if self._failures else None
        if failure is not None:
            raise failure
        result = self._script(list(messages))
        if isinstance(result, BaseException):
            raise result
        if isinstance(result, ChatResponse):
            return result
        return _to_response(result, call_no, self._info.model)

    async def stream(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[ToolSpec] = (),
        response_format: dict[str, Any] | None = None,
        grammar: str | None = None,
        max_tokens: int | None = None,
        temperature: float = 0.0,
    ) -> AsyncIterator[StreamDelta]:
        """Stream the scripted answer as one text delta and one delta per tool call."""
        response = await self.chat(messages, tools=tools, response_format=response_format)
        if response.message.content:
            yield StreamDelta(content=response.message.content)
        for index, call in enumerate(response.message.tool_calls):
            yield StreamDelta(
                tool_call_index=index,
                tool_call_id=call.id,
                tool_name=call.name,
                arguments_fragment=call.arguments,
            )
        yield StreamDelta(finish_reason=response.finish_reason, usage=response.usage)

    async def aclose(self) -> None:
        """Mark the backend closed."""
        self.closed = True


def _to_response(turn: Turn, call_no: int, model: str) -> ChatResponse:
    calls = tuple(
        ToolCall(
            id=f"call_{call_no}_{i}",
            name=name,
            arguments=args if isinstance(args, str) else json.dumps(args),
        )
        for i, (name, args) in enumerate(turn.tool_calls)
    )
    message = Message(role="assistant", content=turn.content, tool_calls=calls)
    finish = "tool_calls" if calls else "stop"
    return ChatResponse(message=message, usage=turn.usage, finish_reason=finish, model=model)
