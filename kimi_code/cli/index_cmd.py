"""`kimi-code index PATH [--json]`: index a workspace and summarize it (adapter layer).

Builds the tree-sitter index (kimi_code.index) and renders its summary with rich for
people, or as one JSON object for tools.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kimi_code.errors import UserInputError
from kimi_code.index import build_index
from kimi_code.index.summary import summarize

__all__ = ["register", "run"]

_LIST_LIMIT = 15
_ECMA_LANGUAGES = frozenset({"javascript", "jsx", "typescript", "tsx"})


def register(subparsers: Any) -> None:
    """Add the `index` subcommand."""
    parser = subparsers.add_parser(
        "index",
        help="index a workspace with tree-sitter and print a summary",
        description="Index PATH (symbols, imports, exports, import graph) and summarize it.",
    )
    parser.add_argument("path", help="workspace directory to index")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-cache", action="store_true", help="ignore and keep .kimi/index/")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Index `args.path` and print the summary; returns the exit code.

    Raises:
        UserInputError: the path is missing or not a directory, or --jobs is not positive.
    """
    if args.jobs is not None and args.jobs < 1:
        raise UserInputError(f"--jobs must be at least 1, got {args.jobs}")
    started = time.perf_counter()
    index = build_index(Path(args.path), cache=not args.no_cache, jobs=args.jobs)
    summary = summarize(index, time.perf_counter() - started)
    note = _note(summary)
    if args.json:
        print(json.dumps(summary, indent=2))
        if note:
            print(f"kimi-code: {note}", file=sys.stderr)
    else:
        console = Console()
        _render(summary, console)
        if note:
            console.print(f"[bold yellow]note[/bold yellow]: {note}", highlight=False)
    return 0


def _note(summary: dict[str, Any]) -> str | None:
    """A line for a workspace with nothing (or nothing JavaScript) to index: not an error."""
    skipped = summary["skipped"]
    left_out = f" ({skipped} path(s) skipped)" if skipped else ""
    if summary["files"] == 0:
        return (
            f"no source files (JavaScript, JSX, TypeScript, TSX or Python) in "
            f"{summary['root']}{left_out}"
        )
    if not set(summary["languages"]) & _ECMA_LANGUAGES:
        return f"no JavaScript or TypeScript files in {summary['root']} (only Python)"
    return None


def _render(summary: dict[str, Any], console: Console) -> None:
    console.print(f"[bold]Indexed[/bold] {summary['root']} in {summary['seconds']:.2f} s")
    table = Table(show_header=True, header_style="bold")
    table.add_column("language")
    table.add_column("files", justify="right")
    for language, count in summary["languages"].items():
        table.add_row(language, str(count))
    table.add_row("[bold]total[/bold]", f"[bold]{summary['files']}[/bold]")
    console.print(table)
    console.print(
        f"symbols: {summary['symbols']}   imports: {summary['imports']} "
        f"(resolved {summary['resolved_imports']}, external {summary['external_imports']}, "
        f"unresolved {summary['unresolved_imports']})"
    )
    _render_list(
        console,
        "unresolved imports",
        [f"{u['file']}: {u['specifier']!r} ({u['reason']})" for u in summary["unresolved"]],
    )
    _render_list(
        console, "files with syntax errors (indexed as far as possible)", summary["error_files"]
    )
    _render_list(
        console,
        "skipped",
        [f"{path}: {reason}" for path, reason in summary["skipped_paths"].items()],
    )


def _render_list(console: Console, title: str, lines: list[str]) -> None:
    if not lines:
        console.print(f"{title}: none")
        return
    console.print(f"[bold]{title}[/bold]: {len(lines)}")
    for line in lines[:_LIST_LIMIT]:
        console.print(f"  {line}", markup=False, highlight=False)
    if len(lines) > _LIST_LIMIT:
        console.print(f"  ... and {len(lines) - _LIST_LIMIT} more")
