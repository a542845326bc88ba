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
from collections.abc import Callable, Sequence

from kimi_code.recipes.base import Diagnostic, Verification
from kimi_code.swarm.agent import Agent
from kimi_code.swarm.coordinator import Coordinator

__all__ = ["diagnostics_by_task", "synthesize"]


def diagnostics_by_task(
    coord: Coordinator, diagnostics: Sequence[Diagnostic]
) -> dict[str, list[Diagnostic]]:
    """Group diagnostics by the finished agent that owns each file (others are dropped)."""
    ws = coord.ctx.workspace
    origin = {c.target: c.path for c in ws.changeset().changes}
    groups: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        owner = ws.owner_of(diagnostic.file) or ws.owner_of(origin.get(diagnostic.file, ""))
        outcome = coord.outcomes.get(owner or "")
        if owner and outcome is not None and outcome.status == "done":
            groups[owner].append(diagnostic)
    return dict(groups)


async def _fixup(coord: Coordinator, task_id: str, diags: list[Diagnostic], round_no: int) -> None:
    agent = Agent(coord.plan.task(task_id), coord.ctx, diagnostics=diags, round_no=round_no)
    outcome = await coord.drive(agent)
    if outcome.status == "done":
        outcome = coord.commit(agent, outcome)
    previous = coord.outcomes[task_id]
    coord.outcomes[task_id] = type(previous)(
        task_id=task_id,
        status=previous.status,
        reason=previous.reason if outcome.status == "done" else f"fix-up: {outcome.reason}",
        summary=previous.summary,
        changes=previous.changes + outcome.changes,
        foreign=previous.foreign,
        tool_calls=previous.tool_calls + outcome.tool_calls,
        tokens=previous.tokens + outcome.tokens,
        elapsed=previous.elapsed + outcome.elapsed,
        policy=previous.policy,
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
