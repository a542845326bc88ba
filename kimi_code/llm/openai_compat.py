"""The OpenAI-compatible chat client (llm layer).

One instance is shared by every agent of a run: its connection pool is sized to the number of
agents (`http1.py`: keep-alive HTTP/1.1, responses parsed by httptools, cheap per request),
timeouts are explicit, and only retryable failures are retried (see `retry.py`). Requests go
straight to the transport with a prebuilt URL and headers: none of httpx's client machinery
(URL merging, auth, redirects, cookies) is needed for one fixed endpoint, and it costs more
CPU than the request.
Every transport failure (refused, reset, timed out, an answer cut mid-body) becomes a
`BackendUnavailable`; no httpx exception reaches the caller. The API key comes from the
configuration (read from the environment by `config.py`), is sent only as a bearer token, and
is redacted from every repr and error message.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from kimi_code.errors import BackendError, BackendUnavailable, RateLimited
from kimi_code.llm.http1 import make_transport
from kimi_code.llm.retry import (
    RATE_LIMIT_STATUS,
    RETRYABLE_STATUS,
    UNAVAILABLE_STATUS,
    RetryableError,
    RetryPolicy,
    parse_retry_after,
    with_retries,
)
from kimi_code.llm.types import (
    BackendInfo,
    ChatResponse,
    Message,
    StreamDelta,
    ToolSpec,
    Usage,
)
from kimi_code.llm.wire import StreamAssembler, encode_payload, parse_chunk, parse_response

__all__ = ["ClientConfig", "OpenAICompatClient", "ProxyResponse", "Timeouts"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Explicit timeouts in seconds."""

    connect: float = 10.0
    read: float = 300.0
    """Longest silence between two bytes of an answer (generation can be slow on CPU)."""
    write: float = 30.0
    pool: float = 600.0
    """Longest wait for a free pooled connection (agents queue here beyond `max_connections`)."""


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Where and how to reach one OpenAI-compatible endpoint."""

    base_url: str
    """Base URL ending in `/v1` (or the server's equivalent)."""
    info: BackendInfo
    """What the backend can do; `info.model` is sent as the model id."""
    api_key: str | None = field(default=None, repr=False)
    """Bearer token; never printed."""
    max_connections: int = 8
    """Pool size: the number of agents that may have a request in flight."""
    timeouts: Timeouts = field(default_factory=Timeouts)
    extra_body: dict[str, Any] = field(default_factory=dict)
    """Server-specific request fields (e.g. Ollama `options.num_ctx`)."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(slots=True)
class ProxyResponse:
    """A raw upstream answer handed through unchanged (used by `kimi-code serve`)."""

    status: int
    content_type: str
    chunks: AsyncIterator[bytes]


class OpenAICompatClient:
    """A `ChatBackend` for any OpenAI-compatible `/chat/completions` endpoint."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        """Create the client and its connection pool.

        Args:
            config: Endpoint, model, key, pool size, timeouts, retry policy.
            transport: An httpx transport (tests pass `httpx.MockTransport`).
            sleep: Replaces `asyncio.sleep` between retries (tests).

        Raises:
            httpx.InvalidURL: `config.base_url` is not a URL.
        """
        self._config = config
        self._sleep = sleep
        self._url = httpx.URL(config.base_url.rstrip("/") + "/chat/completions")
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        self._headers = httpx.Headers(headers)
        t = config.timeouts
        self._extensions = {
            "timeout": {"connect": t.connect, "read": t.read, "write": t.write, "pool": t.pool}
        }
        self._transport = transport or make_transport(str(self._url), config.max_connections)
        self._in_flight = 0
        self._usage = Usage()
        self.requests = 0
        """Requests sent, retries included."""

    def __repr__(self) -> str:
        key = "***" if self._config.api_key else None
        return f"OpenAICompatClient(base_url={self._config.base_url!r}, api_key={key!r})"

    @property
    def info(self) -> BackendInfo:
        """Describe the backend."""
        return self._config.info

    @property
    def base_url(self) -> str:
        """The endpoint's base URL."""
        return self._config.base_url

    @property
    def in_flight(self) -> int:
        """Requests holding (or waiting for) a pooled connection now."""
        return self._in_flight

    @property
    def usage(self) -> Usage:
        """Tokens used by every completed request of this client."""
        return self._usage

    async def __aenter__(self) -> OpenAICompatClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._transport.aclose()

    def _redact(self, text: str) -> str:
        key = self._config.api_key
        return text.replace(key, "***") if key else text

    def _account(self, usage: Usage) -> None:
        self._usage = Usage(
            prompt_tokens=self._usage.prompt_tokens + usage.prompt_tokens,
            completion_tokens=self._usage.completion_tokens + usage.completion_tokens,
        )

    def _payload(self, messages: Sequence[Message], stream: bool, **kw: Any) -> bytes:
        return encode_payload(
            self.info.model, messages, stream=stream, extra_body=self._config.extra_body, **kw
        )

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[ToolSpec] = (),
        response_format: dict[str, Any] | None = None,
        grammar: str | None = None,
        max_tokens: int | None = None,
        temperature: float = 0.0,
        tool_choice: str | dict[str, Any] | None = None,
    ) -> ChatResponse:
        """Return one complete answer (see `ChatBackend.chat`).

        Raises:
            RateLimited: 429/overload after the retries.
            BackendUnavailable: unreachable, reset, timed out, answer cut off, or
                502/503/504, after the retries.
            BackendError: 500 after the retries, or any other failure at once.
        """
        body = self._payload(
            messages,
            False,
            tools=tools,
            response_format=response_format,
            grammar=grammar,
            max_tokens=max_tokens,
            temperature=temperature,
            tool_choice=tool_choice,
        )

        async def attempt() -> ChatResponse:
            async with self._send(body) as resp:
                raw = await self._read(resp, decoded=False)
            try:
                return parse_response(json.loads(raw))
            except json.JSONDecodeError:
                raise BackendError(f"backend sent invalid JSON: {raw[:200]!r}") from None

        result = await self._retrying(attempt)
        self._account(result.usage)
        return result

    async def stream(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[ToolSpec] = (),
        response_format: dict[str, Any] | None = None,
        grammar: str | None = None,
        max_tokens: int | None = None,
        temperature: float = 0.0,
        tool_choice: str | dict[str, Any] | None = None,
    ) -> AsyncIterator[StreamDelta]:
        """Stream one answer as deltas; retries only before the first byte arrives.

        Raises:
            RateLimited, BackendUnavailable, BackendError: as `chat`.
        """
        body = self._payload(
            messages,
            True,
            tools=tools,
            response_format=response_format,
            grammar=grammar,
            max_tokens=max_tokens,
            temperature=temperature,
            tool_choice=tool_choice,
        )
        async with self._open_stream(body) as resp:
            try:
                async for line in resp.aiter_lines():
                    for delta in self._deltas(line):
                        if delta.usage is not None:
                            self._account(delta.usage)
                        yield delta
            except httpx.RequestError as exc:
                raise self._cut_error(exc) from None

    async def complete(self, messages: Sequence[Message], **kw: Any) -> ChatResponse:
        """Stream an answer and return it assembled (same result as `chat`)."""
        asm = StreamAssembler(model=self.info.model)
        async for delta in self.stream(messages, **kw):
            asm.add(delta)
        return asm.result()

    @staticmethod
    def _deltas(line: str) -> list[StreamDelta]:
        if not line.startswith("data:"):
            return []
        data = line[5:].strip()
        if not data or data == "[DONE]":
            return []
        try:
            return parse_chunk(json.loads(data))
        except json.JSONDecodeError:
            raise BackendError(f"backend sent an invalid stream chunk: {data[:200]!r}") from None

    @asynccontextmanager
    async def _open_stream(self, body: bytes) -> AsyncIterator[httpx.Response]:
        """Open a streamed response, with retries before any byte is consumed."""
        stack: list[Any] = []

        async def attempt() -> httpx.Response:
            cm = self._send(body)
            resp = await cm.__aenter__()
            stack.append(cm)
            return resp

        resp = await self._retrying(attempt)
        try:
            yield resp
        finally:
            await stack[-1].__aexit__(None, None, None)

    @asynccontextmanager
    async def _send(self, body: bytes) -> AsyncIterator[httpx.Response]:
        """Send one request; map failures to `RetryableError` or backend errors."""
        self.requests += 1
        self._in_flight += 1
        try:
            resp = await self._post(body)
            try:
                if resp.status_code >= 400:
                    await self._read(resp)
                    raise self._status_error(resp)
                yield resp
            finally:
                await resp.aclose()
        finally:
            self._in_flight -= 1

    async def _post(self, body: bytes) -> httpx.Response:
        """POST `body` (JSON) and return the response with its body unread.

        Raises:
            RetryableError: a transport failure before the response head arrived.
            BackendError: a request httpx cannot send at all (bad URL scheme).
        """
        req = httpx.Request(
            "POST", self._url, headers=self._headers, content=body, extensions=self._extensions
        )
        try:
            return await self._transport.handle_async_request(req)
        except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            raise BackendError(self._redact(f"{self.base_url}: {exc}")) from None
        except httpx.TransportError as exc:
            final = BackendUnavailable(self._redact(f"{self.base_url}: {type(exc).__name__}"))
            raise RetryableError(final) from None

    async def _read(self, resp: httpx.Response, *, decoded: bool = True) -> bytes:
        """Read a whole body; a cut is retryable (nothing has reached the caller yet).

        With `decoded=False` an uncompressed body is read straight from the transport's stream,
        skipping httpx's decoder chain (a tenth of the client's CPU per request), and is not
        kept on `resp`.
        """
        try:
            if decoded or "content-encoding" in resp.headers:
                return await resp.aread()
            stream = resp.stream
            assert isinstance(stream, httpx.AsyncByteStream)
            return b"".join([chunk async for chunk in stream])
        except httpx.RequestError as exc:
            raise RetryableError(self._cut_error(exc)) from None

    def _cut_error(self, exc: Exception) -> BackendUnavailable:
        where = self._redact(self.base_url)
        return BackendUnavailable(f"{where}: answer cut off ({type(exc).__name__})")

    def _status_error(self, resp: httpx.Response) -> Exception:
        status = resp.status_code
        text = self._redact(resp.text[:500])
        overloaded = "overload" in text.lower()
        retry_after = parse_retry_after(resp.headers.get("retry-after"))
        where = f"{self.base_url}: HTTP {status}"
        if status in RATE_LIMIT_STATUS or overloaded:
            final: Exception = RateLimited(f"{where} {text}", retry_after=retry_after)
            return RetryableError(final, retry_after=retry_after)
        if status in UNAVAILABLE_STATUS:
            return RetryableError(BackendUnavailable(f"{where} {text}"), retry_after=retry_after)
        if status in RETRYABLE_STATUS:
            return RetryableError(BackendError(f"{where} {text}"), retry_after=retry_after)
        return BackendError(f"{where} {text}")

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        if self._sleep is None:
            return await with_retries(attempt, self._config.retry)
        return await with_retries(attempt, self._config.retry, sleep=self._sleep)

    @asynccontextmanager
    async def proxy(self, body: dict[str, Any]) -> AsyncIterator[ProxyResponse]:
        """Send a caller-built body and hand the upstream answer through unchanged.

        Used by `kimi-code serve`: upstream errors (4xx/5xx) are passed through as they are
        (not raised). Transport failures before the answer's head are retried and then raise
        `BackendUnavailable`; a body cut later raises it from `ProxyResponse.chunks`.

        Raises:
            BackendUnavailable: unreachable or reset after the retries.
            BackendError: a request that cannot be sent (bad URL scheme).
        """
        self.requests += 1
        self._in_flight += 1
        try:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            resp = await self._retrying(lambda: self._post(content))
            try:
                kind = resp.headers.get("content-type", "application/json")
                yield ProxyResponse(resp.status_code, kind, self._relay(resp))
            finally:
                await resp.aclose()
        finally:
            self._in_flight -= 1

    async def _relay(self, resp: httpx.Response) -> AsyncIterator[bytes]:
        """The raw body; a cut raises `BackendUnavailable`."""
        try:
            async for chunk in resp.aiter_raw():
                yield chunk
        except httpx.RequestError as exc:
            raise self._cut_error(exc) from None
