"""Entry point of the `kimi-code` command (adapter layer).

Each subcommand lives in its own module under `kimi_code.cli` and exposes
`register(subparsers) -> None`, which adds an argparse parser whose `func` default
takes the parsed arguments and returns an exit code. This module only wires them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kimi_code import __version__
from kimi_code.errors import KimiError, UserInputError

# One module per subcommand group; each keeps heavy imports inside its handlers.
COMMAND_MODULES: tuple[str, ...] = (
    "kimi_code.cli.index_cmd",
    "kimi_code.cli.undo_cmd",
    "kimi_code.cli.serve_cmd",
    "kimi_code.cli.refactor_cmd",
    "kimi_code.cli.plan_cmd",
    "kimi_code.cli.resume_cmd",
    "kimi_code.cli.lsp_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="kimi-code",
        description="Whole-repository refactors by a swarm of AI agents.",
    )
    parser.add_argument("--version", action="version", version=f"kimi-code {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (2 for bad input, 1 for other failures, 130 on ^C)."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        func = getattr(args, "func", None)
        if func is None:
            parser.print_help()
            return 2
        return int(func(args))
    except UserInputError as exc:
        print(f"kimi-code: error: {exc}", file=sys.stderr)
        return 2
    except KimiError as exc:
        print(f"kimi-code: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kimi-code: interrupted", file=sys.stderr)
        return 130
