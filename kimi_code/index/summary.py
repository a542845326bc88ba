"""Counts and lists that describe an index, for the CLI and the language server (index layer).

Pure data out of a `WorkspaceIndex`: no printing here; adapters render it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kimi_code.index.workspace import WorkspaceIndex

__all__ = ["summarize"]


def _import_counts(index: WorkspaceIndex) -> tuple[int, int, list[dict[str, str]]]:
    """(resolved, external, unresolved details) over every import of the index."""
    resolved = external = 0
    unresolved: list[dict[str, str]] = []
    for path, record in index.records.items():
        for imp, (target, is_external, reason) in zip(
            record[6], index.resolutions(path), strict=False
        ):
            if target is not None:
                resolved += 1
            elif is_external:
                external += 1
            else:
                spec = imp[0][1:] if imp[0].startswith("\0") else imp[0]
                unresolved.append({"file": path, "specifier": spec, "reason": reason or ""})
    return resolved, external, unresolved


def summarize(index: WorkspaceIndex, seconds: float) -> dict[str, Any]:
    """Return the JSON-ready summary of `index` (built in `seconds`).

    Counts: files, symbols, imports, resolved_imports, unresolved_imports,
    external_imports, skipped, errors. Details: languages, skipped_reasons,
    skipped_paths, error_files, unresolved (file, specifier, reason), seconds, root.
    """
    records = index.records
    languages = Counter(record[0] for record in records.values())
    error_files = [path for path, record in records.items() if record[3]]
    resolved, external, unresolved = _import_counts(index)
    skipped = dict(index.skipped)
    return {
        "root": str(index.root),
        "files": len(records),
        "languages": dict(sorted(languages.items())),
        "symbols": sum(len(record[5]) for record in records.values()),
        "imports": sum(len(record[6]) for record in records.values()),
        "resolved_imports": resolved,
        "unresolved_imports": len(unresolved),
        "external_imports": external,
        "skipped": len(skipped),
        "skipped_reasons": dict(Counter(skipped.values()).most_common()),
        "skipped_paths": skipped,
        "errors": len(error_files),
        "error_files": error_files,
        "unresolved": unresolved,
        "seconds": round(seconds, 4),
    }
