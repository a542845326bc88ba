"""The OpenAI-compatible HTTP API of `kimi-code serve` (adapter layer, starlette).

`GET /v1/models` lists the served model with its GGUF details; `POST /v1/chat/completions`
hands the request body to the engine through the OpenAI-compatible client and streams the
answer back byte for byte (our layer adds no parsing to the token path). A request carrying
`agent_mode` is a swarm run instead (see `swarm_mode.py`). Errors use OpenAI's format; an
optional bearer key guards every route; request bodies are size-limited.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kimi_code.engine.gguf_info import ModelInfo
from kimi_code.errors import BackendError, KimiError
from kimi_code.llm.openai_compat import OpenAICompatClient
from kimi_code.llm.types import ChatBackend
from kimi_code.server.errors import ApiError, error_response
from kimi_code.server.forced import answer_forced_call, wants_forced_call
from kimi_code.server.swarm_mode import RunLimiter, handle_swarm_request

__all__ = ["ServerConfig", "ServerState", "create_app"]


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Policy of one server."""

    api_key: str | None = field(default=None, repr=False)
    """Bearer key clients must send (None: no key)."""
    allow_roots: tuple[Path, ...] = ()
    """Workspaces of swarm requests must lie under one of these (none: swarm mode refused)."""
    max_body_bytes: int = 8 * 1024 * 1024
    max_concurrent_runs: int = 2
    """Swarm runs at once; more are refused with 429."""


@dataclass(slots=True)
class ServerState:
    """What the routes share."""

    config: ServerConfig
    backend: ChatBackend
    """Given to swarm runs."""
    upstream: Callable[[], Awaitable[OpenAICompatClient]]
    """The client for plain completions (starts the local engine on first use)."""
    model_id: str
    model_info: ModelInfo | None = None
    force_tool_calls: bool = True
    """Answer `tool_choice: required` through the backend (constrained; for local models)."""
    created: int = field(default_factory=lambda: int(time.time()))
    runs: RunLimiter = field(default_factory=lambda: RunLimiter(2))


def _check_auth(state: ServerState, request: Request) -> None:
    key = state.config.api_key
    if key is None:
        return
    sent = request.headers.get("authorization", "")
    token = sent.removeprefix("Bearer ").strip()
    if not hmac.compare_digest(token.encode(), key.encode()):
        raise ApiError(401, "invalid or missing API key", code="invalid_api_key")


async def _read_json(request: Request, limit: int) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"request body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(400, "body must be a JSON object")
    if not isinstance(body.get("messages"), list):
        raise ApiError(400, "'messages' must be a list", param="messages")
    return body


async def _proxy(client: OpenAICompatClient, body: dict[str, Any]) -> Response:
    """Forward `body` upstream; stream the answer through unchanged.

    Raises:
        ApiError: 503 when the engine cannot be reached, 502 when its answer is cut off
            before anything was sent on (a streamed answer cut later ends with an error event).
    """
    stack = contextlib.AsyncExitStack()
    try:
        upstream = await stack.enter_async_context(client.proxy(body))
    except BackendError as exc:
        await stack.aclose()
        raise ApiError(503, f"model engine unavailable: {exc}") from None
    if not body.get("stream") or upstream.status >= 400:
        try:
            async with stack:
                data = b"".join([c async for c in upstream.chunks])
        except BackendError as exc:
            raise ApiError(502, f"model engine failed mid-answer: {exc}") from None
        return Response(data, status_code=upstream.status, media_type=upstream.content_type)

    async def relay() -> AsyncIterator[bytes]:
        async with stack:
            try:
                async for chunk in upstream.chunks:
                    yield chunk
            except BackendError as exc:
                yield _stream_error(ApiError(502, f"model engine failed mid-answer: {exc}"))

    return StreamingResponse(relay(), status_code=upstream.status, media_type=upstream.content_type)


def _stream_error(exc: ApiError) -> bytes:
    """An OpenAI-format error as the last event of a stream whose status is already sent."""
    return b"\n\ndata: " + bytes(error_response(exc).body) + b"\n\n"


async def _models(state: ServerState, request: Request) -> Response:
    try:
        _check_auth(state, request)
    except ApiError as exc:
        return error_response(exc)
    entry: dict[str, Any] = {
        "id": state.model_id,
        "object": "model",
        "created": state.created,
        "owned_by": "kimi-code",
    }
    if state.model_info is not None:
        entry["details"] = state.model_info.to_json()
    return JSONResponse({"object": "list", "data": [entry]})


async def _chat(state: ServerState, request: Request) -> Response:
    try:
        _check_auth(state, request)
        body = await _read_json(request, state.config.max_body_bytes)
        if "agent_mode" in body:
            return await handle_swarm_request(
                body, state.backend, state.config.allow_roots, state.runs, state.model_id
            )
        client = await state.upstream()
        if state.force_tool_calls and wants_forced_call(body):
            return await answer_forced_call(body, state.backend, state.model_id)
        body["model"] = client.info.model
        return await _proxy(client, body)
    except ApiError as exc:
        return error_response(exc)
    except BackendError as exc:
        return error_response(ApiError(503, f"model engine unavailable: {exc}"))
    except KimiError as exc:
        return error_response(ApiError(400, str(exc)))


def create_app(state: ServerState) -> Starlette:
    """Build the starlette application."""

    async def models(request: Request) -> Response:
        return await _models(state, request)

    async def chat(request: Request) -> Response:
        return await _chat(state, request)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    state.runs = RunLimiter(state.config.max_concurrent_runs)
    routes = [
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
    ]
    return Starlette(routes=routes)
