"""Frozen domain values shared by every layer (no I/O, no third-party imports)."""

from kimi_code.model.changes import ChangeSet, FileChange, content_hash
from kimi_code.model.events import AgentEvent, AgentState, EventSink

__all__ = ["AgentEvent", "AgentState", "ChangeSet", "EventSink", "FileChange", "content_hash"]
