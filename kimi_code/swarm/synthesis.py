"""Synthesis: verify the merged result, hand errors back to their owners, decide to apply.

After every agent has finished the coordinator holds one staged view of the project. The
recipe verifies it as a whole; diagnostics are mapped to the agents that own the files and
those agents get bounded fix-up rounds (the recipe's `fixup_steps`, or the model with the
diagnostics in its prompt). The result is applied only if verification says it is no
worse than before (core layer).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from kimi_code.recipes.base import Diagnostic, Verification, conclude, polish_steps
from kimi_code.swarm.agent import Agent
from kimi_code.swarm.coordinator import Coordinator

__all__ = [
    "describe_unowned",
    "diagnostics_by_task",
    "owner_of_diagnostic",
    "synthesize",
    "unowned",
]


def _origins(coord: Coordinator) -> dict[str, str]:
    """Staged new path -> original path (a diagnostic names the file after a rename)."""
    return {c.target: c.path for c in coord.ctx.workspace.changeset().changes}


def owner_of_diagnostic(
    coord: Coordinator, diagnostic: Diagnostic, origins: Mapping[str, str] | None = None
) -> str | None:
    """The agent owning the diagnostic's file (by its original or new name), if any.

    Project-level diagnostics (no file, e.g. a compiler that cannot start) and files
    outside the plan (e.g. a broken `tsconfig.json`) have no owner.
    """
    if not diagnostic.file:
        return None
    ws = coord.ctx.workspace
    owner = ws.owner_of(diagnostic.file)
    if owner is None:
        origin = (origins if origins is not None else _origins(coord)).get(diagnostic.file)
        return ws.owner_of(origin) if origin else None
    return owner


def diagnostics_by_task(
    coord: Coordinator, diagnostics: Sequence[Diagnostic]
) -> dict[str, list[Diagnostic]]:
    """Group diagnostics by the finished agent that owns each file (others are dropped)."""
    origins = _origins(coord)
    groups: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        owner = owner_of_diagnostic(coord, diagnostic, origins)
        outcome = coord.outcomes.get(owner or "")
        if owner and outcome is not None and outcome.status == "done":
            groups[owner].append(diagnostic)
    return dict(groups)


def unowned(coord: Coordinator, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics no agent owns: project-level ones and files outside the plan."""
    origins = _origins(coord)
    return [d for d in diagnostics if owner_of_diagnostic(coord, d, origins) is None]


def describe_unowned(coord: Coordinator, diagnostics: Sequence[Diagnostic], limit: int = 3) -> str:
    """Name the diagnostics no agent can fix: project-level ones and files outside the plan.

    Returns "" when every diagnostic belongs to an agent.
    """
    found = unowned(coord, diagnostics)
    if not found:
        return ""
    shown = [
        f"{d.file}:{d.line}:{d.column} {d.code} {d.message}"
        if d.file
        else f"(project) {d.code} {d.message}"
        for d in found[:limit]
    ]
    more = f" (+{len(found) - limit} more)" if len(found) > limit else ""
    return "project-level errors no agent can fix: " + "; ".join(shown) + more


async def _fixup(coord: Coordinator, task_id: str, diags: list[Diagnostic], round_no: int) -> None:
    await _extra_round(
        coord, Agent(coord.plan.task(task_id), coord.ctx, diagnostics=diags, round_no=round_no)
    )


async def _polish(coord: Coordinator, announce: Callable[[str], None]) -> None:
    """The recipe's polish round: every finished agent runs `polish_steps` on its files."""
    ctx = coord.ctx
    if ctx.recipe is None or ctx.policy != "recipe":
        return
    done = sorted(t for t, o in coord.outcomes.items() if o.status == "done")
    steps = {t: polish_steps(ctx.recipe, coord.plan.task(t).files) for t in done}
    steps = {t: s for t, s in steps.items() if s}
    if not steps:
        return
    announce(f"polish round: {len(steps)} agents")
    async with asyncio.TaskGroup() as group:
        for task_id, task_steps in steps.items():
            agent = Agent(coord.plan.task(task_id), ctx, steps=task_steps)
            group.create_task(_extra_round(coord, agent))


async def _extra_round(coord: Coordinator, agent: Agent) -> None:
    """Drive a finished task's agent for another round and fold its outcome into the task's."""
    task_id = agent.task.id
    label = "fix-up" if agent.diagnostics else "polish"
    outcome = await coord.drive(agent)
    if outcome.status == "done":
        outcome = coord.commit(agent, outcome)
    previous = coord.outcomes[task_id]
    coord.outcomes[task_id] = type(previous)(
        task_id=task_id,
        status=previous.status,
        reason=previous.reason if outcome.status == "done" else f"{label}: {outcome.reason}",
        summary=previous.summary,
        changes=previous.changes + outcome.changes,
        foreign=previous.foreign,
        tool_calls=previous.tool_calls + outcome.tool_calls,
        tokens=previous.tokens + outcome.tokens,
        elapsed=previous.elapsed + outcome.elapsed,
        policy=previous.policy,
        left={**previous.left, **outcome.left},
    )


async def synthesize(
    coord: Coordinator, announce: Callable[[str], None]
) -> tuple[Verification | None, int]:
    """Verify the staged project, running fix-up rounds while errors map to agents.

    Returns the last verification (None without a recipe) and the rounds run.
    """
    ctx = coord.ctx
    if ctx.recipe is None or ctx.index is None or not coord.plan.tasks:
        return None, 0
    await _polish(coord, announce)
    for change in await conclude(ctx.recipe, ctx.workspace):
        ctx.workspace.stage(change)
    announce("verifying the whole project")
    verification = await ctx.recipe.verify(ctx.workspace, ctx.index)
    rounds = 0
    while not verification.ok and rounds < ctx.limits.fixup_rounds:
        groups = diagnostics_by_task(coord, verification.diagnostics)
        if not groups:
            break
        rounds += 1
        announce(f"fix-up round {rounds}: {len(groups)} agents")
        async with asyncio.TaskGroup() as group:
            for task_id, diags in sorted(groups.items()):
                group.create_task(_fixup(coord, task_id, diags, rounds))
        announce(f"verifying after fix-up round {rounds}")
        verification = await ctx.recipe.verify(ctx.workspace, ctx.index)
    return verification, rounds
