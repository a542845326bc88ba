"""`kimi-code undo`, `kimi-code accept` and `kimi-code recover` (adapter layer).

Thin wrappers over `kimi_code.edits.checkpoint` and `kimi_code.edits.apply.recover`;
errors reach the user as one line through `kimi_code.cli.main`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kimi_code.edits.apply import recover
from kimi_code.edits.checkpoint import accept, undo
from kimi_code.errors import WorkspaceError


def register(subparsers: Any) -> None:
    """Add the `undo`, `accept` and `recover` subcommands."""
    p = subparsers.add_parser("undo", help="restore the files of an applied run exactly")
    p.add_argument("run_id", nargs="?", help="run to undo (default: the last applied run)")
    p.add_argument("--force", action="store_true", help="overwrite files changed since the apply")
    _add_root(p)
    p.set_defaults(func=_undo)

    p = subparsers.add_parser("accept", help="keep a run's changes and delete its backups")
    p.add_argument("run_id", help="run to accept")
    _add_root(p)
    p.set_defaults(func=_accept)

    p = subparsers.add_parser("recover", help="finish an apply or undo that was interrupted")
    p.add_argument(
        "--forward",
        action="store_true",
        help="complete an interrupted apply (default: roll back)",
    )
    _add_root(p)
    p.set_defaults(func=_recover)


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-C", "--root", default=".", help="workspace root (default: the current directory)"
    )


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root)
    if not root.is_dir():
        raise WorkspaceError("not a directory", path=str(root))
    return root


def _undo(args: argparse.Namespace) -> int:
    result = undo(_root(args), args.run_id, force=args.force)
    print(
        f"undid run {result.run_id}: {len(result.restored)} file(s) restored, "
        f"{len(result.removed)} created file(s) removed"
    )
    for path in result.forced_over:
        print(f"  overwritten (changed since the apply): {path}")
    return 0


def _accept(args: argparse.Namespace) -> int:
    journal = accept(_root(args), args.run_id)
    print(f"accepted run {journal.run_id}: backups deleted; it can no longer be undone")
    return 0


def _recover(args: argparse.Namespace) -> int:
    done = recover(_root(args), forward=args.forward)
    if not done:
        print("nothing to recover")
    for run_id, state in done:
        print(f"run {run_id}: {state}")
    return 0
