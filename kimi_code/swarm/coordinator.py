"""The coordinator: schedules agents, suspends them on rate limits, commits their work.

Tasks start in dependency order (a task waits for the tasks whose files it imports, so
types flow) and, among ready tasks, longest remaining chain first. Each agent holds a slot
of the adaptive limiter while active; a 429 suspends it (slot released, concurrency
halved, jittered backoff honouring Retry-After) and requeues it where it stopped. A
finished agent's private edits are committed to the shared staged workspace in one step;
its edits to other agents' files are staged at once when the owner has not started, and
otherwise merged (three-way) after every agent has finished (core layer).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Iterable

from kimi_code.errors import BudgetExhausted, KimiError, RateLimited
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.model.events import AgentState
from kimi_code.plan.model import FileTask, Plan
from kimi_code.swarm.agent import Agent, SwarmContext
from kimi_code.swarm.limiter import backoff_delay
from kimi_code.swarm.outcome import AgentFailed, AgentOutcome, ForeignEdit
from kimi_code.swarm.view import merge3

__all__ = ["Coordinator", "priority_order"]

log = logging.getLogger(__name__)


def priority_order(plan: Plan) -> list[FileTask]:
    """Tasks ordered by the longest chain of work that waits on them (ties: by id)."""
    dependents: dict[str, list[str]] = {t.id: [] for t in plan.tasks}
    for task in plan.tasks:
        for dep in task.depends_on:
            dependents.setdefault(dep, []).append(task.id)
    tail: dict[str, int] = {}
    for task in reversed(plan.tasks):  # plan order is topological: dependents come later
        tail[task.id] = task.steps + max((tail.get(d, 0) for d in dependents[task.id]), default=0)
    return sorted(plan.tasks, key=lambda t: (-tail[t.id], t.id))


class Coordinator:
    """Runs a plan's agents and owns the shared staged workspace's commits."""

    def __init__(
        self,
        ctx: SwarmContext,
        plan: Plan,
        *,
        finished: dict[str, AgentOutcome] | None = None,
        on_outcome: Callable[[AgentOutcome], None] | None = None,
        seed: int | None = None,
    ) -> None:
        """Prepare to run `plan`; `finished` holds outcomes recorded by an earlier attempt."""
        self.ctx, self.plan = ctx, plan
        self.outcomes: dict[str, AgentOutcome] = {}
        self.started: set[str] = set()
        self.deferred: list[tuple[str, ForeignEdit]] = []
        self.notes: dict[str, str] = {}
        """Per-file notes about coordinator merges (conflicts), by path."""
        self._previous = dict(finished or {})
        self._on_outcome = on_outcome
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._cancel_requested: set[str] = set()
        self._rng = random.Random(seed)
        self.wall_hit = False
        for task in plan.tasks:
            for path in task.files:
                ctx.workspace.claim(path, task.id)

    # -- running ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Run every task not finished before; return when all have an outcome."""
        done = {t.id: asyncio.Event() for t in self.plan.tasks}
        for task_id, outcome in sorted(self._previous.items()):
            if outcome.status == "done" and task_id in done and self._restore(outcome):
                done[task_id].set()
        for task in self.plan.tasks:
            if task.id not in self.outcomes:
                self._emit(task, AgentState.QUEUED)
        wall = self.ctx.limits.wall_seconds
        try:
            async with asyncio.timeout(wall), asyncio.TaskGroup() as group:
                for task in priority_order(self.plan):
                    if task.id not in self.outcomes:
                        self._tasks[task.id] = group.create_task(self._run_task(task, done))
        except TimeoutError:
            self.wall_hit = True
        for task in self.plan.tasks:  # tasks cut off by the wall-time budget
            if task.id not in self.outcomes:
                reason = f"wall-time budget of {wall:g}s spent"
                self._emit(task, AgentState.FAILED, reason)
                self._finish(AgentOutcome(task.id, "failed", reason))

    def cancel(self, agent_id: str) -> bool:
        """Cancel one agent (its edits are dropped); False if it already finished."""
        handle = self._tasks.get(agent_id)
        if handle is None or handle.done() or agent_id in self.outcomes:
            return False
        self._cancel_requested.add(agent_id)
        handle.cancel()
        return True

    async def _run_task(self, task: FileTask, done: dict[str, asyncio.Event]) -> None:
        agent = Agent(task, self.ctx)
        try:
            for dep in task.depends_on:
                if dep in done:
                    await done[dep].wait()
            outcome = await self.drive(agent)
            if outcome.status == "done":
                outcome = self.commit(agent, outcome)
            self._finish(outcome)
        except asyncio.CancelledError:
            targeted = task.id in self._cancel_requested
            wall = self.ctx.limits.wall_seconds
            if not targeted and wall is not None and self.ctx.budget.elapsed >= wall:
                reason = f"wall-time budget of {wall:g}s spent"
                agent.emit(AgentState.FAILED, message=reason)
                self._finish(agent.outcome("failed", reason))
            else:
                reason = "cancelled by the user" if targeted else "run cancelled"
                agent.emit(AgentState.CANCELLED, message=reason)
                self._finish(agent.outcome("cancelled", reason))
            current = asyncio.current_task()
            if targeted and current is not None and current.uncancel() == 0:
                return
            raise
        finally:
            done[task.id].set()

    async def drive(self, agent: Agent) -> AgentOutcome:
        """Run `agent` to an outcome, suspending and requeueing it on rate limits."""
        limits, limiter = self.ctx.limits, self.ctx.limiter
        suspensions, active = 0, 0.0
        while True:
            await limiter.acquire()
            self.started.add(agent.task.id)  # from now on, edits to its files are merged later
            began = asyncio.get_running_loop().time()
            try:
                agent.emit(AgentState.RUNNING)
                async with asyncio.timeout(max(0.001, limits.agent_timeout - active)):
                    await agent.run()
                agent.emit(AgentState.DONE, message=agent.summary)
                return agent.outcome("done")
            except RateLimited as exc:
                suspensions += 1
                limiter.on_rate_limited()
                retry_after = exc.retry_after
            except TimeoutError:
                return self._failed(agent, f"timed out after {limits.agent_timeout:g}s")
            except (AgentFailed, BudgetExhausted) as exc:
                return self._failed(agent, str(exc))
            except KimiError as exc:
                return self._failed(agent, f"{type(exc).__name__}: {exc}")
            except Exception as exc:  # a bug in a tool or backend fails its agent, not the run
                log.exception("agent %s crashed", agent.task.id)
                return self._failed(agent, f"internal error: {type(exc).__name__}: {exc}")
            finally:
                active += asyncio.get_running_loop().time() - began
                limiter.release()
            if suspensions > limits.max_suspensions:
                return self._failed(agent, f"rate limited {suspensions} times; giving up")
            delay = backoff_delay(
                suspensions,
                retry_after,
                base=limits.backoff_base,
                cap=limits.backoff_cap,
                rng=self._rng,
            )
            agent.emit(AgentState.SUSPENDED, message=f"rate limited; retrying in {delay:.2f}s")
            await asyncio.sleep(delay)
            agent.emit(AgentState.RETRIED, message=f"retry {suspensions}")

    def _failed(self, agent: Agent, reason: str) -> AgentOutcome:
        agent.emit(AgentState.FAILED, message=reason)
        return agent.outcome("failed", reason)

    def _finish(self, outcome: AgentOutcome) -> None:
        self.outcomes[outcome.task_id] = outcome
        if self._on_outcome is not None:
            self._on_outcome(outcome)

    def _emit(self, task: FileTask, state: AgentState, message: str = "") -> None:
        Agent(task, self.ctx).emit(state, message=message)

    # -- committing ------------------------------------------------------------------------

    def commit(self, agent: Agent, outcome: AgentOutcome) -> AgentOutcome:
        """Stage a finished agent's changes in the shared workspace, all or none."""
        try:
            self.stage_all(agent.task.id, outcome.changes)
        except KimiError as exc:
            reason = f"could not commit: {exc}"
            agent.emit(AgentState.FAILED, message=reason)
            return agent.outcome("failed", reason)
        for edit in outcome.foreign:
            self.route_foreign(agent.task.id, edit)
        return outcome

    def stage_all(self, owner: str, changes: Iterable[FileChange]) -> None:
        """Stage `changes` for `owner`, unstaging them all if one fails.

        Raises:
            StaleWriteError, OwnershipConflict, SandboxViolation: from the staged workspace.
        """
        ws = self.ctx.workspace
        staged: list[str] = []
        try:
            for change in changes:
                ws.stage(change, owner=owner)
                staged.append(change.path)
        except KimiError:
            for path in staged:
                ws.unstage(path)
            raise
        finally:
            self.ctx.version.bump()

    def _restore(self, outcome: AgentOutcome) -> bool:
        """Re-stage a previous attempt's finished agent; False if its base moved on disk."""
        try:
            self.stage_all(outcome.task_id, outcome.changes)
        except KimiError:
            return False
        for edit in outcome.foreign:
            self.route_foreign(outcome.task_id, edit)
        self.outcomes[outcome.task_id] = outcome
        return True

    def route_foreign(self, from_agent: str, edit: ForeignEdit) -> None:
        """Stage an edit to another agent's file now, or defer it until all agents finish."""
        owner = self.ctx.workspace.owner_of(edit.change.path)
        if owner is not None and owner != from_agent and owner in self.started:
            self.deferred.append((from_agent, edit))
            return
        self.merge_foreign(edit)

    def merge_foreign(self, edit: ForeignEdit) -> bool:
        """Stage `edit` onto the file's current text (three-way merge if it moved on)."""
        ws, change = self.ctx.workspace, edit.change
        path = self._current_path(change.path)
        try:
            current = ws.read_text(path)
            merged = merge3(edit.base_text, change.new_text or "", current)
            if merged is None:
                self.notes[change.path] = "conflicting edits from two agents; kept the owner's"
                return False
            ws.stage(FileChange(path=path, new_text=merged, old_hash=content_hash(current)))
            self.ctx.version.bump()
        except KimiError as exc:
            self.notes[change.path] = f"edit from another agent dropped: {exc}"
            return False
        return True

    def _current_path(self, path: str) -> str:
        for staged in self.ctx.workspace.changeset().changes:
            if staged.path == path and staged.new_path:
                return staged.new_path
        return path

    def merge_deferred(self) -> None:
        """Merge every deferred foreign edit whose author finished successfully."""
        for from_agent, edit in self.deferred:
            outcome = self.outcomes.get(from_agent)
            if outcome is not None and outcome.status == "done":
                self.merge_foreign(edit)
        self.deferred.clear()
