"""The model-backend seam: OpenAI-style chat values and the `ChatBackend` protocol.

Everything that talks to a model (the OpenAI-compatible httpx client, the bundled local
engine, the scripted backend used in tests) implements `ChatBackend`. Values follow the
OpenAI chat-completions wire format closely so they serialise without translation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call the model asked for."""

    id: str
    """Call id, echoed in the tool result message."""
    name: str
    """Tool name (may be one the model invented: the caller checks)."""
    arguments: str
    """Raw JSON arguments exactly as the model produced them (may be malformed)."""


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message."""

    role: Role
    content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None

    def to_wire(self) -> dict[str, Any]:
        """Return the OpenAI wire form of the message."""
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                }
                for c in self.tool_calls
            ]
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        if self.name is not None:
            out["name"] = self.name
        return out


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool offered to the model, in OpenAI function-calling form."""

    name: str
    description: str
    parameters: dict[str, Any]
    """JSON schema of the arguments object."""

    def to_wire(self) -> dict[str, Any]:
        """Return the OpenAI wire form of the tool."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


@dataclass(frozen=True, slots=True)
class Usage:
    """Token usage of one completion."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class ChatResponse:
    """A complete (non-streamed, or fully assembled) assistant answer."""

    message: Message
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    model: str = ""


@dataclass(frozen=True, slots=True)
class StreamDelta:
    """One streamed piece: text, or a fragment of a tool call's arguments."""

    content: str = ""
    tool_call_index: int | None = None
    tool_call_id: str | None = None
    tool_name: str | None = None
    arguments_fragment: str = ""
    finish_reason: str | None = None
    usage: Usage | None = None


@dataclass(frozen=True, slots=True)
class BackendInfo:
    """What a backend can do; the swarm picks its agent policy from it."""

    name: str
    """Human-readable backend name (e.g. 'local: kimi-moe-smollm2', 'moonshot: kimi-k2.5')."""
    model: str
    """Model id sent in requests."""
    supports_tools: bool = True
    """Whether the server accepts `tools` in chat requests."""
    supports_json_schema: bool = False
    """Whether `response_format: json_schema` is enforced (constrained decoding)."""
    supports_grammar: bool = False
    """Whether a GBNF `grammar` field is accepted (llama.cpp)."""
    capable: bool = False
    """Strong enough to steer a model-driven agent loop (a tiny local model is not)."""
    context_length: int = 8192


class ChatBackend(Protocol):
    """A chat-completions backend. Implementations must be safe for concurrent use."""

    @property
    def info(self) -> BackendInfo:
        """Describe the backend."""
        ...

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
        """Return one complete answer.

        Raises:
            RateLimited: the backend answered 429/overload (after the client's own retries).
            BackendUnavailable: the backend could not be reached.
            BackendError: any other failure.
        """
        ...

    def stream(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[ToolSpec] = (),
        response_format: dict[str, Any] | None = None,
        grammar: str | None = None,
        max_tokens: int | None = None,
        temperature: float = 0.0,
    ) -> AsyncIterator[StreamDelta]:
        """Stream one answer as deltas (same errors as `chat`)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
