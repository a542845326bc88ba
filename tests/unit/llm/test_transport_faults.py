"""Transport failures of the OpenAI-compatible client, and its connection limit.

A reset, or an answer cut mid-body, must reach callers as a retryable `BackendUnavailable`
(never an httpx exception); the client's pool keeps its connection limit on a real server.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from kimi_code.errors import BackendError, BackendUnavailable, RateLimited
from kimi_code.llm.openai_compat import ClientConfig, OpenAICompatClient
from kimi_code.llm.retry import RetryPolicy
from kimi_code.llm.types import BackendInfo, Message

ANSWER = {
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1},
}
ASK = [Message("user", "x")]


class CutStream(httpx.AsyncByteStream):
    """A body that sends `head`, then fails the way a reset connection does."""

    def __init__(self, head: bytes) -> None:
        self.head = head

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        raise httpx.ReadError("[Errno 104] Connection reset by peer")


def cut_response(body: bytes, content_type: str = "application/json") -> httpx.Response:
    headers = {"content-type": content_type}
    return httpx.Response(200, headers=headers, stream=CutStream(body[: len(body) // 2]))


def make_client(handler: Callable[[httpx.Request], httpx.Response]) -> OpenAICompatClient:
    async def no_sleep(_: float) -> None:
        return None

    config = ClientConfig(
        base_url="http://model.test/v1",
        info=BackendInfo(name="test", model="m1"),
        retry=RetryPolicy(max_attempts=3, base_delay=0.01),
    )
    return OpenAICompatClient(config, transport=httpx.MockTransport(handler), sleep=no_sleep)


def reset(req: httpx.Request) -> httpx.Response:
    raise httpx.ReadError("[Errno 104] Connection reset by peer", request=req)


@pytest.mark.parametrize("streamed", [False, True])
async def test_reset_is_retried_then_unavailable(streamed: bool) -> None:
    async with make_client(reset) as client:
        with pytest.raises(BackendUnavailable, match="ReadError"):
            await (client.complete(ASK) if streamed else client.chat(ASK))
        assert client.requests == 3 and client.in_flight == 0


async def test_answer_cut_mid_body_is_retried_to_success() -> None:
    answers = [cut_response(json.dumps(ANSWER).encode()), httpx.Response(200, json=ANSWER)]
    async with make_client(lambda r: answers.pop(0)) as client:
        resp = await client.chat(ASK)
        assert resp.message.content == "ok" and client.requests == 2


async def test_answer_always_cut_ends_unavailable() -> None:
    body = json.dumps(ANSWER).encode()
    async with make_client(lambda r: cut_response(body)) as client:
        with pytest.raises(BackendUnavailable, match="cut off"):
            await client.chat(ASK)


async def test_stream_cut_after_deltas_is_unavailable_not_retried() -> None:
    chunk = {"choices": [{"index": 0, "delta": {"content": "partial"}}]}
    sse = b"data: " + json.dumps(chunk).encode() + b"\n\n"
    head = httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=CutStream(sse))
    async with make_client(lambda r: head) as client:
        seen: list[str | None] = []
        with pytest.raises(BackendUnavailable, match="cut off"):
            async for delta in client.stream(ASK):
                seen.append(delta.content)
        assert seen == ["partial"] and client.requests == 1 and client.in_flight == 0


async def test_http_500_is_retried_then_a_backend_error() -> None:
    answers = [httpx.Response(500, text="boom"), httpx.Response(200, json=ANSWER)]
    async with make_client(lambda r: answers.pop(0)) as client:
        assert (await client.chat(ASK)).message.content == "ok"
    async with make_client(lambda r: httpx.Response(500, text="boom")) as client:
        with pytest.raises(BackendError, match="HTTP 500") as info:
            await client.chat(ASK)
        assert not isinstance(info.value, (BackendUnavailable, RateLimited))
        assert client.requests == 3


async def test_bad_url_scheme_is_not_retried() -> None:
    config = ClientConfig(base_url="ftp://model.test/v1", info=BackendInfo(name="t", model="m"))
    async with OpenAICompatClient(config) as client:
        with pytest.raises(BackendError, match="ftp"):
            await client.chat(ASK)
        assert client.requests == 1


async def test_proxy_maps_reset_and_cut_body() -> None:
    async with make_client(reset) as client:
        with pytest.raises(BackendUnavailable):
            async with client.proxy({"messages": []}):
                pass
    body = json.dumps(ANSWER).encode()
    client = make_client(lambda r: cut_response(body))
    async with client, client.proxy({"messages": []}) as upstream:
        with pytest.raises(BackendUnavailable, match="cut off"):
            async for _ in upstream.chunks:
                pass
    assert client.in_flight == 0


async def _counting_server() -> tuple[asyncio.Server, dict[str, int]]:
    """A loopback HTTP server that answers after 50 ms and counts concurrent requests."""
    stats = {"now": 0, "peak": 0, "connections": 0}
    data = json.dumps(ANSWER).encode()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stats["connections"] += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                stats["now"] += 1
                stats["peak"] = max(stats["peak"], stats["now"])
                await asyncio.sleep(0.05)
                stats["now"] -= 1
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(data)}\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0), stats


async def test_client_keeps_its_connection_limit_on_loopback() -> None:
    server, stats = await _counting_server()
    port = server.sockets[0].getsockname()[1]
    config = ClientConfig(
        base_url=f"http://127.0.0.1:{port}/v1",
        info=BackendInfo(name="t", model="m"),
        max_connections=10,
    )
    async with server, OpenAICompatClient(config) as client:
        answers = await asyncio.gather(*(client.chat(ASK) for _ in range(40)))
    assert all(a.message.content == "ok" for a in answers)
    assert stats["peak"] == 10, stats
    assert stats["connections"] == 10, stats  # kept alive and reused, never more than the limit
