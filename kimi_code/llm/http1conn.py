"""One HTTP/1.1 client connection: an `asyncio.Protocol` driving `h11` (llm layer).

Used by the pool in `http1.py`. Bytes from the socket are queued as they arrive (reading
pauses past a high-water mark) and fed to h11 only when the request in progress needs them;
a request's head and body leave in one write. Waiting for bytes, or for a full send buffer to
drain, is one future per wait with a timer for its timeout: `ReadTimeout`/`WriteTimeout`.
Bytes, an EOF or a close while the connection is idle in the pool mean the server is done
with it: it is closed and the pool is told.
"""

from __future__ import annotations

import asyncio
import select
from collections import deque
from collections.abc import Callable
from typing import Any

import h11
import httpx

__all__ = ["Connection"]

HIGH_WATER = 256 * 1024
"""Unread response bytes buffered before reading from the socket pauses."""
LOW_WATER = 64 * 1024


def _wake(fut: asyncio.Future[bool], value: bool) -> None:
    if not fut.done():
        fut.set_result(value)


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
        self._h11 = h11.Connection(h11.CLIENT)
        self._transport: asyncio.Transport | None = None
        self._fileno = -1
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._reading_paused = False
        self._writing_paused = False
        self._eof = False
        self._lost: Exception | None = None
        self._waiter: asyncio.Future[bool] | None = None

    # -- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport."""
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        self._fileno = sock.fileno() if sock is not None else -1

    def data_received(self, data: bytes) -> None:
        """Queue bytes for the request in progress; any while idle end the connection."""
        if not self.active:
            self._eof = True
            self._on_idle_close(self)
            return
        self._chunks.append(data)
        self._buffered += len(data)
        if self._buffered > HIGH_WATER and self._transport is not None:
            self._reading_paused = True
            self._transport.pause_reading()
        self._notify()

    def eof_received(self) -> bool | None:
        """The server will send no more: never reuse; the transport closes itself."""
        self._eof = True
        self._notify()
        if not self.active:
            self._on_idle_close(self)
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        """Remember why the connection ended, for the request in progress."""
        self._eof = True
        self._lost = exc
        self._writing_paused = False
        self._notify()
        if not self.active:
            self._on_idle_close(self)

    def pause_writing(self) -> None:
        """The send buffer is full."""
        self._writing_paused = True

    def resume_writing(self) -> None:
        """The send buffer drained."""
        self._writing_paused = False
        self._notify()

    # -- state --------------------------------------------------------------------------------

    @property
    def reusable(self) -> bool:
        """Open, not closed by the server, and idle in h11's view."""
        h = self._h11
        return (
            not self._eof
            and not self._chunks
            and self._transport is not None
            and not self._transport.is_closing()
            and h.our_state is h11.IDLE
            and h.their_state is h11.IDLE
            and not h.trailing_data[0]
        )

    def quiet(self) -> bool:
        """Nothing (an EOF or stray bytes) waits on the socket that the loop has not seen."""
        try:
            readable, _, _ = select.select([self._fileno], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def next_cycle(self) -> None:
        """After a complete exchange: make h11 ready for the next request, if it can be."""
        h = self._h11
        if h.our_state is h11.DONE and h.their_state is h11.DONE:
            h.start_next_cycle()

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
            h11.LocalProtocolError: The request cannot be framed.
        """
        h = self._h11
        target = request.url.raw_path
        head = h.send(
            h11.Request(method=request.method, target=target, headers=request.headers.raw)
        )
        assert head is not None
        if isinstance(request.stream, httpx.ByteStream):
            parts = [head]
            if request.content:
                parts.append(h.send(h11.Data(data=request.content)) or b"")
            parts.append(h.send(h11.EndOfMessage()) or b"")
            await self._write(b"".join(parts), seconds)
            return
        await self._write(head, seconds)
        stream: Any = request.stream
        async for chunk in stream:
            await self._write(h.send(h11.Data(data=chunk)) or b"", seconds)
        await self._write(h.send(h11.EndOfMessage()) or b"", seconds)

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

    async def receive_head(self, seconds: float | None) -> h11.Response:
        """The response head (informational 1xx heads skipped).

        Raises:
            httpx.ReadError, httpx.ReadTimeout: As for a body.
            httpx.RemoteProtocolError: The server closed without answering.
            h11.RemoteProtocolError: The answer is not valid HTTP/1.1.
        """
        if not self._chunks and not self._eof and not await self._wait(seconds):
            # Nothing has arrived yet: wait before asking h11 (it could only say NEED_DATA).
            raise httpx.ReadTimeout("timed out waiting for the response")
        while True:
            event = await self._next_event(seconds)
            if isinstance(event, h11.Response):
                return event
            if isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    async def receive_body(self, seconds: float | None) -> bytes | None:
        """The next chunk of the response body; None at its end.

        Raises:
            httpx.ReadError: The connection was reset.
            httpx.ReadTimeout: No byte came for `seconds`.
            h11.RemoteProtocolError: The body was cut short or malformed.
        """
        while True:
            event = await self._next_event(seconds)
            if isinstance(event, h11.Data):
                if event.data:
                    return bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return None
            else:
                raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} in a body")

    async def _next_event(self, seconds: float | None) -> Any:
        h = self._h11
        while True:
            event = h.next_event()
            if event is not h11.NEED_DATA:
                return event
            if self._chunks:
                self._feed()
            elif self._eof:
                if self._lost is not None:
                    raise httpx.ReadError(self._why("connection lost"))
                h.receive_data(b"")
            elif not await self._wait(seconds):
                raise httpx.ReadTimeout("timed out waiting for the response")

    def _feed(self) -> None:
        data = self._chunks.popleft()
        self._buffered -= len(data)
        self._h11.receive_data(data)
        if self._reading_paused and self._buffered < LOW_WATER and self._transport is not None:
            self._reading_paused = False
            self._transport.resume_reading()
