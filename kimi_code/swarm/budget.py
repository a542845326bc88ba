"""Run limits and the shared budget of tool calls, tokens and wall time (core layer).

One `Budget` per run, shared by every agent on the one asyncio loop (no locks needed:
each check-and-take happens without an `await` in between).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from kimi_code.errors import BudgetExhausted

__all__ = ["Budget", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Every knob that bounds a run."""

    max_agents: int = 8
    """Agents running at once (1..100)."""
    max_tool_calls: int = 1500
    """Tool calls of the whole run, fix-up rounds included."""
    max_tokens: int | None = None
    """Model tokens of the whole run (None: unbounded)."""
    wall_seconds: float | None = None
    """Wall time of the agent phase (None: unbounded)."""
    agent_timeout: float = 600.0
    """Seconds one agent may be active (suspensions for rate limits excluded)."""
    max_turns: int = 40
    """Model answers one model-driven agent may consume."""
    max_suspensions: int = 8
    """Rate-limit suspensions one agent may take before it fails."""
    backoff_base: float = 0.5
    """First backoff delay in seconds (doubled per retry, jittered)."""
    backoff_cap: float = 30.0
    """Longest backoff delay in seconds (a server's Retry-After may exceed it)."""
    fixup_rounds: int = 2
    """Fix-up rounds after whole-project verification."""


class Budget:
    """The run's spendable budget."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        """Start the budget now."""
        self.limits = limits
        self._clock = clock
        self.started = clock()
        self.tool_calls = 0
        self.tokens = 0

    @property
    def elapsed(self) -> float:
        """Seconds since the budget started."""
        return self._clock() - self.started

    def take_tool_call(self) -> None:
        """Spend one tool call.

        Raises:
            BudgetExhausted: the tool-call, token or wall-time budget is spent.
        """
        self.check()
        if self.tool_calls >= self.limits.max_tool_calls:
            raise BudgetExhausted(f"tool-call budget of {self.limits.max_tool_calls} spent")
        self.tool_calls += 1

    def add_tokens(self, tokens: int) -> None:
        """Record tokens a model call used (the call already happened, so never refused)."""
        self.tokens += tokens

    def check(self) -> None:
        """Raise if the token or wall-time budget is spent.

        Raises:
            BudgetExhausted: which budget and its size.
        """
        limit = self.limits.max_tokens
        if limit is not None and self.tokens >= limit:
            raise BudgetExhausted(f"token budget of {limit} spent")
        wall = self.limits.wall_seconds
        if wall is not None and self.elapsed >= wall:
            raise BudgetExhausted(f"wall-time budget of {wall:g}s spent")

    def to_json(self) -> dict[str, float | int | None]:
        """Budget use and limits, for the report."""
        return {
            "tool_calls": self.tool_calls,
            "max_tool_calls": self.limits.max_tool_calls,
            "tokens": self.tokens,
            "max_tokens": self.limits.max_tokens,
            "wall_seconds": round(self.elapsed, 3),
            "max_wall_seconds": self.limits.wall_seconds,
        }
