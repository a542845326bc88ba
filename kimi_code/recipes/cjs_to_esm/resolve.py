"""Module resolution for the CJS→ESM recipe (recipe layer).

`require()` finds `./x` as `x`, `x.js`, `x.json` or `x/index.js`; ESM needs the full file
name. The resolver answers, against the workspace's current (staged) view: what a
specifier names (a workspace file, JSON, a Node built-in, an external package), where
that file ends up after the conversion (`.cjs` files become `.js`, or `.mjs` when a `.js`
sibling exists), and which specifier reaches it from an ES module.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kimi_code.index.resolve import NODE_BUILTINS

__all__ = ["BUILTINS", "Resolver", "Target", "final_path", "relative_specifier"]

BUILTINS = NODE_BUILTINS
"""Node's built-in modules (subpaths like `fs/promises` share their first segment)."""

TargetKind = Literal["workspace", "json", "builtin", "package", "unresolved"]


@dataclass(frozen=True, slots=True)
class Target:
    """What a specifier names."""

    kind: TargetKind
    specifier: str
    """The specifier as written."""
    path: str | None = None
    """Workspace path in the current view (workspace and json targets)."""
    reason: str = ""
    """Why an unresolved specifier did not resolve."""


def final_path(path: str, files: set[str]) -> str:
    """Where `path` lives after the conversion: `.cjs` becomes `.js` (or `.mjs` on a clash)."""
    if not path.endswith(".cjs"):
        return path
    stem = path[: -len(".cjs")]
    return f"{stem}.mjs" if f"{stem}.js" in files else f"{stem}.js"


def relative_specifier(from_path: str, to_path: str) -> str:
    """An ESM specifier that reaches workspace file `to_path` from `from_path`."""
    rel = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
    return rel if rel.startswith("../") else f"./{rel}"


class Resolver:
    """Resolves specifiers against a set of workspace files (the current staged view)."""

    def __init__(self, files: set[str], read_text: Callable[[str], str]) -> None:
        """Index `files`; `read_text` reads a workspace file (for package.json `main`)."""
        self.files = files
        self._read = read_text
        self._dirs = {posixpath.dirname(f) for f in files}
        for directory in list(self._dirs):
            while directory:
                directory = posixpath.dirname(directory)
                self._dirs.add(directory)

    def resolve(self, from_path: str, specifier: str) -> Target:
        """Resolve `specifier` as written in `from_path` (CommonJS rules, plus `.cjs` renames)."""
        if specifier.startswith("node:") or specifier.split("/")[0] in BUILTINS:
            return Target("builtin", specifier)
        if not specifier.startswith((".", "/")):
            return Target("package", specifier)
        if specifier.startswith("/"):
            return Target("unresolved", specifier, reason="absolute paths are not supported")
        base = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), specifier))
        if base == ".":
            base = ""  # the workspace root itself, as in require('..') from a subfolder
        if base.startswith(".."):
            return Target("unresolved", specifier, reason="leads outside the workspace")
        trailing = specifier.endswith("/") or base == ""
        found = (None if trailing else self._as_file(base)) or self._as_directory(base)
        if found is None:
            return Target("unresolved", specifier, reason="no such file in the workspace")
        kind: TargetKind = "json" if found.endswith(".json") else "workspace"
        return Target(kind, specifier, path=found)

    def _lookup(self, candidate: str) -> str | None:
        if candidate in self.files:
            return candidate
        if candidate.endswith(".cjs"):  # already renamed by its owner earlier in this run
            stem = candidate[: -len(".cjs")]
            for renamed in (f"{stem}.js", f"{stem}.mjs"):
                if renamed in self.files and f"{stem}.cjs" not in self.files:
                    return renamed
        return None

    def _as_file(self, base: str) -> str | None:
        for candidate in (base, f"{base}.js", f"{base}.json"):
            found = self._lookup(candidate)
            if found is not None and (candidate != base or base not in self._dirs):
                return found
        return None

    def _as_directory(self, base: str) -> str | None:
        if base not in self._dirs:
            return None
        manifest = posixpath.join(base, "package.json")
        if manifest in self.files:
            try:
                main = json.loads(self._read(manifest)).get("main")
            except (ValueError, AttributeError):
                main = None
            if isinstance(main, str) and main:
                inner = posixpath.normpath(posixpath.join(base, main))
                found = self._as_file(inner) or self._as_directory(inner)
                if found is not None:
                    return found
        for name in ("index.js", "index.json", "index.cjs"):
            found = self._lookup(posixpath.join(base, name))
            if found is not None:
                return found
        return None

    def final(self, path: str) -> str:
        """Where workspace file `path` (current view) ends up after the conversion."""
        return final_path(path, self.files)

    def esm_specifier(self, from_final: str, target: Target) -> str:
        """The specifier an ES module at `from_final` uses for `target`."""
        if target.path is None:
            return target.specifier
        return relative_specifier(from_final, self.final(target.path))
