"""`kimi-code lsp`: run the language server on stdio (adapter layer)."""

from __future__ import annotations

import argparse
import logging
from typing import Any


def _run(args: argparse.Namespace) -> int:
    from kimi_code.lsp.server import create_server

    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.INFO)
    create_server().start_io()
    return 0


def register(subparsers: Any) -> None:
    """Add the `lsp` subcommand."""
    parser = subparsers.add_parser("lsp", help="run the Kimi Code language server on stdio")
    parser.add_argument("--stdio", action="store_true", help="use stdio (the default and only)")
    parser.add_argument("--log-file", default=None, help="write the server log to this file")
    parser.set_defaults(func=_run)
