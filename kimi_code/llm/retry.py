"""Retry policy for model requests (llm layer).

Only retryable failures are retried: transport errors (refused, reset, timed out, an answer
cut mid-body), HTTP 429, 5xx server errors (as OpenAI's own SDK does: servers answer 500 for
transient faults too) and explicit overload answers (529, or an error body whose type says
"overloaded"); 4xx client errors are never retried. Delays grow
exponentially with full jitter and honour a server's `Retry-After` (seconds or an HTTP date).
When the attempts are spent a 429/overload becomes `RateLimited(retry_after=...)` so the swarm
can suspend the agent, requeue it and shrink its concurrency.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "RATE_LIMIT_STATUS",
    "RETRYABLE_STATUS",
    "UNAVAILABLE_STATUS",
    "RetryPolicy",
    "RetryableError",
    "parse_retry_after",
    "with_retries",
]

T = TypeVar("T")

RATE_LIMIT_STATUS = frozenset({429, 529})
"""Statuses meaning "too many requests / overloaded": surfaced as `RateLimited`."""
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504, 529})
"""Statuses worth another attempt."""
UNAVAILABLE_STATUS = frozenset({502, 503, 504})
"""Statuses meaning "the model server is not there": surfaced as `BackendUnavailable`."""


class RetryableError(Exception):
    """A failure the policy may retry; `final` is raised when attempts are spent."""

    def __init__(self, final: Exception, *, retry_after: float | None = None) -> None:
        self.final = final
        self.retry_after = retry_after
        super().__init__(str(final))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Jittered exponential backoff."""

    max_attempts: int = 4
    """Total attempts including the first."""
    base_delay: float = 0.5
    """Delay cap of the first retry in seconds (grows by `multiplier` each time)."""
    max_delay: float = 20.0
    """Largest delay between two attempts."""
    multiplier: float = 2.0
    """Growth factor of the delay cap."""
    max_retry_after: float = 60.0
    """A `Retry-After` above this is not waited for: the error is raised at once."""

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Return the delay before retry number `attempt` (1-based).

        Full jitter: uniform in [0, cap]; a server-given `Retry-After` is a lower bound.
        """
        cap = min(self.max_delay, self.base_delay * self.multiplier ** (attempt - 1))
        jittered = rng.uniform(0.0, cap)
        if retry_after is not None:
            return max(retry_after, jittered)
        return jittered


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parse a `Retry-After` header (delta seconds or an HTTP date) into seconds.

    Returns None for a missing or unparseable header; never a negative number.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


_JITTER = random.Random()
"""Jitter for every retry loop (seeding a new `Random` per call costs more than a request)."""


async def with_retries(
    attempt_fn: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    rng: random.Random | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_retry: Callable[[int, float, Exception], None] | None = None,
) -> T:
    """Run `attempt_fn`, retrying while it raises `RetryableError`.

    Args:
        attempt_fn: One attempt; raises `RetryableError` for retryable failures.
        policy: Attempts and delays.
        rng: Source of jitter (seeded in tests).
        sleep: Awaitable sleep (replaced in tests).
        on_retry: Called with (attempt, delay, error) before each wait.

    Raises:
        Exception: the `final` error of the last `RetryableError`, or any other error at once.
    """
    rng = rng if rng is not None else _JITTER
    attempt = 1
    while True:
        try:
            return await attempt_fn()
        except RetryableError as exc:
            too_long = exc.retry_after is not None and exc.retry_after > policy.max_retry_after
            if attempt >= policy.max_attempts or too_long:
                raise exc.final from None
            delay = policy.delay(attempt, exc.retry_after, rng)
            if on_retry is not None:
                on_retry(attempt, delay, exc.final)
            await sleep(delay)
            attempt += 1
