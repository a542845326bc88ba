"""`Http1Transport` against a real loopback asyncio HTTP server.

Keep-alive reuse, connections the server closes (idle expiry, `Connection: close`, cut bodies,
resets), early stream close, the connection limit and its pool timeout, read and connect
failures, chunked and content-length bodies; each failure must be the httpx exception httpcore
raises for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest

from kimi_code.llm.http1 import Http1Transport, make_transport

Writer = asyncio.StreamWriter
Respond = Callable[[Writer, int], Awaitable[bool]]
"""Answer request number n (from 0) on a connection; False closes the connection."""


def response(body: bytes, *headers: str) -> bytes:
    head = ["HTTP/1.1 200 OK", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def ok(writer: Writer, n: int) -> bool:
    writer.write(response(b"hello %d" % n))
    await writer.drain()
    return True


@dataclass
class Server:
    """A loopback server counting its connections and requests."""

    respond: Respond = ok
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    closed: int = 0
    """Connections that ended (the client closed them, or the server did)."""
    idle_close: float | None = None
    """Close a connection idle this long (a keep-alive expiry)."""

    async def handle(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        self.connections += 1
        n = 0
        try:
            while True:
                wait = reader.readuntil(b"\r\n\r\n")
                head = await asyncio.wait_for(wait, self.idle_close)
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if b"transfer-encoding: chunked" in head.lower():
                    body = await reader.readuntil(b"0\r\n\r\n")
                else:
                    body = await reader.readexactly(length)
                self.requests.append(head + body)
                if not await self.respond(writer, n):
                    break
                n += 1
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
            pass
        finally:
            self.closed += 1
            writer.close()


@contextlib.asynccontextmanager
async def serve(server: Server) -> AsyncIterator[str]:
    srv = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    async with srv:
        yield f"http://127.0.0.1:{port}/v1/chat"


async def eventually(condition: Callable[[], bool]) -> bool:
    """Poll `condition` for up to 5 s (the loopback peer reacts on its own schedule)."""
    for _ in range(500):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()


def client(transport: Http1Transport, **timeouts: float) -> httpx.AsyncClient:
    timeout = httpx.Timeout(**({"timeout": 5.0} | timeouts))
    return httpx.AsyncClient(transport=transport, timeout=timeout)


async def test_keep_alive_reuses_one_connection() -> None:
    server = Server()
    transport = Http1Transport(max_connections=4)
    async with serve(server) as url, client(transport) as http:
        texts = [(await http.post(url, content=b"x" * 10)).text for _ in range(5)]
        assert transport.connections == 1
    assert texts == [f"hello {n}" for n in range(5)]
    assert server.connections == 1
    assert server.requests[0].startswith(b"POST /v1/chat HTTP/1.1\r\n")
    assert server.requests[0].endswith(b"\r\n\r\n" + b"x" * 10)


async def test_idle_connection_closed_by_server_is_not_reused() -> None:
    server = Server(idle_close=0.05)
    transport = Http1Transport(max_connections=1)
    async with serve(server) as url, client(transport) as http:
        assert (await http.get(url)).text == "hello 0"
        # The server closes the idle connection; noticed while idle, its slot is freed.
        assert await eventually(lambda: transport.connections == 0)
        assert (await http.get(url)).text == "hello 0"
    assert server.connections == 2


async def test_idle_connection_past_keepalive_expiry_is_replaced() -> None:
    server = Server()
    transport = Http1Transport(max_connections=2, keepalive_expiry=0.05)
    async with serve(server) as url, client(transport) as http:
        await http.get(url)
        await asyncio.sleep(0.1)
        assert (await http.get(url)).text == "hello 0"
        assert await eventually(lambda: server.closed == 1)
    assert server.connections == 2


async def test_connection_close_is_honoured() -> None:
    async def close_each(writer: Writer, n: int) -> bool:
        writer.write(response(b"bye", "Connection: close"))
        await writer.drain()
        await asyncio.sleep(0.05)  # the client must not wait for the server to close
        return True

    server = Server(respond=close_each)
    transport = Http1Transport(max_connections=1)
    async with serve(server) as url, client(transport) as http:
        for _ in range(3):
            assert (await http.get(url)).text == "bye"
    assert server.connections == 3


async def test_chunked_and_content_length_bodies() -> None:
    async def chunked(writer: Writer, n: int) -> bool:
        if n % 2:
            writer.write(response(b"plain"))
            return True
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for part in (b"data: one\n\n", b"data: two\n\n"):
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            await writer.drain()
            await asyncio.sleep(0.01)
        writer.write(b"0\r\n\r\n")
        return True

    server = Server(respond=chunked)
    async with serve(server) as url, client(Http1Transport()) as http:
        async with http.stream("GET", url) as resp:
            lines = [line async for line in resp.aiter_lines() if line]
        plain = await http.get(url)
        again = await http.get(url)
    assert lines == ["data: one", "data: two"]
    assert plain.text == "plain" and plain.headers["content-length"] == "5"
    assert again.text == "data: one\n\ndata: two\n\n"
    assert server.connections == 1


async def test_stream_closed_early_closes_its_connection() -> None:
    async def endless(writer: Writer, n: int) -> bool:
        if server.connections > 1:
            return await ok(writer, n)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        while True:
            writer.write(b"5\r\nchunk\r\n")
            await writer.drain()
            await asyncio.sleep(0.01)

    server = Server(respond=endless)
    transport = Http1Transport(max_connections=1)
    async with serve(server) as url, client(transport) as http:
        async with http.stream("GET", url) as resp:
            async for chunk in resp.aiter_raw():
                assert chunk.startswith(b"chunk")
                break
        assert transport.connections == 0
        assert await eventually(lambda: server.closed == 1)
        assert (await http.get(url)).text == "hello 0"


async def test_pool_limit_queues_and_times_out() -> None:
    async def slow(writer: Writer, n: int) -> bool:
        await asyncio.sleep(0.2)
        return await ok(writer, n)

    server = Server(respond=slow)
    transport = Http1Transport(max_connections=2)
    async with serve(server) as url, client(transport, pool=0.05) as http:
        results = await asyncio.gather(*(http.get(url) for _ in range(3)), return_exceptions=True)
        assert sorted(type(r).__name__ for r in results) == ["PoolTimeout", "Response", "Response"]
    transport = Http1Transport(max_connections=2)
    async with serve(server) as url, client(transport) as http:
        results = await asyncio.gather(*(http.get(url) for _ in range(5)))
        assert [r.status_code for r in results] == [200] * 5 and transport.connections == 2
    assert server.connections == 4  # 2 per pool: queued requests reused them


async def test_cancelled_waiter_passes_its_turn_on() -> None:
    server = Server(respond=_slow_ok)
    transport = Http1Transport(max_connections=1)
    async with serve(server) as url, client(transport) as http:
        first = asyncio.create_task(http.get(url))
        waiting = asyncio.create_task(http.get(url))
        await asyncio.sleep(0.02)
        waiting.cancel()
        third = await http.get(url)
        assert (await first).status_code == third.status_code == 200
        assert waiting.cancelled() and transport.connections == 1
    assert server.connections == 1


async def _slow_ok(writer: Writer, n: int) -> bool:
    await asyncio.sleep(0.3)
    return await ok(writer, n)


async def test_read_timeout() -> None:
    async def silent(writer: Writer, n: int) -> bool:
        await asyncio.sleep(5)
        return False

    transport = Http1Transport()
    async with serve(Server(respond=silent)) as url, client(transport, read=0.05) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get(url)
        assert transport.connections == 0


async def test_connect_refused_and_bad_scheme() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    transport = Http1Transport(max_connections=1)
    async with client(transport) as http:
        url = f"http://127.0.0.1:{port}/"
        # Requests queued behind a failing connect get their turn, not a pool timeout.
        results = await asyncio.gather(*(http.get(url) for _ in range(3)), return_exceptions=True)
        assert [type(r) for r in results] == [httpx.ConnectError] * 3
        assert transport.connections == 0
        with pytest.raises(httpx.UnsupportedProtocol):
            await transport.handle_async_request(httpx.Request("GET", "ftp://x/"))


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"", httpx.RemoteProtocolError),  # closed without answering
        (response(b"0123456789")[:-4], httpx.RemoteProtocolError),  # body cut short
        (b"NOT HTTP\r\n\r\n", httpx.RemoteProtocolError),
        (None, httpx.ReadError),  # reset
    ],
)
async def test_server_failures_map_to_httpx_errors(
    answer: bytes | None, error: type[Exception]
) -> None:
    async def fail(writer: Writer, n: int) -> bool:
        if answer is None:
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        writer.write(answer)
        await writer.drain()
        return False

    transport = Http1Transport()
    async with serve(Server(respond=fail)) as url, client(transport) as http:
        with pytest.raises(error):
            await http.get(url)
        assert transport.connections == 0


async def test_response_without_request_body_and_head_request() -> None:
    async def no_body(writer: Writer, n: int) -> bool:
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        return True

    server = Server(respond=no_body)
    async with serve(server) as url, client(Http1Transport()) as http:
        assert (await http.get(url)).status_code == 204
        assert (await http.delete(url)).status_code == 204
    assert server.connections == 1


def test_env_proxy_selects_httpx_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    assert isinstance(make_transport("http://model.test/v1", 4), Http1Transport)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    assert isinstance(make_transport("https://api.test/v1", 4), httpx.AsyncHTTPTransport)
    assert isinstance(make_transport("http://model.test/v1", 4), Http1Transport)
    monkeypatch.setenv("NO_PROXY", "api.test")
    assert isinstance(make_transport("https://api.test/v1", 4), Http1Transport)


async def test_body_until_close_and_streamed_request_body() -> None:
    async def until_close(writer: Writer, n: int) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\n\r\nuntil close")
        return False

    async def parts() -> AsyncIterator[bytes]:
        yield b"ab"
        yield b"cd"

    server = Server(respond=until_close)
    transport = Http1Transport()
    async with serve(server) as url, client(transport) as http:
        resp = await http.post(url, content=parts())
        assert resp.text == "until close" and transport.connections == 0
    assert server.requests[0].endswith(b"\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n")


async def test_informational_head_and_a_head_split_across_reads() -> None:
    async def slow(writer: Writer, n: int) -> bool:
        answer = b"HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\n" + response(b"split", "X-Long: abcdef")
        for i in range(0, len(answer), 7):  # every field and value arrives in pieces
            writer.write(answer[i : i + 7])
            await writer.drain()
            await asyncio.sleep(0.001)
        return True

    server = Server(respond=slow)
    async with serve(server) as url, client(Http1Transport()) as http:
        first = await http.get(url)
        second = await http.get(url)
    assert (first.status_code, first.text, first.headers["x-long"]) == (200, "split", "abcdef")
    assert "x-a" not in first.headers and first.reason_phrase == "OK"
    assert second.text == "split" and server.connections == 1


async def test_header_that_would_split_the_request_is_refused() -> None:
    server = Server()
    transport = Http1Transport()
    async with serve(server) as url, client(transport) as http:
        with pytest.raises(httpx.LocalProtocolError):
            await http.get(url, headers={"X-Evil": "a\r\nX-Injected: 1"})
        with pytest.raises(httpx.LocalProtocolError):
            await http.head(url)
        assert (await http.get(url)).text == "hello 0"
    assert all(b"X-Injected" not in r for r in server.requests)


async def test_bytes_after_a_complete_response_retire_the_connection() -> None:
    async def extra(writer: Writer, n: int) -> bool:
        writer.write(response(b"hello %d" % n) + b"HTTP/1.1 200 OK\r\n")
        await writer.drain()
        return True

    server = Server(respond=extra)
    transport = Http1Transport()
    async with serve(server) as url, client(transport) as http:
        assert (await http.get(url)).text == "hello 0"
        assert (await http.get(url)).text == "hello 0"
    assert server.connections == 2
