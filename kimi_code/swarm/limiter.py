"""Adaptive concurrency for agents: AIMD on rate limits, jittered backoff (core layer).

The limiter admits at most `current` agents at once. A 429/overload halves `current`
(at most once per cool-down, so a burst of simultaneous 429s counts once); each
successful model call adds `1/current`, so the limit climbs back by about one per
window of successes, up to `max_agents`. Waiters are woken in FIFO order, which lets
the scheduler decide priority by the order in which agents ask.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable

__all__ = ["AdaptiveLimiter", "backoff_delay"]


def backoff_delay(
    attempt: int,
    retry_after: float | None,
    *,
    base: float,
    cap: float,
    rng: random.Random,
) -> float:
    """Seconds to wait before retry number `attempt` (1-based).

    A server's Retry-After is honoured (plus up to 10% jitter so agents do not return in
    lockstep); otherwise "full jitter" exponential backoff, capped at `cap`.
    """
    if retry_after is not None and retry_after > 0:
        return retry_after * (1.0 + 0.1 * rng.random())
    return rng.uniform(0.5, 1.0) * min(cap, base * 2 ** (attempt - 1))


class AdaptiveLimiter:
    """An asyncio semaphore whose size shrinks on rate limits and recovers on success."""

    def __init__(
        self,
        max_limit: int,
        *,
        cooldown: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Allow `max_limit` holders; shrink at most once per `cooldown` seconds."""
        self.max_limit = max(1, max_limit)
        self._limit = float(self.max_limit)
        self._in_use = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._cooldown = cooldown
        self._clock = clock
        self._last_decrease = float("-inf")
        self.min_seen = self.max_limit
        """Smallest limit reached during the run (reported; tests check the shrink)."""
        self.decreases = 0

    @property
    def current(self) -> int:
        """How many holders are admitted now."""
        return max(1, int(self._limit))

    @property
    def in_use(self) -> int:
        """How many holders hold a slot."""
        return self._in_use

    async def acquire(self) -> None:
        """Wait for a slot (FIFO)."""
        if self._in_use < self.current and not self._waiters:
            self._in_use += 1
            return
        loop = asyncio.get_running_loop()
        while True:
            future: asyncio.Future[None] = loop.create_future()
            self._waiters.append(future)
            try:
                await future
            except asyncio.CancelledError:
                if future in self._waiters:
                    self._waiters.remove(future)
                self._wake()
                raise
            if self._in_use < self.current:
                self._in_use += 1
                return

    def release(self) -> None:
        """Give a slot back."""
        self._in_use = max(0, self._in_use - 1)
        self._wake()

    def on_rate_limited(self) -> None:
        """Multiplicative decrease (once per cool-down)."""
        now = self._clock()
        if now - self._last_decrease < self._cooldown:
            return
        self._last_decrease = now
        self._limit = max(1.0, self._limit / 2)
        self.decreases += 1
        self.min_seen = min(self.min_seen, self.current)

    def on_success(self) -> None:
        """Additive increase, up to the configured maximum."""
        if self._limit < self.max_limit:
            self._limit = min(float(self.max_limit), self._limit + 1.0 / self._limit)
            self._wake()

    def _wake(self) -> None:
        free = self.current - self._in_use
        while free > 0 and self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(None)
                free -= 1
