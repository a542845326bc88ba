"""Per-task context from the workspace index: imported signatures and export usages.

Pure functions of the index (core layer). Output is bounded so that a task prompt stays
small even for a file that imports half the workspace or is used everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kimi_code.plan.model import TaskContext

if TYPE_CHECKING:
    from kimi_code.index import WorkspaceIndex

__all__ = ["MAX_SIGNATURES", "MAX_USAGES", "build_context", "signature_of"]

MAX_SIGNATURES = 40
"""Most imported signatures listed per task."""
MAX_USAGES = 40
"""Most export usages listed per task."""
MAX_USAGES_PER_EXPORT = 8


def signature_of(symbol: Any) -> str:
    """Render an index `Symbol` as a one-line signature, e.g. `function add(a, b = 0)`."""
    params = getattr(symbol, "params", ())
    rendered = ", ".join(
        p.name if getattr(p, "default", None) is None else f"{p.name} = {p.default}" for p in params
    )
    kind = getattr(symbol, "kind", "symbol")
    callable_kinds = {"function", "method", "class", "arrow"}
    tail = f"({rendered})" if params or kind in callable_kinds else ""
    return f"{kind} {symbol.name}{tail}"


def _imported_signatures(index: WorkspaceIndex, files: Sequence[str]) -> list[str]:
    out: list[str] = []
    own = set(files)
    for path in files:
        for imp in index.files[path].imports:
            dep = imp.resolved
            if dep is None or dep in own or dep not in index.files:
                continue
            target = index.files[dep]
            wanted = set(imp.names) or {e.name for e in target.exports}
            for symbol in target.symbols:
                if symbol.name in wanted and symbol.parent is None:
                    line = f"{signature_of(symbol)}  [{dep}]"
                    if symbol.jsdoc:
                        line += "  /** " + " ".join(symbol.jsdoc.split())[:160] + " */"
                    out.append(line)
    return sorted(set(out))[:MAX_SIGNATURES]


def _export_usages(index: WorkspaceIndex, files: Sequence[str]) -> list[str]:
    out: list[str] = []
    own = set(files)
    for path in files:
        for export in index.files[path].exports:
            refs = [r for r in index.references(path, export.name) if r.file not in own]
            for ref in refs[:MAX_USAGES_PER_EXPORT]:
                where = f"{ref.file}:{ref.span.start_line + 1}"
                args = f" ({', '.join(ref.call_args)})" if ref.is_call else ""
                out.append(f"{export.name} at {where}{args}")
    return out[:MAX_USAGES]


def build_context(index: WorkspaceIndex, files: Sequence[str]) -> TaskContext:
    """Gather what an agent converting `files` should know from the rest of the workspace."""
    return TaskContext(
        source_hashes=tuple((f, index.files[f].content_hash) for f in files),
        imported_signatures=tuple(_imported_signatures(index, files)),
        export_usages=tuple(_export_usages(index, files)),
    )
