"""The language server: an LSP adapter over the core (pygls, lsprotocol).

Run it with `kimi-code lsp` or `python -m kimi_code.lsp` (stdio).
"""
