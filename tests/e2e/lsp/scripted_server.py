"""`kimi-code lsp` with a scripted model backend (test seam only, never the product path).

The server is the product's `create_server`; only the `backend` argument the run API
accepts is filled with a `ScriptedBackend` named by `--script`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scripts_for_tests import backend_for

from kimi_code.lsp.server import create_server


def main() -> None:
    """Parse --script and serve on stdio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", default="weak")
    parser.add_argument("--log-file", default=None)
    parser.add_argument("--pid-file", default=None, help="write this process's id here")
    args = parser.parse_args()
    if args.pid_file:
        Path(args.pid_file).write_text(str(os.getpid()))
    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.DEBUG)
    create_server(backend=backend_for(args.script)).start_io()


if __name__ == "__main__":
    main()
