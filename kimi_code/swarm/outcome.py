"""What an agent leaves behind: its status, its changes, and its edits to others' files.

Outcomes are saved as JSON under `.kimi/runs/<id>/agents/` as each agent finishes, so a
resumed run re-stages finished agents' changes instead of running them again (core layer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kimi_code.errors import KimiError
from kimi_code.model.changes import FileChange

__all__ = ["AgentFailed", "AgentOutcome", "AgentStatus", "ForeignEdit"]

AgentStatus = Literal["done", "failed", "cancelled"]


class AgentFailed(KimiError):
    """An agent gave up; the message says why (shown per file in the report)."""


def change_to_json(change: FileChange) -> dict[str, Any]:
    """Serialise a `FileChange`."""
    return {
        "path": change.path,
        "new_text": change.new_text,
        "old_hash": change.old_hash,
        "new_path": change.new_path,
        "owner": change.owner,
    }


def change_from_json(data: dict[str, Any]) -> FileChange:
    """Rebuild a `FileChange` from `change_to_json` output."""
    return FileChange(
        path=data["path"],
        new_text=data.get("new_text"),
        old_hash=data.get("old_hash"),
        new_path=data.get("new_path"),
        owner=data.get("owner"),
    )


@dataclass(frozen=True, slots=True)
class ForeignEdit:
    """An edit an agent made to a file another agent (or nobody) owns."""

    change: FileChange
    """The proposed change, against `base_text`."""
    base_text: str
    """The text the agent edited (for a three-way merge onto newer text)."""


@dataclass(frozen=True, slots=True)
class AgentOutcome:
    """The result of one agent."""

    task_id: str
    status: AgentStatus
    reason: str = ""
    """Why it failed or was cancelled."""
    summary: str = ""
    """The agent's own summary (from `done`)."""
    changes: tuple[FileChange, ...] = ()
    """Changes to its own files, as committed."""
    foreign: tuple[ForeignEdit, ...] = ()
    """Edits to other files, routed through the coordinator."""
    tool_calls: int = 0
    tokens: int = 0
    elapsed: float = 0.0
    policy: str = ""
    left: Mapping[str, str] = field(default_factory=dict)
    """Its files that its tools left as they were, and why (`left as JavaScript: ...`)."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (with full texts, for resume)."""
        return {
            "task_id": self.task_id,
            "status": self.status,
            "reason": self.reason,
            "summary": self.summary,
            "changes": [change_to_json(c) for c in self.changes],
            "foreign": [
                {"change": change_to_json(f.change), "base_text": f.base_text} for f in self.foreign
            ],
            "tool_calls": self.tool_calls,
            "tokens": self.tokens,
            "elapsed": round(self.elapsed, 3),
            "policy": self.policy,
            "left": dict(self.left),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AgentOutcome:
        """Rebuild an outcome from `to_json` output."""
        status = data["status"]
        if status not in ("done", "failed", "cancelled"):
            raise ValueError(f"bad agent status {status!r}")
        return cls(
            task_id=data["task_id"],
            status=status,
            reason=data.get("reason", ""),
            summary=data.get("summary", ""),
            changes=tuple(change_from_json(c) for c in data.get("changes", ())),
            foreign=tuple(
                ForeignEdit(change_from_json(f["change"]), f["base_text"])
                for f in data.get("foreign", ())
            ),
            tool_calls=int(data.get("tool_calls", 0)),
            tokens=int(data.get("tokens", 0)),
            elapsed=float(data.get("elapsed", 0.0)),
            policy=data.get("policy", ""),
            left={str(k): str(v) for k, v in (data.get("left") or {}).items()},
        )
