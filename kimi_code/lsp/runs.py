"""Runs started from the editor, followed until their edit is applied (adapter layer).

`start_session` starts a swarm run through the run API and returns at once; a tracked
task then renders the run's `AgentEvent`s as `kimiCode/agentProgress` notifications and a
cancellable work-done progress, waits for the report, applies the change set through the
editor (`workspace/applyEdit`, never the disk writer) and ends with `kimiCode/runFinished`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pygls.lsp.server import LanguageServer

from kimi_code.errors import KimiError
from kimi_code.lsp.apply import ApplyOutcome, apply_changes, snapshot_changes, snapshot_document
from kimi_code.lsp.convert import agent_progress
from kimi_code.lsp.progress import WorkProgress
from kimi_code.lsp.redo import redo_stale
from kimi_code.model.events import AgentEvent, AgentState

__all__ = ["AGENT_PROGRESS", "RUN_FINISHED", "RunSession"]

AGENT_PROGRESS = "kimiCode/agentProgress"
RUN_FINISHED = "kimiCode/runFinished"
_FINAL = {AgentState.DONE, AgentState.FAILED, AgentState.CANCELLED}
_STATES = {
    "ready": "finished",
    "not_applied": "not_applied",
    "cancelled": "cancelled",
    "failed": "failed",
    "applied": "finished",
}

log = logging.getLogger(__name__)


@dataclass(slots=True)
class RunSession:
    """One run as the server follows it (mutable: it changes while the run goes)."""

    server: LanguageServer
    root: Path
    label: str
    dry_run: bool
    handle: Any = None
    """The run API's `RunHandle` (set once `start_run` returned)."""
    request: Any = None
    """The run's `RunRequest` (reused to redo files that went stale)."""
    backend: Any = None
    """The backend the run was given (None: chosen from the request's model spec)."""
    redo_handle: Any = None
    """The follow-up run redoing stale files, while it goes."""
    state: str = "running"
    started: float = field(default_factory=time.monotonic)
    agents: dict[str, AgentEvent] = field(default_factory=dict)
    queue: asyncio.Queue[AgentEvent] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[None] | None = None
    progress: WorkProgress | None = None
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.get_running_loop)

    @property
    def run_id(self) -> str:
        """The run's id."""
        return str(self.handle.run_id)

    def on_event(self, event: AgentEvent) -> None:
        """Event sink for the core: thread-safe, never blocks."""
        self.loop.call_soon_threadsafe(self.queue.put_nowait, event)

    def cancel(self, agent_id: str | None = None) -> None:
        """Cancel the run, or one agent of it."""
        if agent_id is None and self.state == "running":
            self.state = "cancelling"
        self.handle.cancel(agent_id)
        if agent_id is None and self.redo_handle is not None:
            self.redo_handle.cancel()

    def summary(self) -> dict[str, Any]:
        """JSON row for `kimiCode.runs`."""
        return {
            "runId": self.run_id,
            "label": self.label,
            "state": self.state,
            "agents": len(self.agents),
            "done": sum(1 for e in self.agents.values() if e.state in _FINAL),
            "toolCalls": sum(e.tool_calls for e in self.agents.values()),
            "elapsed": round(time.monotonic() - self.started, 3),
        }

    def _render(self, event: AgentEvent) -> None:
        if event.agent_id != "run":
            self.agents[event.agent_id] = event
        self.server.protocol.notify(AGENT_PROGRESS, agent_progress(event))
        if self.progress is not None:
            row = self.summary()
            total = max(1, row["agents"])
            self.progress.report(
                f"{row['done']}/{row['agents']} agents, {row['toolCalls']} tool calls",
                int(100 * row["done"] / total),
            )

    async def _pump(self) -> None:
        while True:
            self._render(await self.queue.get())

    def _drain(self) -> None:
        while not self.queue.empty():
            self._render(self.queue.get_nowait())

    async def follow(self) -> None:
        """Render progress until the run ends, then apply and announce the result."""
        self.progress = WorkProgress(self.server, f"Kimi: {self.label}")
        await self.progress.begin("starting agents", cancellable=True, on_cancel=self.cancel)
        pump = asyncio.create_task(self._pump())
        payload: dict[str, Any] = {"runId": self.run_id, "label": self.label}
        try:
            report = await self.handle.wait()
            self._drain()
            payload["report"] = report.to_json()
            payload["apply"] = (await self._apply(report)).to_json()
            cancelled = self.state == "cancelling"  # during the redo of stale files
            self.state = "cancelled" if cancelled else _STATES.get(report.status, "finished")
        except asyncio.CancelledError:
            if not self.handle.done:
                raise  # the server itself is going down
            self.state = "cancelled"
        except KimiError as exc:
            self.state = "failed"
            payload["error"] = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a bug must end the run visibly, not hang the editor
            log.exception("run %s crashed", self.run_id)
            self.state = "failed"
            payload["error"] = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            pump.cancel()
            self._drain()
        payload["state"] = self.state
        self.progress.end(self.state)
        self.server.protocol.notify(RUN_FINISHED, payload)

    async def _apply(self, report: Any) -> ApplyOutcome:
        """Send a verified change set to the editor; anything else is reported, not sent.

        Files that moved after their agent read them are redone on the current text first
        (`redo.py`); only the ones whose redo fails too are reported as stale.
        """
        if report.status != "ready" or self.dry_run or self.state != "running":
            return ApplyOutcome(applied=False, failure_reason=report.reason)
        changes = list(report.changeset.changes)
        _fresh, stale = snapshot_changes(self.server, self.root, changes)
        if not stale or self.request is None:
            return await apply_changes(self.server, self.root, changes, f"Kimi: {self.label}")
        if self.progress is not None:
            self.progress.report(f"redoing {len(stale)} file(s) changed during the run")
        buffers = {
            p: snap.text
            for p in stale
            if (snap := snapshot_document(self.server, self.root, p)) is not None
        }
        redo = await redo_stale(self.request, stale, buffers, self.backend, self._set_redo)
        if self.state != "running":
            return ApplyOutcome(applied=False, failure_reason="cancelled")
        changes = [c for c in changes if c.path not in stale] + list(redo.changes)
        outcome = await apply_changes(self.server, self.root, changes, f"Kimi: {self.label}")
        redone = tuple(c.path for c in redo.changes if c.path in outcome.files)
        return replace(outcome, stale={**outcome.stale, **redo.failed}, redone=redone)

    def _set_redo(self, handle: Any) -> None:
        self.redo_handle = handle
