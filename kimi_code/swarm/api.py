"""The run API that every front end uses: start, watch, cancel, resume, apply (core layer).

    handle = await start_run(RunRequest(root, "js-to-ts"), on_event=print)
    handle.cancel("a003")          # one agent; handle.cancel() cancels the whole run
    report = await handle.wait()   # RunReport (status "cancelled" if cancelled)

`start_run` returns at once; the run is a tracked asyncio task. Events are delivered to
`on_event` synchronously on the loop, so the callback must be quick (queue or render).
A cancelled run applies nothing. `resume_run` continues a run saved under
`<root>/.kimi/runs/<id>/` without rerunning the agents that had finished (and plans
again if the earlier attempt was stopped before its plan was saved).

Cancellation is reported, not raised: `wait()` returns a report with status
`cancelled` (front ends render it; the CLI exits 130). `RunRequest.allow_dirty`
defaults to False: in git, a run refuses to touch files with uncommitted changes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kimi_code.errors import UserInputError
from kimi_code.llm.types import ChatBackend
from kimi_code.model.events import AgentEvent
from kimi_code.plan.model import Plan
from kimi_code.swarm.report import FileOutcome, PolicyChoice, RunReport, RunRequest
from kimi_code.swarm.run import RunState, execute
from kimi_code.swarm.store import RunStore, new_run_id

__all__ = [
    "FileOutcome",
    "PolicyChoice",
    "RunHandle",
    "RunReport",
    "RunRequest",
    "apply_report",
    "resume_run",
    "start_run",
]

if TYPE_CHECKING:
    from kimi_code.index import WorkspaceIndex

log = logging.getLogger(__name__)
EventCallback = Callable[[AgentEvent], None]


class RunHandle:
    """A run in progress."""

    def __init__(self, state: RunState, task: asyncio.Task[RunReport]) -> None:
        """Wrap a started run (use `start_run`)."""
        self._state = state
        self._task = task

    @property
    def run_id(self) -> str:
        """The run's id (its state lives in `.kimi/runs/<run_id>/`)."""
        return self._state.run_id

    @property
    def plan(self) -> Plan | None:
        """The plan, once planning has finished."""
        return self._state.plan

    @property
    def done(self) -> bool:
        """Whether the run has finished (reported, failed or cancelled)."""
        return self._task.done()

    def cancel(self, agent_id: str | None = None) -> bool:
        """Cancel the run (nothing is applied) or, with `agent_id`, one agent.

        Returns False when there was nothing left to cancel, and once the run's outcome is
        decided (it is applying, or only releasing its helpers before reporting): the run
        then finishes and reports what it did, so a cancel that lands late cannot make an
        applied run look cancelled.
        """
        if agent_id is None:
            return False if self._state.settled else self._task.cancel()
        coord = self._state.coordinator
        return coord.cancel(agent_id) if coord is not None else False

    async def wait(self) -> RunReport:
        """Wait for the report.

        Raises:
            UserInputError: the request was invalid (unknown recipe, bad scope...).
            KimiError: the run failed (backend configuration, apply errors).
        """
        return await asyncio.shield(self._task)


def _resolved(root: Path) -> Path:
    return root.resolve()


def _safe(callback: EventCallback | None) -> EventCallback:
    def emit(event: AgentEvent) -> None:
        if callback is None:
            return
        try:
            callback(event)
        except Exception:  # a broken renderer must not break the run
            log.exception("event callback failed")

    return emit


async def start_run(
    request: RunRequest,
    *,
    on_event: EventCallback | None = None,
    backend: ChatBackend | None = None,
    run_id: str | None = None,
    index: WorkspaceIndex | None = None,
) -> RunHandle:
    """Start a run and return its handle at once.

    Args:
        request: what to do.
        on_event: receives every `AgentEvent` (must not block).
        backend: the model backend (default: `kimi_code.llm.config.load_backend(request.model)`).
        run_id: force a run id (default: a new, time-sortable id).
        index: an up-to-date workspace index (the language server keeps one); default:
            `kimi_code.index.build_index(request.root)`.

    Raises:
        UserInputError: the request is invalid (checked before the task starts).
    """
    request = replace(request, root=_resolved(request.root))
    request.validate()
    rid = run_id or new_run_id()
    state = RunState(rid, request, _safe(on_event), RunStore(request.root, rid), index=index)
    task = asyncio.create_task(execute(state, backend), name=f"kimi-run-{rid}")
    return RunHandle(state, task)


async def resume_run(
    root: Path,
    run_id: str,
    *,
    on_event: EventCallback | None = None,
    backend: ChatBackend | None = None,
    index: WorkspaceIndex | None = None,
) -> RunHandle:
    """Continue a saved run: finished agents are re-staged, the others run again.

    Raises:
        UserInputError: no such run, or it already finished.
    """
    store = RunStore(_resolved(root), run_id)
    if not store.exists():
        raise UserInputError(f"no saved run {run_id!r}", path=str(store.dir))
    saved = store.load("state") if store.has("state") else {}
    if saved.get("state") == "done":
        raise UserInputError(f"run {run_id} already finished (applied: {saved.get('applied')})")
    request = RunRequest.from_json(store.load("request"))
    state = RunState(run_id, request, _safe(on_event), store, resume=True, index=index)
    task = asyncio.create_task(execute(state, backend), name=f"kimi-run-{run_id}")
    return RunHandle(state, task)


def apply_report(report: RunReport, *, only: Collection[str] | None = None) -> RunReport:
    """Apply a verified run that was started with `apply=False` (after the user confirmed).

    Args:
        report: a report with status "ready".
        only: apply just these paths (the user's explicit choice); default: the report's
            own choice (`report.only`, set by `apply_only_verified`), else everything.

    Raises:
        UserInputError: the run is not ready to apply (failed verification, cancelled...).
        StaleWriteError: a file changed on disk since the run read it (nothing written).
        ApplyError: a write failed (every file restored).
    """
    from kimi_code.edits.apply import apply_changeset

    if report.status != "ready" or not report.changeset.changes:
        raise UserInputError(f"run {report.run_id} cannot be applied: {report.reason}")
    chosen = only if only is not None else report.only
    result = apply_changeset(report.root, report.changeset, run_id=report.run_id, only=chosen)
    RunStore(report.root, report.run_id).set_state("done", applied=True)
    reason = "verified and applied"
    if chosen is not None:
        applied = len(report.changeset.changes) - len(result.skipped)
        reason = f"applied only the {applied} file(s) chosen; {len(result.skipped)} left out"
    return replace(report, applied=True, status="applied", reason=reason)
