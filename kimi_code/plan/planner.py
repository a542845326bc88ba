"""The planner: recipe + workspace index -> `Plan` (core layer; pure and deterministic).

Files the recipe selects become nodes of an import graph; each strongly connected
component (an import cycle, or a single file) becomes one agent task whose dependency
edges point to the tasks it imports. Small plans run as a single agent, because a
swarm adds coordination where there is nothing to parallelise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from kimi_code.errors import UserInputError
from kimi_code.plan.context import build_context
from kimi_code.plan.graph import critical_path, strongly_connected
from kimi_code.plan.model import FileTask, Mode, Plan, TaskContext

if TYPE_CHECKING:
    from kimi_code.index import WorkspaceIndex
    from kimi_code.recipes.base import Recipe

__all__ = ["SINGLE_AGENT_MAX_FILES", "build_plan", "choose_mode", "plan_recipe"]

SINGLE_AGENT_MAX_FILES = 3
"""Plans with at most this many files run as one agent."""
DEFAULT_TASK_STEPS = 6
"""Estimated tool calls of a free-form task (read, edit, check, done, and some slack)."""


def choose_mode(n_files: int, n_tasks: int, max_agents: int) -> tuple[Mode, str]:
    """Pick single-agent or swarm mode for a plan of `n_files` files in `n_tasks` tasks."""
    if n_files == 0:
        return "single", "nothing to do: no file matches the recipe"
    if n_tasks == 1:
        return "single", "one task: nothing to parallelise"
    if n_files <= SINGLE_AGENT_MAX_FILES:
        return "single", (
            f"{n_files} files (at most {SINGLE_AGENT_MAX_FILES}): one agent is faster than "
            "coordinating several"
        )
    width = min(max_agents, n_tasks)
    return "swarm", f"{n_tasks} tasks over {n_files} files, up to {width} agents in parallel"


def build_plan(
    *,
    recipe: str | None,
    graph: Mapping[str, Sequence[str]],
    index: WorkspaceIndex | None,
    steps_for: Mapping[tuple[str, ...], int] | None = None,
    instructions: Mapping[str, str] | None = None,
    max_agents: int = 8,
    instruction: str | None = None,
) -> Plan:
    """Turn a file graph (file -> files it imports) into a plan.

    Args:
        recipe: the recipe name (None for a free-form instruction).
        graph: the selected files and their in-selection import edges.
        index: the workspace index, for per-task context (None: no context).
        steps_for: estimated tool calls per task file group (default: 6 each).
        instructions: per-file task text (free-form runs).
        max_agents: the concurrency the run will allow (for the mode's reason).
        instruction: the user's free-form instruction.
    """
    components = strongly_connected(graph)
    task_of: dict[str, str] = {}
    for n, component in enumerate(components, start=1):
        for path in component:
            task_of[path] = f"a{n:03d}"
    tasks: list[FileTask] = []
    for n, component in enumerate(components, start=1):
        task_id = f"a{n:03d}"
        deps = {task_of[d] for f in component for d in graph.get(f, ()) if d in task_of}
        deps.discard(task_id)
        text = "\n".join(instructions[f] for f in component if instructions and f in instructions)
        tasks.append(
            FileTask(
                id=task_id,
                files=component,
                depends_on=tuple(sorted(deps)),
                context=build_context(index, component) if index is not None else TaskContext(),
                steps=(steps_for or {}).get(component, DEFAULT_TASK_STEPS),
                instruction=text or None,
            )
        )
    return _finish(recipe, tasks, max_agents, instruction)


def _finish(
    recipe: str | None, tasks: list[FileTask], max_agents: int, instruction: str | None
) -> Plan:
    task_graph = {t.id: list(t.depends_on) for t in tasks}
    chain, chain_steps = critical_path(task_graph, {t.id: t.steps for t in tasks})
    n_files = sum(len(t.files) for t in tasks)
    mode, reason = choose_mode(n_files, len(tasks), max_agents)
    if mode == "single" and len(tasks) > 1:
        merged = FileTask(
            id="a001",
            files=tuple(f for t in tasks for f in t.files),
            context=_merge_contexts(tasks),
            steps=sum(t.steps for t in tasks),
            instruction="\n".join(t.instruction for t in tasks if t.instruction) or None,
        )
        tasks, chain, chain_steps = [merged], ("a001",), merged.steps
    return Plan(
        recipe=recipe,
        tasks=tuple(tasks),
        mode=mode,
        mode_reason=reason,
        critical_path=chain,
        critical_path_steps=chain_steps,
        instruction=instruction,
    )


def _merge_contexts(tasks: Sequence[FileTask]) -> TaskContext:
    own = {f for t in tasks for f in t.files}
    return TaskContext(
        source_hashes=tuple(pair for t in tasks for pair in t.context.source_hashes),
        imported_signatures=tuple(
            sorted({s for t in tasks for s in t.context.imported_signatures if "[" in s})
        ),
        export_usages=tuple(
            u
            for t in tasks
            for u in t.context.export_usages
            if u.split(" at ")[-1].split(":")[0] not in own
        ),
    )


def plan_recipe(
    recipe: Recipe,
    index: WorkspaceIndex,
    *,
    scope: Sequence[str] | None = None,
    max_agents: int = 8,
) -> Plan:
    """Plan `recipe` over the files it selects in `index` (within `scope` if given).

    Raises:
        UserInputError: a scope path is not in the workspace index.
    """
    if scope:
        missing = [p for p in scope if p not in index.files and not _is_dir_prefix(p, index)]
        if missing:
            raise UserInputError("not a file or folder of the indexed workspace", path=missing[0])
    selected = sorted(set(recipe.select_files(index, list(scope) if scope else None)))
    chosen = set(selected)
    graph = {f: sorted(d for d in index.dependencies(f) if d in chosen) for f in selected}
    components = strongly_connected(graph)
    steps_for = {c: max(1, len(recipe.steps(c))) for c in components}
    return build_plan(
        recipe=recipe.name, graph=graph, index=index, steps_for=steps_for, max_agents=max_agents
    )


def _is_dir_prefix(path: str, index: WorkspaceIndex) -> bool:
    prefix = path.rstrip("/") + "/"
    return any(f.startswith(prefix) for f in index.files)
