"""`workspace/executeCommand` handlers: kimiCode.swarmRefactor, cancel, recipes, runs.

A refactor is a command that starts a tracked run and returns its id at once; requests
never wait on agents (adapter layer).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from kimi_code.errors import UserInputError
from kimi_code.lsp.arguments import SwarmArgs, parse_cancel, parse_swarm
from kimi_code.lsp.runs import RunSession
from kimi_code.recipes import registry
from kimi_code.swarm.api import RunRequest, start_run

if TYPE_CHECKING:
    from kimi_code.lsp.server import KimiLanguageServer

SWARM_REFACTOR = "kimiCode.swarmRefactor"
CANCEL = "kimiCode.cancel"
RECIPES = "kimiCode.recipes"
RUNS = "kimiCode.runs"
INDEX = "kimiCode.index"


async def start_session(server: KimiLanguageServer, args: SwarmArgs) -> RunSession:
    """Start a run for `args` (the editor applies its edit) and follow it in a task."""
    s = server.settings
    s.export_api_key()
    request = RunRequest(
        root=server.root,
        recipe=args.recipe,
        instruction=args.instruction,
        paths=args.paths,
        max_agents=args.max_agents,
        dry_run=args.dry_run,
        model=s.model_spec(),
        policy=s.policy,
        max_tool_calls=s.max_tool_calls,
        max_tokens=s.max_tokens,
        wall_seconds=s.wall_seconds,
        apply=False,
        # The editor applies through workspace/applyEdit into undoable buffers and redoes
        # files whose buffers moved; the git dirty check guards the disk writer only.
        allow_dirty=True,
    )
    session = RunSession(server, server.root, args.label, args.dry_run)
    session.request, session.backend = request, server.backend
    session.handle = await start_run(
        request, on_event=session.on_event, backend=server.backend, index=server.keeper.index
    )
    server.runs[session.run_id] = session
    session.task = asyncio.create_task(session.follow())
    server.track(session.task)
    return session


def list_recipes() -> list[dict[str, str]]:
    """The recipes the product offers, as {name, description} rows."""
    rows = []
    for name in registry.list_recipes():
        try:
            description = registry.get_recipe(name).description
        except UserInputError as exc:  # listed but not installed here: say why
            description = str(exc)
        rows.append({"name": name, "description": description})
    return rows


def register(server: KimiLanguageServer) -> None:
    """Register the `kimiCode.*` commands on `server`."""

    @server.command(SWARM_REFACTOR)
    async def swarm_refactor(*args: Any) -> dict[str, Any]:
        parsed = parse_swarm(args, server.root, server.settings)
        session = await start_session(server, parsed)
        return {"runId": session.run_id, "label": session.label}

    @server.command(CANCEL)
    def cancel(*args: Any) -> dict[str, Any]:
        parsed = parse_cancel(args)
        running = [rid for rid, run in server.runs.items() if run.state == "running"]
        targets = [parsed.run_id] if parsed.run_id else running
        for run_id in targets:
            if run_id not in server.runs:
                raise UserInputError(f"no run with id {run_id!r}")
            server.runs[run_id].cancel(parsed.agent_id)
        return {"cancelled": targets, "agentId": parsed.agent_id}

    @server.command(RECIPES)
    def recipes(*_args: Any) -> list[dict[str, str]]:
        return list_recipes()

    @server.command(RUNS)
    def runs(*_args: Any) -> list[dict[str, Any]]:
        return [session.summary() for session in server.runs.values()]

    @server.command(INDEX)
    async def index(*_args: Any) -> dict[str, Any]:
        return server.keeper.stats()
