"""A connection pool sharded over several small `httpx.AsyncClient`s (llm layer).

httpcore's pool scans its connections and its queued requests on every request and every
release, so the CPU cost per request grows with the pool size: one pool of 100 connections
serving 100 agents spends far more time in that bookkeeping than several pools of eight
(see `benchmarks/swarm_bench.py`). `ShardedPool` keeps the same total number of connections
in shards of at most `per_shard` and leases each request to the least busy shard, so callers
still see one client with one connection limit.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

__all__ = ["DEFAULT_PER_SHARD", "ShardedPool", "shard_sizes"]

DEFAULT_PER_SHARD = 8
"""Connections per shard: small enough that httpcore's per-request scans stay cheap."""


def shard_sizes(connections: int, per_shard: int) -> list[int]:
    """Split `connections` into the fewest shards of at most `per_shard`, as even as possible.

    >>> shard_sizes(100, 8)
    [8, 8, 8, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7]
    """
    connections = max(1, connections)
    count = math.ceil(connections / max(1, per_shard))
    base, extra = divmod(connections, count)
    return [base + 1 if i < extra else base for i in range(count)]


class ShardedPool:
    """Several `httpx.AsyncClient`s with a combined connection limit, used as one."""

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str],
        timeout: httpx.Timeout,
        connections: int,
        per_shard: int = DEFAULT_PER_SHARD,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Open the shards (no connection is made until the first request).

        Args:
            base_url: Base URL every request is relative to.
            headers: Headers sent with every request.
            timeout: Connect/read/write/pool timeouts of every shard.
            connections: Total connections across the shards.
            per_shard: Largest shard.
            transport: A given transport is itself the pool: one shard uses it (tests).
        """
        sizes = [max(1, connections)] if transport is not None else None
        self.sizes = sizes or shard_sizes(connections, per_shard)
        """Connection limit of each shard."""
        self._shards = [
            httpx.AsyncClient(
                base_url=base_url,
                headers=dict(headers),
                timeout=timeout,
                limits=httpx.Limits(max_connections=n, max_keepalive_connections=n),
                transport=transport,
            )
            for n in self.sizes
        ]
        self._busy = [0] * len(self._shards)
        self._next = 0

    @property
    def busy(self) -> tuple[int, ...]:
        """Requests leased to each shard now (in flight or waiting for a connection)."""
        return tuple(self._busy)

    def _pick(self) -> int:
        """The shard with the lowest load per connection, scanning from after the last pick."""
        count = len(self._shards)
        best = self._next % count
        for step in range(1, count):
            i = (self._next + step) % count
            if self._busy[i] * self.sizes[best] < self._busy[best] * self.sizes[i]:
                best = i
        self._next = best + 1
        return best

    @asynccontextmanager
    async def lease(self) -> AsyncIterator[httpx.AsyncClient]:
        """Lend the least busy shard for one request, response body included."""
        i = self._pick()
        self._busy[i] += 1
        try:
            yield self._shards[i]
        finally:
            self._busy[i] -= 1

    async def aclose(self) -> None:
        """Close every shard."""
        for shard in self._shards:
            await shard.aclose()
