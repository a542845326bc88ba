"""The tree-sitter workspace index (index layer; no adapter imports).

`build_index(root)` walks the workspace, parses JavaScript, JSX, TypeScript, TSX and
Python with tree-sitter (queries kept as data in `queries/*.scm`), extracts definitions,
imports and exports per file, resolves the import graph, and caches the result under
`<root>/.kimi/index/`. The `WorkspaceIndex` it returns answers `dependencies`,
`dependents` and `references`, and takes incremental updates from the language server.
"""

from __future__ import annotations

from kimi_code.index.build import build_index, default_jobs
from kimi_code.index.model import (
    Export,
    FileIndex,
    Import,
    Param,
    Reference,
    Span,
    Symbol,
)
from kimi_code.index.walk import DEFAULT_MAX_BYTES
from kimi_code.index.workspace import WorkspaceIndex

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Export",
    "FileIndex",
    "Import",
    "Param",
    "Reference",
    "Span",
    "Symbol",
    "WorkspaceIndex",
    "build_index",
    "default_jobs",
]
