"""`load_backend`: the one way other layers get a `ChatBackend` (llm layer).

`load_backend("local")` returns a `LocalBackend` that starts the bundled llama.cpp engine on
first use and talks to it with the OpenAI-compatible client; any other spec returns the client
for that endpoint. Both are used as `async with load_backend(...) as backend:` or closed with
`await backend.aclose()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from kimi_code.engine.local import LocalEngine
from kimi_code.llm.config import ModelConfig, resolve_model
from kimi_code.llm.forced_tools import forced_call_format, is_forced, to_tool_call
from kimi_code.llm.openai_compat import ClientConfig, OpenAICompatClient, Timeouts
from kimi_code.llm.types import BackendInfo, ChatResponse, Message, StreamDelta

__all__ = ["LocalBackend", "client_for", "load_backend"]


def client_for(cfg: ModelConfig, *, max_agents: int) -> OpenAICompatClient:
    """Build the OpenAI-compatible client of a resolved remote config."""
    info = BackendInfo(
        name=f"{cfg.kind}: {cfg.model}",
        model=cfg.model,
        supports_json_schema=cfg.supports_json_schema,
        supports_grammar=cfg.supports_grammar,
        capable=cfg.capable,
        context_length=cfg.context_length,
    )
    return OpenAICompatClient(
        ClientConfig(
            base_url=cfg.base_url,
            info=info,
            api_key=cfg.api_key,
            max_connections=max_agents,
            timeouts=Timeouts(read=cfg.read_timeout),
            extra_body=dict(cfg.extra_body),
        )
    )


class LocalBackend:
    """The bundled engine behind the `ChatBackend` protocol (starts on first request)."""

    def __init__(self, engine: LocalEngine, *, max_agents: int, capable: bool = False) -> None:
        """Wrap an engine; `max_agents` sizes the client's connection pool."""
        self.engine = engine
        self._max_agents = max_agents
        self._info = BackendInfo(
            name=f"local: {engine.model_id}",
            model=engine.model_id,
            supports_json_schema=True,
            supports_grammar=True,
            capable=capable,
            context_length=engine.ctx_per_slot,
        )
        self._client: OpenAICompatClient | None = None
        self._lock = asyncio.Lock()

    @property
    def info(self) -> BackendInfo:
        """Describe the backend."""
        return self._info

    async def client(self) -> OpenAICompatClient:
        """Start the engine if needed and return the client bound to it.

        Raises:
            BackendUnavailable: the engine did not start.
        """
        async with self._lock:
            if self._client is None:
                url = await self.engine.start()
                cfg = ClientConfig(base_url=url, info=self._info, max_connections=self._max_agents)
                self._client = OpenAICompatClient(cfg)
            return self._client

    async def chat(self, messages: Sequence[Message], **kw: Any) -> ChatResponse:
        """See `ChatBackend.chat`; a required tool call is forced by constrained decoding."""
        client = await self.client()
        tools, choice = kw.get("tools", ()), kw.get("tool_choice")
        if not is_forced(tools, choice):
            return await client.chat(messages, **kw)
        kw = {k: v for k, v in kw.items() if k not in ("tools", "tool_choice", "grammar")}
        kw["response_format"] = forced_call_format(tools, choice)
        return to_tool_call(await client.chat(messages, **kw))

    async def stream(self, messages: Sequence[Message], **kw: Any) -> AsyncIterator[StreamDelta]:
        """See `ChatBackend.stream` (a forced tool call arrives as one delta)."""
        if is_forced(kw.get("tools", ()), kw.get("tool_choice")):
            resp = await self.chat(messages, **kw)
            for i, call in enumerate(resp.message.tool_calls):
                yield StreamDelta(
                    tool_call_index=i,
                    tool_call_id=call.id,
                    tool_name=call.name,
                    arguments_fragment=call.arguments,
                )
            if resp.message.content:
                yield StreamDelta(content=resp.message.content)
            yield StreamDelta(finish_reason=resp.finish_reason, usage=resp.usage)
            return
        client = await self.client()
        async for delta in client.stream(messages, **kw):
            yield delta

    async def aclose(self) -> None:
        """Close the client and stop the engine."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        await self.engine.aclose()

    async def __aenter__(self) -> LocalBackend:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def load_backend(
    spec: str | None = None,
    *,
    workspace: Path | None = None,
    max_agents: int = 8,
    env: Mapping[str, str] | None = None,
) -> OpenAICompatClient | LocalBackend:
    """Return the backend named by `spec` (see `kimi_code.llm.config` for the forms).

    Nothing is started or contacted here: the local engine starts on the first request.

    Args:
        spec: `--model` value (None: environment, then `kimi.toml`, then `local`).
        workspace: Directory whose `kimi.toml` applies.
        max_agents: Agents that may call the backend at once (pool size, engine slots).
        env: Environment (default `os.environ`).

    Raises:
        ConfigError: bad spec, missing key, missing local model or engine binary.
    """
    cfg = resolve_model(spec, workspace=workspace, env=env)
    if cfg.kind != "local":
        return client_for(cfg, max_agents=max_agents)
    engine = LocalEngine(cfg.model_path, parallel=max_agents, ctx_per_slot=cfg.context_length)
    return LocalBackend(engine, max_agents=max_agents, capable=cfg.capable)
