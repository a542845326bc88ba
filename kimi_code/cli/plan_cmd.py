"""`kimi-code plan RECIPE PATH`: show the tasks, dependencies and critical path (adapter layer)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table

from kimi_code.cli.refactor_cmd import scope_of
from kimi_code.plan import Plan, plan_recipe
from kimi_code.recipes.registry import get_recipe, list_recipes

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `plan` subcommand."""
    p = subparsers.add_parser(
        "plan",
        help="show how a refactor would be split into agent tasks",
        description=f"Recipes: {', '.join(list_recipes())}.",
    )
    p.add_argument("recipe")
    p.add_argument("path", nargs="?", default=".")
    p.add_argument("--agents", type=int, default=8, help="agents the run would allow")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run `kimi-code plan`."""
    from kimi_code.index import build_index

    recipe = get_recipe(args.recipe)
    root, scope = scope_of(args.path)
    plan = plan_recipe(recipe, build_index(root), scope=scope or None, max_agents=args.agents)
    if args.json:
        print(json.dumps(plan.to_json(), indent=2))
    else:
        show(plan, Console())
    return 0


def show(plan: Plan, console: Console) -> None:
    """Print a plan as a table."""
    table = Table(box=None, header_style="bold")
    for column in ("task", "files", "depends on", "steps"):
        table.add_column(column, overflow="fold")
    for task in plan.tasks:
        table.add_row(task.id, "\n".join(task.files), ", ".join(task.depends_on), str(task.steps))
    console.print(table)
    console.print(
        f"{len(plan.files)} files in {len(plan.tasks)} tasks · mode [bold]{plan.mode}[/]: "
        f"{plan.mode_reason}"
    )
    chain = " -> ".join(plan.critical_path)
    console.print(f"critical path ({plan.critical_path_steps} tool calls): {chain or '-'}")
