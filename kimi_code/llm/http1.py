"""An asyncio-native HTTP/1.1 keep-alive connection pool (llm layer).

`Http1Transport` is an `httpx.AsyncBaseTransport`, so it plugs in wherever an httpx transport
does, but it skips httpcore and anyio: a connection is an `asyncio.Protocol` that parses
responses with httptools (`http1conn.py`), idle connections wait in a deque per origin
(reuse is O(1)), and callers beyond the connection limit wait in a FIFO of futures, each
handed a connection (or a free slot) by the request that releases it. The request's
`extensions["timeout"]` gives the connect, read, write and pool timeouts, and every failure
is raised as the httpx exception httpcore raises for it (`ConnectError`, `ConnectTimeout`,
`ReadError`, `ReadTimeout`, `WriteError`, `WriteTimeout`, `PoolTimeout`,
`RemoteProtocolError`, ...), so callers cannot tell the two transports apart except by the
CPU they cost.

A connection is reused only after its response was read to the end and its request was sent
whole; one the server closed, answered with `Connection: close`, sent unsolicited bytes on,
or that sat idle past `keepalive_expiry` is closed instead. A response body closed before
its end closes its connection.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import urllib.request
from collections import deque
from collections.abc import AsyncIterator, Mapping
from typing import Any

import certifi
import httpx

from kimi_code.llm.http1conn import Connection

__all__ = ["Http1Transport", "make_transport"]

Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}


def make_transport(base_url: str, max_connections: int) -> httpx.AsyncBaseTransport:
    """The transport for `base_url`: `Http1Transport`, or httpx's own behind an env proxy.

    `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` (and `NO_PROXY`) are honoured as httpx honours
    them; only a proxied endpoint pays for httpcore.
    """
    url = httpx.URL(base_url)
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if proxy and not urllib.request.proxy_bypass(url.host):
        limits = httpx.Limits(max_connections=max_connections)
        return httpx.AsyncHTTPTransport(proxy=proxy, limits=limits)
    return Http1Transport(max_connections=max_connections)


def _expire(fut: asyncio.Future[Any], exc: Exception) -> None:
    if not fut.done():
        fut.set_exception(exc)


class Http1Transport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over pooled keep-alive connections, at most `max_connections` open at once."""

    def __init__(
        self,
        *,
        max_connections: int = 100,
        keepalive_expiry: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """Create an empty pool (connections are opened on demand).

        Args:
            max_connections: Connections open at once (idle ones included).
            keepalive_expiry: Seconds an idle connection is kept for reuse.
            ssl_context: For https; default: the system defaults with certifi's CA bundle.
        """
        self._max = max(1, max_connections)
        self._expiry = keepalive_expiry
        self._ssl = ssl_context
        self._idle: dict[Origin, deque[Connection]] = {}
        self._open: set[Connection] = set()
        self._opening = 0
        self._waiters: deque[tuple[Origin, asyncio.Future[Connection | None]]] = deque()
        self._closed = False

    @property
    def connections(self) -> int:
        """Connections open or being opened now (idle ones included)."""
        return len(self._open) + self._opening

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` on a pooled connection; the body streams as it is read.

        Raises:
            httpx.TransportError: The subclass httpcore would raise for the same failure.
        """
        try:
            return await self._handle(request)
        except httpx.RequestError as exc:
            exc.request = request
            raise

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        if scheme not in DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme!r} in {url}")
        if self._closed:
            raise RuntimeError("the transport is closed")
        timeouts: Mapping[str, float | None] = request.extensions.get("timeout", {})
        origin = (scheme, url.host, url.port or DEFAULT_PORTS[scheme])
        conn = await self._acquire(origin, timeouts)
        try:
            await conn.send(request, timeouts.get("write"))
            head = await conn.receive_head(timeouts.get("read"))
        except BaseException:
            self.discard(conn)
            raise
        return httpx.Response(
            head.status_code,
            headers=head.headers,
            stream=ResponseBody(self, conn, timeouts.get("read")),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": head.reason},
            request=request,
        )

    # -- the pool ---------------------------------------------------------------------------

    async def _acquire(self, origin: Origin, timeouts: Mapping[str, float | None]) -> Connection:
        conn = self._take_idle(origin)
        if conn is not None:
            return conn
        if self.connections >= self._max:
            self._evict_other_origin()
        if self.connections < self._max:
            self._opening += 1
            return await self._connect(origin, timeouts.get("connect"))
        handed = await self._wait_for_slot(origin, timeouts.get("pool"))
        if handed is not None:
            return handed
        return await self._connect(origin, timeouts.get("connect"))

    def _take_idle(self, origin: Origin) -> Connection | None:
        idle = self._idle.get(origin)
        if not idle:
            return None
        stale = time.monotonic() - self._expiry
        while idle and idle[0].idle_since < stale:
            self.discard(idle.popleft())
        while idle:
            conn = idle.pop()
            if conn.reusable and conn.quiet():
                conn.active = True
                return conn
            self.discard(conn)
        return None

    def _evict_other_origin(self) -> None:
        """At the limit with idle connections to other origins: close the oldest of one."""
        for idle in self._idle.values():
            if idle:
                self.discard(idle.popleft())
                return

    async def _wait_for_slot(self, origin: Origin, seconds: float | None) -> Connection | None:
        """Queue until a request hands over its connection (or its slot: None)."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Connection | None] = loop.create_future()
        self._waiters.append((origin, fut))
        timer = None
        if seconds is not None:
            timer = loop.call_later(seconds, _expire, fut, httpx.PoolTimeout("pool timed out"))
        try:
            return await fut
        except BaseException:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                # Handed a connection or slot, then cancelled: pass it on.
                handed = fut.result()
                if handed is None:
                    self._opening -= 1
                    self._hand_slot()
                else:
                    self.release(handed)
            raise
        finally:
            if timer is not None:
                timer.cancel()

    async def _connect(self, origin: Origin, seconds: float | None) -> Connection:
        """Open a connection in a slot already counted in `_opening`."""
        scheme, host, port = origin
        loop = asyncio.get_running_loop()
        tls = self._tls() if scheme == "https" else None
        try:
            try:
                async with asyncio.timeout(seconds):
                    _, conn = await loop.create_connection(
                        lambda: Connection(loop, origin, self._forget),
                        host,
                        port,
                        ssl=tls,
                        server_hostname=host if tls else None,
                    )
            except TimeoutError:
                raise httpx.ConnectTimeout(f"connect to {host}:{port} timed out") from None
            except OSError as exc:
                raise httpx.ConnectError(str(exc) or type(exc).__name__) from None
        except BaseException:
            self._opening -= 1
            self._hand_slot()
            raise
        self._opening -= 1
        self._open.add(conn)
        conn.active = True
        return conn

    def _tls(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context(cafile=certifi.where())
            self._ssl.set_alpn_protocols(["http/1.1"])
        return self._ssl

    def release(self, conn: Connection) -> None:
        """Take back a connection whose response was read to the end."""
        conn.active = False
        if self._closed or not conn.reusable:
            self.discard(conn)
            return
        while self._waiters:
            origin, fut = self._waiters.popleft()
            if fut.done():
                continue
            if origin == conn.origin:
                conn.active = True
                fut.set_result(conn)
            else:
                self._open.discard(conn)
                conn.close()
                self._opening += 1
                fut.set_result(None)
            return
        conn.idle_since = time.monotonic()
        self._idle.setdefault(conn.origin, deque()).append(conn)

    def discard(self, conn: Connection) -> None:
        """Close a connection that will not be reused and pass its slot on."""
        conn.close()
        if conn in self._open:
            self._open.discard(conn)
            self._hand_slot()

    def _forget(self, conn: Connection) -> None:
        """An idle connection was closed by the server: drop it from the pool now."""
        idle = self._idle.get(conn.origin)
        if idle is not None and conn in idle:
            idle.remove(conn)
            self.discard(conn)

    def _hand_slot(self) -> None:
        """A slot is free: let the first waiter open a connection in it."""
        while self._waiters:
            _, fut = self._waiters.popleft()
            if not fut.done():
                self._opening += 1
                fut.set_result(None)
                return

    async def aclose(self) -> None:
        """Close every connection; requests still waiting for one fail with PoolTimeout."""
        self._closed = True
        for conn in list(self._open):
            conn.close()
        self._open.clear()
        self._idle.clear()
        while self._waiters:
            _, fut = self._waiters.popleft()
            _expire(fut, httpx.PoolTimeout("the transport was closed"))


class ResponseBody(httpx.AsyncByteStream):
    """A response body read from its connection; the connection goes back at its end."""

    def __init__(self, pool: Http1Transport, conn: Connection, read_s: float | None) -> None:
        """Stream the body of the response just received on `conn`."""
        self._pool = pool
        self._conn: Connection | None = conn
        self._read_s = read_s

    async def __aiter__(self) -> AsyncIterator[bytes]:
        """Yield the body's chunks; at the end, return the connection to the pool.

        Raises:
            httpx.ReadError, httpx.ReadTimeout, httpx.RemoteProtocolError: The body was cut.
        """
        conn = self._conn
        if conn is None:
            raise httpx.StreamClosed()
        try:
            while (chunk := await conn.receive_body(self._read_s)) is not None:
                yield chunk
        except BaseException:
            self._finish(reuse=False)
            raise
        self._finish(reuse=True)

    def _finish(self, *, reuse: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if reuse:
            conn.next_cycle()
            self._pool.release(conn)
        else:
            self._pool.discard(conn)

    async def aclose(self) -> None:
        """Close the body; one not read to its end closes its connection."""
        self._finish(reuse=False)
