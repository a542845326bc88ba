"""`python -m kimi_code.lsp`: the language server on stdio (adapter layer)."""

from __future__ import annotations

from kimi_code.lsp.server import create_server


def main() -> None:
    """Serve LSP on stdin/stdout until the client exits."""
    create_server().start_io()


if __name__ == "__main__":
    main()
