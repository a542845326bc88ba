"""`kimi-code resume ID [PATH]`: continue an interrupted run (adapter layer).

Agents that finished in the earlier attempt are not run again; their staged changes are
restored from `.kimi/runs/<ID>/agents/`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path

from kimi_code.cli.refactor_cmd import add_run_flags, finish
from kimi_code.model.events import AgentEvent
from kimi_code.swarm.api import RunHandle, resume_run

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `resume` subcommand."""
    p = subparsers.add_parser("resume", help="continue an interrupted refactor run")
    p.add_argument("run_id", help="run id (see .kimi/runs/)")
    p.add_argument("path", nargs="?", default=".", help="the project folder of the run")
    add_run_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run `kimi-code resume`."""
    root = Path(args.path).resolve()

    async def starter(sink: Callable[[AgentEvent], None]) -> RunHandle:
        return await resume_run(root, args.run_id, on_event=sink)

    return asyncio.run(finish(starter, args))
