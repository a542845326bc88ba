"""The one typed event stream of a run (core layer).

The orchestrator emits `AgentEvent`s; the terminal (rich), the language server
(`kimiCode/agentProgress`) and the HTTP API (stream chunks) render them.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


class AgentState(enum.StrEnum):
    """Lifecycle of one agent (and, with agent_id "run", of the run itself)."""

    QUEUED = "queued"
    RUNNING = "running"
    TOOL_STARTED = "tool_started"
    TOOL_FINISHED = "tool_finished"
    SUSPENDED = "suspended"
    RETRIED = "retried"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """A progress event of one agent in one run."""

    run_id: str
    """Id of the run."""
    agent_id: str
    """Id of the agent ("run" for run-level events such as verification)."""
    state: AgentState
    """What happened."""
    file: str | None = None
    """Workspace-relative file the agent owns."""
    step: int = 0
    """Index of the agent's current step."""
    tool: str | None = None
    """The tool being called (for tool events)."""
    tool_calls: int = 0
    """Tool calls the agent has made so far."""
    tokens: int = 0
    """Tokens the agent has used so far."""
    elapsed: float = 0.0
    """Seconds since the agent started."""
    message: str = ""
    """Human-readable detail: an error, a retry reason, a summary."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Additional JSON-serialisable fields (budgets, totals)."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (state as its string value)."""
        data = asdict(self)
        data["state"] = self.state.value
        return data


class EventSink(Protocol):
    """Receives events; must not block (adapters queue or render quickly)."""

    def __call__(self, event: AgentEvent) -> None:
        """Handle one event."""
