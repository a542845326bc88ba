"""Project-level parts of the CJS→ESM recipe: which files, and package.json (recipe layer).

`select_modules` picks the CommonJS files (sources and tests alike: once the package is
`"type": "module"` every `.js` file in it is parsed as an ES module) plus ES modules whose
specifiers name a `.cjs` file that will be renamed. `package_changes` sets `"type":
"module"` in each package.json scoping converted files and adds an `exports` map that
matches `main` (following renames in `main`, `bin` and `exports`).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kimi_code.errors import ConfigError
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes.base import Workspace
from kimi_code.recipes.cjs_to_esm.resolve import Resolver, final_path
from kimi_code.recipes.cjs_to_esm.shape import export_shape

__all__ = ["SOURCE_SUFFIXES", "entry_module", "is_source", "package_changes", "select_modules"]

SOURCE_SUFFIXES = (".js", ".cjs", ".jsx", ".mjs")
_SKIP_PARTS = frozenset({"node_modules", ".git", ".kimi", "dist", "build", "coverage"})
_CJS_SPECIFIER = re.compile(rb"""['"]\.{1,2}/[^'"]*\.cjs['"]""")


def is_source(path: str, scope: Sequence[str] | None) -> bool:
    """Whether `path` is a JavaScript source under `scope` (and outside node_modules etc.)."""
    if not path.endswith(SOURCE_SUFFIXES) or _SKIP_PARTS.intersection(path.split("/")):
        return False
    if not scope:
        return True
    return any(path == s or path.startswith(s.rstrip("/") + "/") for s in scope)


def select_modules(
    paths: Iterable[str], read_text: Callable[[str], str], scope: Sequence[str] | None = None
) -> list[str]:
    """The files the recipe converts or updates, sorted.

    Args:
        paths: Workspace-relative files to consider.
        read_text: Reads a workspace file.
        scope: Limit to these files or folders.
    """
    selected: list[str] = []
    for path in sorted(paths):
        if not is_source(path, scope):
            continue
        try:
            data = read_text(path).encode("utf-8")
        except Exception:  # unreadable files are the index's business, not a conversion
            continue
        if (
            path.endswith(".cjs")
            or _CJS_SPECIFIER.search(data)
            or (not path.endswith(".mjs") and export_shape(data).kind == "cjs")
        ):
            selected.append(path)
    return selected


def _load(workspace: Workspace, path: str) -> tuple[str, dict[str, Any]]:
    text = workspace.read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not valid JSON ({exc})", path=path) from exc
    if not isinstance(data, dict):
        raise ConfigError("expected a JSON object", path=path)
    return text, data


def _nearest_manifest(path: str, manifests: set[str]) -> str | None:
    directory = posixpath.dirname(path)
    while True:
        candidate = posixpath.join(directory, "package.json") if directory else "package.json"
        if candidate in manifests:
            return candidate
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def entry_module(workspace: Workspace, resolver: Resolver) -> str | None:
    """The workspace file the root package.json's `main` names (default `index.js`)."""
    main = "index.js"
    if workspace.exists("package.json"):
        _, data = _load(workspace, "package.json")
        if isinstance(data.get("main"), str) and data["main"]:
            main = data["main"]
    target = resolver.resolve("package.json", "./" + main.removeprefix("./"))
    return target.path if target.kind == "workspace" else None


def package_changes(
    workspace: Workspace, selected: Sequence[str], resolver: Resolver
) -> list[FileChange]:
    """package.json edits for a conversion of `selected` files.

    Raises:
        ConfigError: a package.json is not a valid JSON object.
    """
    manifests = {f for f in workspace.files() if f.endswith("package.json")}
    manifests = {m for m in manifests if not _SKIP_PARTS.intersection(m.split("/"))}
    scoped = {_nearest_manifest(p, manifests) for p in selected if not p.endswith(".mjs")}
    changes: list[FileChange] = []
    for manifest in sorted(m for m in scoped if m is not None):
        text, data = _load(workspace, manifest)
        updated = _updated_manifest(manifest, data, resolver, is_root=manifest == "package.json")
        if updated != data:
            new_text = json.dumps(updated, indent=_indent(text), ensure_ascii=False) + "\n"
            changes.append(FileChange(manifest, new_text, content_hash(text)))
    return changes


def _indent(text: str) -> int | str:
    match = re.search(r"\n([ \t]+)\"", text)
    if match is None:
        return 2
    return len(match.group(1)) if match.group(1).startswith(" ") else match.group(1)


def _updated_manifest(
    manifest: str, data: dict[str, Any], resolver: Resolver, *, is_root: bool
) -> dict[str, Any]:
    base = posixpath.dirname(manifest)

    def renamed(value: str) -> str:
        path = posixpath.normpath(posixpath.join(base, value))
        new = final_path(path, resolver.files)
        if new == path:
            return value
        rel = posixpath.relpath(new, base or ".")
        return f"./{rel}" if value.startswith("./") else rel

    out: dict[str, Any] = {}
    for key, value in data.items():
        out[key] = _map_strings(value, renamed) if key in ("main", "bin", "exports") else value
        if key == "main" and "type" not in data:
            out["type"] = "module"
    if out.get("type") != "module":
        out["type"] = "module"
    main = data.get("main")
    if is_root and isinstance(main, str) and "exports" not in out:
        target = resolver.resolve(manifest, "./" + main.removeprefix("./"))
        if target.path is not None:
            entry = "./" + posixpath.relpath(resolver.final(target.path), base or ".")
            exports = {
                ".": entry,
                "./package.json": "./package.json",
                # Without `exports` every file was reachable (`pkg/lib/x`): keep it so, the
                # extensionless form included, now that the files are ES modules.
                "./*.js": "./*.js",
                "./*.json": "./*.json",
                "./*": "./*.js",
            }
            items = list(out.items())
            at = [k for k, _ in items].index("type") + 1
            out = dict([*items[:at], ("exports", exports), *items[at:]])
    return out


def _map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, fn) for v in value]
    return value
