"""One agent: tool dispatch, budgets and events, under either policy (core layer).

The two policies share this class: `recipe` plays `Recipe.steps` (the recipe's tools may
ask the model narrow questions through `ToolContext.backend`), `model` lets the backend
choose tool calls (`model_policy.run_model_loop`). Both go through `call_tool`, which
spends the run's budget, emits events, checks arguments, and stages returned changes in
the agent's private view (edits to other agents' files are kept for the coordinator).
An agent is resumable: after a rate-limit suspension `run` continues where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.errors import (
    BackendError,
    BudgetExhausted,
    KimiError,
    RateLimited,
    StaleWriteError,
)
from kimi_code.llm.types import BackendInfo, ChatBackend, ChatResponse, Message, ToolSpec
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.model.events import AgentEvent, AgentState
from kimi_code.plan.model import FileTask
from kimi_code.recipes.base import Diagnostic, Recipe, Tool, ToolContext, ToolResult
from kimi_code.swarm.budget import Budget, Limits
from kimi_code.swarm.limiter import AdaptiveLimiter
from kimi_code.swarm.outcome import AgentFailed, AgentOutcome, ForeignEdit
from kimi_code.swarm.tools import DONE, parse_arguments
from kimi_code.swarm.view import AgentView, SharedVersion

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from kimi_code.index import WorkspaceIndex
    from kimi_code.llm.types import StreamDelta

__all__ = ["Agent", "CountingBackend", "Policy", "SwarmContext"]

Policy = Literal["model", "recipe"]


@dataclass(slots=True)
class SwarmContext:
    """What every agent of a run shares."""

    run_id: str
    recipe: Recipe | None
    index: WorkspaceIndex | None
    backend: ChatBackend | None
    workspace: StagedWorkspace
    tools: Mapping[str, Tool]
    budget: Budget
    limiter: AdaptiveLimiter
    limits: Limits
    policy: Policy
    emit: Callable[[AgentEvent], None]
    instruction: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    version: SharedVersion = field(default_factory=SharedVersion)
    """Bumped by the coordinator on every change to `workspace` (agent views cache reads)."""


class CountingBackend:
    """Wraps the run's backend for one agent: spends tokens, feeds the limiter."""

    def __init__(self, inner: ChatBackend, budget: Budget, limiter: AdaptiveLimiter) -> None:
        """Wrap `inner`."""
        self._inner, self._budget, self._limiter = inner, budget, limiter
        self.tokens = 0

    @property
    def info(self) -> BackendInfo:
        """The wrapped backend's description."""
        return self._inner.info

    async def chat(self, messages: Sequence[Message], **kwargs: Any) -> ChatResponse:
        """Call the backend after checking the budget; count tokens on success.

        Raises:
            BudgetExhausted: the token or wall-time budget is spent.
            RateLimited: the backend is overloaded (the agent will be suspended).
        """
        self._budget.check()
        response = await self._inner.chat(messages, **kwargs)
        self._limiter.on_success()
        used = response.usage.total_tokens
        self.tokens += used
        self._budget.add_tokens(used)
        return response

    def stream(self, messages: Sequence[Message], **kwargs: Any) -> AsyncIterator[StreamDelta]:
        """Stream from the backend (not counted; agents use `chat`)."""
        return self._inner.stream(messages, **kwargs)

    async def aclose(self) -> None:
        """The run owns the backend; agents never close it."""


class Agent:
    """One agent working on one task."""

    def __init__(
        self,
        task: FileTask,
        ctx: SwarmContext,
        *,
        diagnostics: Sequence[Diagnostic] = (),
        round_no: int = 0,
        steps: Sequence[tuple[str, dict[str, Any]]] | None = None,
    ) -> None:
        """Prepare the agent (nothing runs until `run`); `steps` replaces the recipe's."""
        self.task, self.ctx = task, ctx
        self.diagnostics = tuple(diagnostics)
        self.round_no = round_no
        self.view = AgentView(ctx.workspace, task.id, ctx.version)
        self.counting = (
            CountingBackend(ctx.backend, ctx.budget, ctx.limiter) if ctx.backend else None
        )
        self.tool_ctx = ToolContext(
            workspace=self.view,
            index=ctx.index,
            backend=self.counting,
            agent_id=task.id,
            files=task.files,
        )
        moved = {c.path: c.target for c in ctx.workspace.changeset().changes}
        self.targets = tuple(moved.get(f, f) for f in task.files)
        """The task's files as they are named now (a fix-up agent sees renamed files)."""
        self.owned = tuple(dict.fromkeys((*task.files, *self.targets)))
        self.tool_ctx.state["targets"] = self.targets
        self.tool_calls = 0
        self.finished = False
        self.summary = ""
        self.foreign: list[ForeignEdit] = []
        self.started: float | None = None
        self.step = 0
        self.model_state: dict[str, Any] = {}
        self._steps: Sequence[tuple[str, dict[str, Any]]] | None = steps

    @property
    def tokens(self) -> int:
        """Tokens this agent's model calls used."""
        return self.counting.tokens if self.counting else 0

    @property
    def elapsed(self) -> float:
        """Seconds since the agent first started."""
        return 0.0 if self.started is None else time.monotonic() - self.started

    def emit(self, state: AgentState, *, tool: str | None = None, message: str = "") -> None:
        """Send one event about this agent."""
        self.ctx.emit(
            AgentEvent(
                run_id=self.ctx.run_id,
                agent_id=self.task.id,
                state=state,
                file=self.task.files[0] if self.task.files else None,
                step=self.step,
                tool=tool,
                tool_calls=self.tool_calls,
                tokens=self.tokens,
                elapsed=round(self.elapsed, 3),
                message=message,
                extra={"files": len(self.task.files), "round": self.round_no},
            )
        )

    async def run(self) -> None:
        """Run (or continue) the agent's policy until it is done.

        Raises:
            AgentFailed: the agent gave up (reason in the message).
            RateLimited: the backend is overloaded; call `run` again after a backoff.
            BudgetExhausted: a run budget is spent.
        """
        if self.started is None:
            self.started = time.monotonic()
        if self.ctx.policy == "recipe":
            await self._run_recipe()
        else:
            from kimi_code.swarm.model_policy import run_model_loop

            await run_model_loop(self)

    def _recipe_steps(self) -> Sequence[tuple[str, dict[str, Any]]]:
        if self._steps is None:
            recipe = self.ctx.recipe
            if recipe is None:
                raise AgentFailed("the recipe-driven policy needs a recipe")
            files = self.task.files
            self._steps = (
                recipe.fixup_steps(files, self.diagnostics)
                if self.diagnostics
                else recipe.steps(files)
            )
        return self._steps

    async def _run_recipe(self) -> None:
        steps = self._recipe_steps()
        while self.step < len(steps) and not self.finished:
            name, args = steps[self.step]
            result = await self.call_tool(name, dict(args))
            if not result.ok:
                raise AgentFailed(f"{name}: {result.content[:400]}")
            self.step += 1
        self.finished = True

    async def call_tool(self, name: str, raw: str | dict[str, Any]) -> ToolResult:
        """Spend one tool call on `name` and return its result (errors become results).

        Raises:
            BudgetExhausted: no tool call is left.
            RateLimited: a model call inside the tool was rate limited.
        """
        self.ctx.budget.take_tool_call()
        self.tool_calls += 1
        self.emit(AgentState.TOOL_STARTED, tool=name)
        result = await self._dispatch(name, raw)
        if result.ok and name == DONE:
            self.finished = True
            self.summary = str(result.data.get("summary", ""))
        self.emit(
            AgentState.TOOL_FINISHED, tool=name, message="" if result.ok else result.content[:200]
        )
        return result

    async def _dispatch(self, name: str, raw: str | dict[str, Any]) -> ToolResult:
        tool = self.ctx.tools.get(name)
        if tool is None:
            known = ", ".join(sorted(self.ctx.tools))
            return ToolResult(False, f"unknown tool {name!r}; the tools are: {known}")
        try:
            args = parse_arguments(raw) if isinstance(raw, str) else raw
            result = await tool.handler(self.tool_ctx, args)
            if result.ok and result.changes:
                self._accept(result.changes)
        except (RateLimited, BudgetExhausted):
            raise
        except KeyError as exc:
            return ToolResult(False, f"{name}: missing argument {exc}")
        except (KimiError, TypeError, ValueError) as exc:
            return ToolResult(False, f"{name}: {exc}")
        return result

    def _accept(self, changes: Sequence[FileChange]) -> None:
        """Stage own changes in the private view; keep edits to other files for the coordinator.

        Raises:
            StaleWriteError: a change was made against text that is no longer current.
        """
        for change in changes:
            if change.old_hash is None or self.view.owns(change.path, self.owned):
                self.view.stage(change)
                continue
            base = self.view.read_text(change.path)
            if content_hash(base) != change.old_hash:
                raise StaleWriteError(f"{change.path}: changed since the agent read it")
            self.foreign.append(ForeignEdit(change, base))
        self.tool_ctx.state["targets"] = self._targets()

    def _targets(self) -> tuple[str, ...]:
        moved = {c.path: c.target for c in self.view.pending()}
        return tuple(moved.get(f, f) for f in self.targets)

    def outcome(
        self, status: Literal["done", "failed", "cancelled"], reason: str = ""
    ) -> AgentOutcome:
        """Summarise the agent (changes only for a finished agent)."""
        return AgentOutcome(
            task_id=self.task.id,
            status=status,
            reason=reason,
            summary=self.summary,
            changes=tuple(self.view.pending()) if status == "done" else (),
            foreign=tuple(self.foreign) if status == "done" else (),
            tool_calls=self.tool_calls,
            tokens=self.tokens,
            elapsed=self.elapsed,
            policy=self.ctx.policy,
            left=dict(self.tool_ctx.state.get("left", {})),
        )


def tool_specs(tools: Mapping[str, Tool]) -> list[ToolSpec]:
    """The specs of `tools`, in a stable order."""
    return [tools[name].spec for name in sorted(tools)]


def is_retryable(exc: BaseException) -> bool:
    """Whether `exc` suspends the agent rather than failing it."""
    return isinstance(exc, RateLimited) or (
        isinstance(exc, BackendError) and "overload" in str(exc).lower()
    )
