"""`kimi-code refactor RECIPE PATH`: run a refactor with the swarm (adapter layer).

Shows a live agent board (stderr), or JSON-line events (`--events`), then the per-file
report, or one JSON summary (`--json`). Without `--yes` the verified result is shown and
the user is asked before anything is written; `--dry-run` prints the unified diff instead.
`--only-verified` applies the files that verified when the whole does not. Exit codes:
0 done (applied, or verified and left for confirmation), 1 not applied, 2 bad input,
130 cancelled (Ctrl-C: the run is cancelled, nothing is written, the report is shown). Once
the outcome is decided (the apply has started, or the run ended), Ctrl-C is ignored, so the
exit code always matches what is on disk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console

from kimi_code.cli.render import JsonLines, LiveBoard, print_report
from kimi_code.errors import KimiError, UserInputError
from kimi_code.model.events import AgentEvent
from kimi_code.recipes.registry import list_recipes
from kimi_code.swarm.api import RunHandle, RunReport, RunRequest, apply_report, start_run

__all__ = ["add_run_flags", "finish", "register", "scope_of"]

FREE = "free"
"""RECIPE value for a free-form `--instruction` run without a recipe."""

Starter = Callable[[Callable[[AgentEvent], None]], Awaitable[RunHandle]]


def add_run_flags(parser: argparse.ArgumentParser) -> None:
    """Flags shared by `refactor` and `resume`."""
    parser.add_argument("--model", default=None, help="backend spec (default: kimi.toml or local)")
    parser.add_argument("--json", action="store_true", help="print one JSON summary object")
    parser.add_argument("--events", action="store_true", help="print events as JSON lines")
    parser.add_argument("--yes", "-y", action="store_true", help="apply without asking")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `refactor` subcommand."""
    p = subparsers.add_parser(
        "refactor",
        help="refactor a project with a swarm of agents",
        description=f"Recipes: {', '.join(list_recipes())}; '{FREE}' with --instruction.",
    )
    p.add_argument("recipe", help="recipe name, or 'free' with --instruction")
    p.add_argument("path", nargs="?", default=".", help="project folder, or a file/folder in it")
    p.add_argument("--agents", type=int, default=8, help="agents in parallel (1-100, default 8)")
    p.add_argument("--policy", choices=("auto", "model", "recipe"), default="auto")
    p.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    p.add_argument("--instruction", default=None, help="free-form instruction for the model")
    p.add_argument("--allow-dirty", action="store_true", help="run on uncommitted git changes")
    p.add_argument(
        "--only-verified",
        action="store_true",
        help="if verification fails, still apply the files that verified (default: nothing)",
    )
    p.add_argument("--max-tool-calls", type=int, default=1500, help="tool-call budget")
    p.add_argument("--max-tokens", type=int, default=None, help="token budget")
    p.add_argument("--wall-seconds", type=float, default=None, help="wall-time budget")
    add_run_flags(p)
    p.set_defaults(func=run)


def scope_of(path: str) -> tuple[Path, tuple[str, ...]]:
    """The workspace root and scope for a PATH argument.

    The root is the project PATH is in (`project_root`), so a run on `src/` or on one file
    still has the project's package.json (its module type, its tests) and writes the
    tsconfig.json beside it; the scope is PATH within it (none when PATH is the root).

    Raises:
        UserInputError: PATH does not exist.
    """
    target = Path(path).resolve()
    if not (target.is_dir() or target.is_file()):
        raise UserInputError("no such file or folder", path=path)
    root = project_root(target if target.is_dir() else target.parent)
    return root, (() if root == target else (target.relative_to(root).as_posix(),))


def project_root(folder: Path) -> Path:
    """The nearest folder from `folder` up that has a package.json, not above the top of the
    git repository `folder` is in; `folder` itself when it has one, is in no repository
    (the search would have no bound: a package.json in a home folder), or none is found."""
    if (folder / "package.json").is_file():
        return folder
    top = next((d for d in (folder, *folder.parents) if (d / ".git").exists()), None)
    if top is None:
        return folder
    candidate = folder
    while candidate != top:
        candidate = candidate.parent
        if (candidate / "package.json").is_file():
            return candidate
    return folder


def _request(args: argparse.Namespace) -> RunRequest:
    root, paths = scope_of(args.path)
    recipe = None if args.recipe == FREE else args.recipe
    if recipe is None and not args.instruction:
        raise UserInputError(f"recipe '{FREE}' needs --instruction TEXT")
    return RunRequest(
        root=root,
        recipe=recipe,
        instruction=args.instruction,
        paths=paths,
        max_agents=args.agents,
        dry_run=args.dry_run,
        model=args.model,
        policy=args.policy,
        max_tool_calls=args.max_tool_calls,
        max_tokens=args.max_tokens,
        wall_seconds=args.wall_seconds,
        apply=args.yes,
        allow_dirty=args.allow_dirty,
        apply_only_verified=args.only_verified,
    )


def run(args: argparse.Namespace) -> int:
    """Run `kimi-code refactor`."""
    request = _request(args)

    async def starter(sink: Callable[[AgentEvent], None]) -> RunHandle:
        return await start_run(request, on_event=sink)

    return asyncio.run(finish(starter, args))


def _sink(args: argparse.Namespace, err: Console) -> tuple[Any, AbstractContextManager[Any]]:
    if args.events:
        return JsonLines(), nullcontext()
    if args.json or not err.is_terminal:
        return None, nullcontext()
    board = LiveBoard(err)
    return board, board


async def finish(starter: Starter, args: argparse.Namespace) -> int:
    """Start a run, render it, confirm and apply; return the exit code."""
    err = Console(stderr=True)
    sink, live = _sink(args, err)
    with live:
        try:
            handle = await starter(sink or (lambda event: None))
            report = await _wait(handle)
        except KimiError as exc:
            if args.json:  # scripts get one object even when the run fails
                print(json.dumps({"error": f"{type(exc).__name__}: {exc}", "applied": False}))
            raise
    if report.status == "ready" and not getattr(args, "dry_run", False):
        return await _confirm_and_apply(report, args, err)
    await _settle()  # only the report is left to show: a late Ctrl-C changes nothing
    _show(report, args, err)
    if report.status in ("applied", "ready"):
        return 0
    if report.status == "cancelled":
        resume = f"kimi-code resume {report.run_id} {report.root}"
        err.print(f"kimi-code: run cancelled; nothing was applied (to continue: {resume})")
        return 130
    return 1


async def _confirm_and_apply(report: RunReport, args: argparse.Namespace, err: Console) -> int:
    """Ask before writing a verified result (a terminal is needed to ask; else --yes)."""
    if args.yes:  # a resumed run keeps its request; --yes on `resume` applies it
        report = await _apply(report)
        _show(report, args, err)
        return 0
    if args.json or not sys.stdin.isatty():
        _show(report, args, err)
        err.print("not applied: no terminal to ask on; pass --yes to apply without asking")
        return 0
    print_report(report, err)
    prompt = f"Apply {len(report.changeset.changes)} changes? [y/N] "
    answer = (await asyncio.to_thread(input, prompt)).strip().lower()
    if answer not in ("y", "yes"):
        err.print("not applied")
        return 0
    report = await _apply(report)
    undo = f"kimi-code undo {report.run_id} -C {report.root}"
    err.print(f"[bold]{report.status}[/]: {report.reason} (undo: {undo})")
    return 0


async def _settle() -> None:
    """Ignore Ctrl-C from here on; one that came just before is dropped.

    Called once the run's outcome is decided and only writing or reporting it is left: a
    Ctrl-C then would make the command exit "cancelled" (or die by SIGINT while the
    interpreter shuts down) with the outcome already on disk.
    """
    _ignore_sigint()
    try:
        await asyncio.sleep(0)  # a cancellation already requested lands here
    except asyncio.CancelledError:
        _uncancel()


def _ignore_sigint() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _uncancel() -> None:
    current = asyncio.current_task()
    if current is not None:
        while current.uncancel() > 0:
            pass


async def _apply(report: RunReport) -> RunReport:
    """Apply `report`, to the end: once writing starts, Ctrl-C no longer stops the command.

    A Ctrl-C before this point cancels the command with nothing written (the cancellation
    is raised by the first await, before the apply starts). After it, Ctrl-C is ignored: the
    apply runs in a thread that a Ctrl-C cannot stop, so the command must not exit
    "cancelled" while the files are being written.
    """
    _ignore_sigint()
    await asyncio.sleep(0)  # a Ctrl-C that came before: cancelled here, nothing written
    job = asyncio.ensure_future(asyncio.to_thread(apply_report, report))
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:  # cancelled by other means while writing: finish first
        applied = await job
        _uncancel()
        return applied


async def _wait(handle: RunHandle) -> RunReport:
    """The run's report; Ctrl-C cancels the run and yields its `cancelled` report."""
    try:
        return await handle.wait()
    except asyncio.CancelledError:  # Ctrl-C: cancel the run, apply nothing
        handle.cancel()
        report = await handle.wait()
        current = asyncio.current_task()
        if current is None or current.uncancel() > 0:
            raise  # cancelled for another reason too: let it through
        if report.status == "ready":  # finished just before ^C: do not go on to apply
            return replace(report, status="cancelled", reason="cancelled before applying")
        return report


def _show(report: RunReport, args: argparse.Namespace, err: Console) -> None:
    dry = getattr(args, "dry_run", False)
    if args.json:
        data = report.to_json()
        if dry:
            data["diff"] = report.diff()
        print(json.dumps(data, indent=2, default=str))
        return
    if dry:
        sys.stdout.write(report.diff())
    print_report(report, err)
