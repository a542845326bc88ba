"""One HTTP/1.1 client connection: an `asyncio.Protocol` with `httptools`' parser (llm layer).

Used by the pool in `http1.py`. A request leaves in one write, its head serialized here from
the httpx request (header names and values checked first). Response bytes are parsed as they
arrive by httptools (llhttp, the parser Node.js uses): the head, then body chunks queued for
the reader, with reading paused past a high-water mark. Waiting for bytes, or for a full send
buffer to drain, is one future per wait with a timer for its timeout:
`ReadTimeout`/`WriteTimeout`. Bytes, an EOF or a close while the connection is idle in the
pool mean the server is done with it: it is closed and the pool is told.
"""

from __future__ import annotations

import asyncio
import re
import select
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import httptools
import httpx

__all__ = ["Connection", "Head"]

HIGH_WATER = 256 * 1024
"""Unread response body bytes buffered before reading from the socket pauses."""
LOW_WATER = 64 * 1024

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(rb"[\r\n\x00]|^[ \t]|[ \t]$")


@dataclass(frozen=True, slots=True)
class Head:
    """A final (non-1xx) response head."""

    status_code: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]


def _wake(fut: asyncio.Future[bool], value: bool) -> None:
    if not fut.done():
        fut.set_result(value)


def request_head(request: httpx.Request, framing: tuple[bytes, bytes] | None) -> bytes:
    """The request line and headers of `request`, plus `framing` when it has none.

    Raises:
        httpx.LocalProtocolError: A header name or value that cannot be sent as is.
    """
    lines = [request.method.encode("ascii"), b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    for name, value in request.headers.raw:
        if not _TOKEN.fullmatch(name) or _BAD_VALUE.search(value):
            raise httpx.LocalProtocolError(f"illegal header {name!r}: {value!r}")
        lines += (name, b": ", value, b"\r\n")
    if framing is not None:
        lines += (framing[0], b": ", framing[1], b"\r\n")
    lines.append(b"\r\n")
    return b"".join(lines)


class Connection(asyncio.Protocol):
    """A keep-alive HTTP/1.1 connection to one origin."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        origin: tuple[str, str, int],
        on_idle_close: Callable[[Connection], None],
    ) -> None:
        """Prepare the protocol; `loop.create_connection` connects it."""
        self.origin = origin
        self.active = True
        """Lent to a request (bytes from the server are expected)."""
        self.idle_since = 0.0
        self._loop = loop
        self._on_idle_close = on_idle_close
        self._transport: asyncio.Transport | None = None
        self._fileno = -1
        self._reading_paused = False
        self._writing_paused = False
        self._eof = False
        self._lost: Exception | None = None
        self._waiter: asyncio.Future[bool] | None = None
        self._new_exchange()

    def _new_exchange(self) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self._headers: list[tuple[bytes, bytes]] = []
        self._reason = b""
        self._head: Head | None = None
        self._body: deque[bytes] = deque()
        self._buffered = 0
        self._complete = False
        self._sent = False
        self._error: Exception | None = None
        self._keep_alive = True
        self._until_close = False

    # -- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport."""
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        sock = transport.get_extra_info("socket")
        self._fileno = sock.fileno() if sock is not None else -1

    def data_received(self, data: bytes) -> None:
        """Parse bytes of the response in progress; any while idle end the connection."""
        if not self.active or self._complete or self._error is not None:
            self._stray()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._error = httpx.RemoteProtocolError("the server switched protocols unasked")
        except httptools.HttpParserError as exc:
            self._error = httpx.RemoteProtocolError(f"invalid HTTP response: {exc}")
        if self._buffered > HIGH_WATER and self._transport is not None:
            self._reading_paused = True
            self._transport.pause_reading()
        self._notify()

    def _stray(self) -> None:
        """Bytes nobody asked for: the connection is not reusable."""
        self._eof = True
        if self._error is None and self.active and not self._complete:
            self._error = httpx.RemoteProtocolError("unexpected bytes from the server")
        self._notify()
        if not self.active:
            self._on_idle_close(self)

    def eof_received(self) -> bool | None:
        """The server will send no more: never reuse; the transport closes itself."""
        self._end_of_stream()
        if not self.active:
            self._on_idle_close(self)
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        """Remember why the connection ended, for the request in progress."""
        self._lost = exc
        self._writing_paused = False
        self._end_of_stream()
        if not self.active:
            self._on_idle_close(self)

    def _end_of_stream(self) -> None:
        if not self._eof and self._until_close and self._lost is None:
            self._complete = True  # a body delimited by the end of the connection
        self._eof = True
        self._notify()

    def pause_writing(self) -> None:
        """The send buffer is full."""
        self._writing_paused = True

    def resume_writing(self) -> None:
        """The send buffer drained."""
        self._writing_paused = False
        self._notify()

    # -- httptools callbacks ------------------------------------------------------------------

    def on_message_begin(self) -> None:
        """A message starts: after the response, bytes nobody asked for (never reused)."""
        if self._head is not None:
            self._eof = True

    def on_status(self, reason: bytes) -> None:
        """The reason phrase (may come in pieces)."""
        self._reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        """One header, whole (httptools joins pieces split across reads)."""
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        """A head: informational ones are dropped, a final one is kept."""
        status = self._parser.get_status_code()
        if 100 <= status < 200:
            self._headers, self._reason = [], b""
            return
        headers = self._headers
        self._head = Head(status, self._reason, headers)
        self._keep_alive = self._parser.should_keep_alive()
        names = {name.lower() for name, _ in headers}
        self._until_close = (
            b"content-length" not in names
            and b"transfer-encoding" not in names
            and status not in (204, 304)
        )

    def on_body(self, body: bytes) -> None:
        """A piece of the body, queued for the reader."""
        self._body.append(body)
        self._buffered += len(body)

    def on_message_complete(self) -> None:
        """The end of a message (an informational head's end is not the response's)."""
        if self._head is not None:
            self._complete = True

    # -- state --------------------------------------------------------------------------------

    @property
    def reusable(self) -> bool:
        """Open, not closed by the server, and no exchange half done on either side."""
        at_rest = (self._complete and self._sent) or (not self._sent and self._head is None)
        return (
            not self._eof
            and at_rest
            and self._keep_alive
            and not self._until_close
            and not self._body
            and self._error is None
            and self._transport is not None
            and not self._transport.is_closing()
        )

    def quiet(self) -> bool:
        """Nothing (an EOF or stray bytes) waits on the socket that the loop has not seen."""
        try:
            readable, _, _ = select.select([self._fileno], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def next_cycle(self) -> None:
        """After a complete exchange: ready the connection for the next request."""
        if self.reusable:
            self._new_exchange()

    def close(self) -> None:
        """Close the socket (idempotent)."""
        self._eof = True
        if self._transport is not None:
            self._transport.close()

    def _notify(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    async def _wait(self, seconds: float | None) -> bool:
        """Wait for bytes, EOF or a drained buffer: False when `seconds` passed first."""
        fut: asyncio.Future[bool] = self._loop.create_future()
        self._waiter = fut
        timer = None if seconds is None else self._loop.call_later(seconds, _wake, fut, False)
        try:
            return await fut
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()

    # -- one exchange ---------------------------------------------------------------------

    async def send(self, request: httpx.Request, seconds: float | None) -> None:
        """Send the request head and body (one write when the body is in memory).

        Raises:
            httpx.WriteError, httpx.WriteTimeout: The connection broke, or stayed full.
            httpx.LocalProtocolError: The request cannot be framed.
        """
        if request.method == "HEAD":  # its answer's Content-Length frames no body
            raise httpx.LocalProtocolError("HEAD requests are not supported")
        if isinstance(request.stream, httpx.ByteStream):
            body = request.content
            framing = None
            if body and "content-length" not in request.headers:
                framing = (b"Content-Length", str(len(body)).encode("ascii"))
            await self._write(request_head(request, framing) + body, seconds)
        else:
            await self._send_streamed(request, seconds)
        self._sent = True

    async def _send_streamed(self, request: httpx.Request, seconds: float | None) -> None:
        coding = request.headers.get("transfer-encoding", "").lower()
        framing = None
        if not coding and "content-length" not in request.headers:
            framing, coding = (b"Transfer-Encoding", b"chunked"), "chunked"
        chunked = coding.endswith("chunked")
        await self._write(request_head(request, framing), seconds)
        stream = cast(httpx.AsyncByteStream, request.stream)
        async for chunk in stream:
            if chunk:
                data = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
                await self._write(data, seconds)
        if chunked:
            await self._write(b"0\r\n\r\n", seconds)

    async def _write(self, data: bytes, seconds: float | None) -> None:
        transport = self._transport
        if transport is None or transport.is_closing() or self._lost is not None:
            raise httpx.WriteError(self._why("connection closed before the request was sent"))
        transport.write(data)
        while self._writing_paused:
            if not await self._wait(seconds):
                raise httpx.WriteTimeout("timed out sending the request")
        if self._lost is not None:
            raise httpx.WriteError(self._why("connection lost while sending"))

    def _why(self, fallback: str) -> str:
        return str(self._lost) if self._lost is not None and str(self._lost) else fallback

    async def receive_head(self, seconds: float | None) -> Head:
        """The response head (informational 1xx heads skipped).

        Raises:
            httpx.ReadError, httpx.ReadTimeout: As for a body.
            httpx.RemoteProtocolError: The server closed without answering, or the answer
                is not valid HTTP/1.1.
        """
        while self._head is None:
            self._raise_if_failed()
            if self._eof:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            if not await self._wait(seconds):
                raise httpx.ReadTimeout("timed out waiting for the response")
        return self._head

    async def receive_body(self, seconds: float | None) -> bytes | None:
        """The next chunk of the response body; None at its end.

        Raises:
            httpx.ReadError: The connection was reset.
            httpx.ReadTimeout: No byte came for `seconds`.
            httpx.RemoteProtocolError: The body was cut short or malformed.
        """
        while True:
            if self._body:
                chunk = self._body.popleft()
                self._consumed(len(chunk))
                return chunk
            if self._complete:
                return None
            self._raise_if_failed()
            if self._eof:
                raise httpx.RemoteProtocolError("the server closed the connection mid-body")
            if not await self._wait(seconds):
                raise httpx.ReadTimeout("timed out waiting for the response")

    def _consumed(self, size: int) -> None:
        self._buffered -= size
        if self._reading_paused and self._buffered < LOW_WATER and self._transport is not None:
            self._reading_paused = False
            self._transport.resume_reading()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error
        if self._eof and self._lost is not None:
            raise httpx.ReadError(self._why("connection lost"))
