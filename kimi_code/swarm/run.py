"""One run, start to finish: index, plan, agents, synthesis, apply, report (core layer).

`execute` is what `start_run` and `resume_run` schedule as a task. Every step emits
run-level events (agent id "run"); state is saved under `.kimi/runs/<id>/` as it goes.
A run refuses to start while an earlier apply is unfinished (`kimi-code recover`) and,
in git, while files it would touch have uncommitted changes (unless `allow_dirty`).
A cancelled run applies nothing and still returns a report (status `cancelled`); a run
that fails verification applies nothing unless the user chose `apply_only_verified`,
and then only the files that verified (`partial.py`). Verification errors that no agent
owns (no file, or a file outside the plan such as `tsconfig.json`) are named in the
report's reason as project-level errors.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.errors import ConfigError, KimiError, UserInputError
from kimi_code.llm.types import BackendInfo, ChatBackend
from kimi_code.model.changes import ChangeSet
from kimi_code.model.events import AgentEvent, AgentState
from kimi_code.plan.model import Plan
from kimi_code.recipes.base import Recipe, Verification, warm_up
from kimi_code.swarm.agent import Policy, SwarmContext
from kimi_code.swarm.budget import Budget, Limits
from kimi_code.swarm.coordinator import Coordinator
from kimi_code.swarm.limiter import AdaptiveLimiter
from kimi_code.swarm.outcomes import file_outcomes
from kimi_code.swarm.partial import mark_unverified, verified_subset
from kimi_code.swarm.report import RunReport, RunRequest, RunStatus, unified_diff
from kimi_code.swarm.store import RunStore
from kimi_code.swarm.synthesis import describe_unowned, synthesize
from kimi_code.swarm.tools import build_tools

if TYPE_CHECKING:
    from kimi_code.index import WorkspaceIndex

__all__ = ["RunState", "choose_policy", "execute", "refuse_if_interrupted"]


def choose_policy(choice: str, info: BackendInfo | None, recipe: Recipe | None) -> Policy:
    """Pick the agent policy: the user's choice, else by the backend's capability.

    Raises:
        UserInputError: the recipe policy was forced without a recipe, or the model
            policy without a tool-calling backend.
    """
    if recipe is None:
        if choice == "recipe":
            raise UserInputError("--policy recipe needs a recipe, not a free-form instruction")
        return "model"
    if choice == "model":
        if info is None or not info.supports_tools:
            raise UserInputError("--policy model needs a backend that supports tool calls")
        return "model"
    if choice == "recipe":
        return "recipe"
    return "model" if info is not None and info.capable and info.supports_tools else "recipe"


@dataclass(slots=True)
class RunState:
    """Mutable state of a run in progress (shared with its handle)."""

    run_id: str
    request: RunRequest
    emit: Callable[[AgentEvent], None]
    store: RunStore
    started: float = field(default_factory=time.monotonic)
    plan: Plan | None = None
    coordinator: Coordinator | None = None
    policy: str = ""
    backend_name: str = ""
    resume: bool = False
    index: WorkspaceIndex | None = None
    """The workspace index, if the caller had one (else built at the start)."""
    owned_backend: ChatBackend | None = None
    """A backend the run loaded itself (closed when the run ends)."""
    recipe: Recipe | None = None
    """The run's recipe; its `aclose()`, if it has one, releases helper processes at the end."""
    settled: bool = False
    """The outcome is decided (applying, or about to report): cancelling changes nothing now."""
    warming: asyncio.Task[None] | None = None
    """The recipe's `warm_up`, started with the run (kept here so it is not collected)."""

    def announce(self, message: str, state: AgentState = AgentState.RUNNING, **extra: Any) -> None:
        """Emit a run-level event."""
        self.emit(
            AgentEvent(
                run_id=self.run_id,
                agent_id="run",
                state=state,
                elapsed=round(time.monotonic() - self.started, 3),
                message=message,
                extra=extra,
            )
        )


def _load_backend(request: RunRequest) -> ChatBackend:
    from kimi_code.llm.config import load_backend

    backend: ChatBackend = load_backend(
        request.model, workspace=request.root, max_agents=request.max_agents
    )
    return backend


def _backend_or_none(state: RunState, recipe: Recipe | None) -> ChatBackend | None:
    """Load the backend; a recipe run that need not use the model goes on without one.

    Raises:
        ConfigError: the backend is misconfigured and the run cannot do without it.
    """
    try:
        return _load_backend(state.request)
    except ConfigError as exc:
        if recipe is None or state.request.policy == "model":
            raise
        state.announce(f"no model backend ({exc}); the recipe runs without the model")
        return None


async def _plan(
    state: RunState, recipe: Recipe | None, index: WorkspaceIndex, backend: ChatBackend | None
) -> Plan:
    request = state.request
    if state.resume and state.store.has("plan"):
        return Plan.from_json(state.store.load("plan"))
    if state.resume:  # interrupted before the plan was saved: plan again from the request
        state.announce("the earlier attempt saved no plan; planning again", phase="plan")
    if recipe is not None:
        from kimi_code.plan.planner import plan_recipe

        return plan_recipe(
            recipe, index, scope=request.paths or None, max_agents=request.max_agents
        )
    from kimi_code.plan.instruction import plan_instruction

    if backend is None:
        raise UserInputError("a free-form instruction needs a model backend")
    return await plan_instruction(
        backend, index, request.instruction or "", max_agents=request.max_agents
    )


def _limits(request: RunRequest, plan: Plan) -> Limits:
    width = 1 if plan.mode == "single" else request.max_agents
    return Limits(
        max_agents=width,
        max_tool_calls=request.max_tool_calls,
        max_tokens=request.max_tokens,
        wall_seconds=request.wall_seconds,
        agent_timeout=request.agent_timeout,
    )


async def _setup(state: RunState, backend: ChatBackend | None) -> Coordinator:
    """Index, plan and prepare; returns a coordinator ready to run the agents."""
    from kimi_code.recipes.registry import get_recipe

    request = state.request
    recipe = state.recipe = get_recipe(request.recipe) if request.recipe else None
    state.warming = warm_up(recipe, request.root) if recipe is not None else None
    index = state.index
    if index is None:
        from kimi_code.index import build_index

        state.announce("indexing the workspace", phase="index")
        index = await asyncio.to_thread(build_index, request.root)
    if backend is None:
        backend = state.owned_backend = _backend_or_none(state, recipe)
    state.backend_name = backend.info.name if backend else "none"
    policy = choose_policy(request.policy, backend.info if backend else None, recipe)
    state.policy = policy
    state.announce("planning", phase="plan")
    plan = await _plan(state, recipe, index, backend)
    state.plan = plan
    state.store.save("plan", plan.to_json())
    if not request.dry_run:
        from kimi_code.edits.gitstate import ensure_clean

        ensure_clean(request.root, plan.files, allow_dirty=request.allow_dirty)
    workspace = StagedWorkspace(request.root)
    if recipe is not None and plan.tasks:
        for change in await recipe.prepare(workspace, index):
            workspace.stage(change)
    limits = _limits(request, plan)
    ctx = SwarmContext(
        run_id=state.run_id,
        recipe=recipe,
        index=index,
        backend=backend,
        workspace=workspace,
        tools=build_tools(recipe),
        budget=Budget(limits),
        limiter=AdaptiveLimiter(limits.max_agents),
        limits=limits,
        policy=policy,
        emit=state.emit,
        instruction=request.instruction,
    )
    finished = state.store.load_agents() if state.resume else None
    return Coordinator(ctx, plan, finished=finished, on_outcome=state.store.save_agent)


def _decide(
    request: RunRequest, changes: ChangeSet, verification: Verification | None, unowned: str = ""
) -> tuple[RunStatus, str]:
    if not changes.changes:
        return "not_applied", "nothing to change"
    if verification is None and request.recipe is not None:
        return "not_applied", "the result was not verified"
    if verification is not None and not verification.ok:
        why = verification.summary or (
            f"errors {verification.errors_before} -> {verification.errors_after}"
        )
        return "not_applied", f"verification failed: {why}" + (f"; {unowned}" if unowned else "")
    if request.dry_run:
        return "ready", "dry run: nothing written"
    if not request.apply:
        return "ready", "verified; waiting for confirmation to apply"
    return "applied", "verified and applied"


def _none_converted(coord: Coordinator, changes: ChangeSet) -> str:
    """Why nothing is applied when no file of the plan changed and some failed, else "".

    The project-level changes (a tsconfig.json, dependency declarations) are only there for
    the converted files; alone they would be a half-done run on disk.
    """
    outcomes = file_outcomes(coord.plan, coord, changes)
    failed = [f for f in outcomes if f.status in ("failed", "cancelled", "not_run")]
    if not failed or any(f.status == "converted" for f in outcomes):
        return ""
    first = failed[0]
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    return f"no file was converted: {first.path}: {first.reason}{more}"


def refuse_if_interrupted(root: Path) -> None:
    """Refuse to start while an earlier apply or undo in `root` is unfinished.

    Raises:
        UserInputError: a journal under `.kimi/runs/` says an apply or undo was cut off.
    """
    from kimi_code.edits.apply import pending_recovery

    interrupted = pending_recovery(root)
    if interrupted:
        raise UserInputError(
            f"run {interrupted[0]} was interrupted while writing files, so the workspace "
            f"may be half-changed; run `kimi-code recover -C {root}` first (it rolls the "
            "files back; add --forward to finish that apply instead)",
            path=str(root),
        )


def _apply(state: RunState, changes: ChangeSet, only: tuple[str, ...] | None) -> None:
    from kimi_code.edits.apply import apply_changeset

    state.announce(f"applying {len(changes.changes)} changes", phase="apply")
    apply_changeset(state.request.root, changes, run_id=state.run_id, only=only)


def _partial(
    state: RunState,
    coord: Coordinator,
    changes: ChangeSet,
    verification: Verification | None,
    reason: str,
) -> tuple[ChangeSet, RunStatus, str, dict[str, str]] | None:
    """The user chose to apply only what verified: the subset, its status and reason."""
    request = state.request
    if not request.apply_only_verified or verification is None or verification.ok:
        return None
    subset, left = verified_subset(coord, changes, verification)
    if not subset.changes:
        return None
    n = len(subset.changes)
    if request.dry_run or not request.apply:
        status: RunStatus = "ready"
        what = f"only the {n} file(s) that verified are ready to apply"
    else:
        status, what = "applied", f"applied only the {n} file(s) that verified"
    return subset, status, f"{reason}; {what} (--only-verified)", left


async def execute(state: RunState, backend: ChatBackend | None) -> RunReport:
    """Run the request to its report (see module docstring).

    Raises:
        UserInputError: bad request, unknown recipe, scope outside the index.
        KimiError: backend configuration, apply failures.
    """
    state.request.validate()
    refuse_if_interrupted(state.request.root)
    state.store.create()
    state.store.save("request", state.request.to_json())
    state.store.set_state("running")
    try:
        return await _execute(state, backend)
    except KimiError as exc:
        state.store.set_state("failed", applied=False, error=f"{type(exc).__name__}: {exc}")
        state.announce(f"run failed: {exc}", AgentState.FAILED)
        raise
    finally:
        if state.warming is not None:  # done by now, unless the run ended before its first step
            state.warming.cancel()
            await asyncio.gather(state.warming, return_exceptions=True)
        if state.owned_backend is not None:
            await state.owned_backend.aclose()
        aclose = getattr(state.recipe, "aclose", None)
        if aclose is not None:
            await aclose()


async def _execute(state: RunState, backend: ChatBackend | None) -> RunReport:
    coord: Coordinator | None = None
    try:
        coord = await _setup(state, backend)
        state.coordinator = coord
        plan = coord.plan
        state.announce(
            f"{len(plan.tasks)} tasks, mode {plan.mode}: {plan.mode_reason}",
            phase="agents",
            tasks=len(plan.tasks),
            mode=plan.mode,
            policy=state.policy,
        )
        await coord.run()
        coord.merge_deferred()
        verification, rounds = await synthesize(coord, state.announce)
    except asyncio.CancelledError:
        report = _report(state, coord, None, 0, "cancelled", "cancelled by the user")
        state.store.set_state("cancelled", applied=False)
        state.announce("run cancelled; nothing applied", AgentState.CANCELLED)
        return report
    changes = coord.ctx.workspace.changeset()
    unowned = describe_unowned(coord, verification.diagnostics) if verification else ""
    status, reason = _decide(state.request, changes, verification, unowned)
    if status in ("applied", "ready") and (none := _none_converted(coord, changes)):
        status, reason = "not_applied", none
    state.settled = True  # from here the report stands: a late cancel must not drop it
    only: tuple[str, ...] | None = None
    left: dict[str, str] = {}
    partial = _partial(state, coord, changes, verification, reason)
    if partial is not None:
        changes, status, reason, left = partial
        only = tuple(c.path for c in changes.changes)
    diff = unified_diff(state.request.root, changes)
    if status == "applied":
        _apply(state, changes, only)
    report = _report(state, coord, verification, rounds, status, reason, changes)
    report = replace(report, diff_text=diff, files=mark_unverified(report.files, left), only=only)
    state.store.save("report", report.to_json())
    state.store.set_state("done", applied=report.applied)
    state.announce(reason, AgentState.DONE, **report.to_json())
    return report


def _report(
    state: RunState,
    coord: Coordinator | None,
    verification: Verification | None,
    rounds: int,
    status: RunStatus,
    reason: str,
    changes: ChangeSet | None = None,
) -> RunReport:
    plan = state.plan
    if changes is None:
        keep = coord is not None and status != "cancelled"
        changes = coord.ctx.workspace.changeset() if coord and keep else ChangeSet()
    budget = coord.ctx.budget if coord else None
    return RunReport(
        run_id=state.run_id,
        root=state.request.root,
        recipe=state.request.recipe,
        mode=plan.mode if plan else "",
        mode_reason=plan.mode_reason if plan else "",
        policy=state.policy,
        backend=state.backend_name,
        changeset=changes,
        files=file_outcomes(plan, coord, changes) if plan else (),
        verification=verification,
        applied=status == "applied",
        status=status,
        reason=reason,
        tool_calls=budget.tool_calls if budget else 0,
        tokens=budget.tokens if budget else 0,
        wall_seconds=time.monotonic() - state.started,
        budgets=budget.to_json() if budget else {},
        fixup_rounds=rounds,
        agents=len(plan.tasks) if plan else 0,
    )
