"""Resolve import specifiers to workspace files, as Node and TypeScript do (index layer).

Relative specifiers try the exact file, then added extensions, then the TypeScript
mapping of a `.js` specifier to its `.ts` source, then directory `package.json` `main`
and `index.*` files. Bare specifiers naming a workspace package (a `package.json`
outside node_modules) go through its `exports`/`main`; any other bare specifier and every
Node builtin is external. Python imports resolve dotted modules against the workspace.
Resolution needs only the set of workspace paths, so it runs without touching the disk
(package.json manifests aside, read once each).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kimi_code.index.records import Resolution

__all__ = ["Resolver"]

_JS_ORDER = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".json")
_TS_ORDER = (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json")
_JS_TO_TS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_CONDITIONS = {
    "require": ("require", "node", "default", "import"),
    "import": ("import", "module", "node", "default", "require"),
}
NODE_BUILTINS = frozenset(
    [
        "assert",
        "async_hooks",
        "buffer",
        "child_process",
        "cluster",
        "console",
        "constants",
        "crypto",
        "dgram",
        "diagnostics_channel",
        "dns",
        "domain",
        "events",
        "fs",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "os",
        "path",
        "perf_hooks",
        "process",
        "punycode",
        "querystring",
        "readline",
        "repl",
        "stream",
        "string_decoder",
        "sys",
        "timers",
        "tls",
        "trace_events",
        "tty",
        "url",
        "util",
        "v8",
        "vm",
        "wasi",
        "worker_threads",
        "zlib",
        "test",
    ]
)


def _conditions(value: Any, kind: str) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            found = _conditions(item, kind)
            if found:
                return found
        return None
    if isinstance(value, dict):
        for condition in _CONDITIONS["require" if kind == "require" else "import"]:
            if condition in value:
                found = _conditions(value[condition], kind)
                if found:
                    return found
    return None


def _exports_target(exports: Any, subpath: str, kind: str) -> str | None:
    """Look `subpath` (`.` or `./x`) up in a package.json `exports` field."""
    if not isinstance(exports, dict) or not all(str(k).startswith(".") for k in exports):
        return _conditions(exports, kind) if subpath == "." else None
    if subpath in exports:
        return _conditions(exports[subpath], kind)
    for key, value in exports.items():
        if "*" not in key:
            continue
        before, after = key.split("*", 1)
        if subpath.startswith(before) and subpath.endswith(after):
            star = subpath[len(before) : len(subpath) - len(after)]
            target = _conditions(value, kind)
            return target.replace("*", star) if target else None
    return None


def _package_name(spec: str) -> tuple[str, str]:
    """Split `@scope/pkg/sub` into (`@scope/pkg`, `./sub`)."""
    parts = spec.split("/")
    count = 2 if spec.startswith("@") and len(parts) > 1 else 1
    name = "/".join(parts[:count])
    rest = "/".join(parts[count:])
    return name, "./" + rest if rest else "."


class Resolver:
    """Resolves specifiers against one snapshot of the workspace's paths."""

    def __init__(
        self, root: Path, files: set[str], skipped: Mapping[str, str] | None = None
    ) -> None:
        """Index `files` (every workspace path, parsed or not) under `root`; `skipped`
        (path -> reason) explains imports of files the walk left out."""
        self.files = files
        self._skipped = skipped or {}
        self._manifests: dict[str, dict[str, Any]] = {}
        self._packages: dict[str, str] = {}
        for path in files:
            if path == "package.json" or path.endswith("/package.json"):
                manifest = self._read_manifest(root, path)
                name = manifest.get("name")
                if isinstance(name, str):
                    self._packages[name] = posixpath.dirname(path)
        self._memo: dict[tuple[str, bool, str, str], Resolution] = {}

    def _read_manifest(self, root: Path, path: str) -> dict[str, Any]:
        try:
            data = json.loads((root / path).read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        manifest = data if isinstance(data, dict) else {}
        self._manifests[posixpath.dirname(path)] = manifest
        return manifest

    def resolve(self, importer: str, language: str, spec: str, kind: str) -> Resolution:
        """Resolve `spec` imported by `importer`: (path, external, unresolved reason)."""
        return self.resolve_imports(importer, language, [(spec, kind)])[0]

    def resolve_imports(
        self, importer: str, language: str, specs: Iterable[Sequence[Any]]
    ) -> tuple[Resolution, ...]:
        """Resolve each import of `importer`, given as (specifier, kind, ...) sequences
        (raw import records fit), memoized per directory."""
        directory = posixpath.dirname(importer)
        is_ts = language in ("typescript", "tsx")
        memo = self._memo
        out = []
        for item in specs:
            spec, kind = item[0], item[1]
            key = (directory, is_ts, spec, kind)
            found = memo.get(key)
            if found is None:
                if language == "python":
                    found = self._python(directory, spec)
                else:
                    found = self._ecma(directory, is_ts, spec, kind)
                memo[key] = found
            out.append(found)
        return tuple(out)

    def _ecma(self, directory: str, is_ts: bool, spec: str, kind: str) -> Resolution:
        if spec.startswith("\0"):
            return (None, False, "computed specifier (not a string literal)")
        if spec.startswith(("./", "../")) or spec in (".", ".."):
            base = posixpath.normpath(posixpath.join(directory, spec))
            if base == ".." or base.startswith("../"):
                return (None, False, "points outside the workspace")
            hit = self._file_or_dir("" if base == "." else base, is_ts)
            return (hit, False, None if hit else self._missing(base))
        if spec.startswith("/") or not spec:
            return (None, False, "absolute path" if spec else "empty specifier")
        if spec.startswith("node:") or spec.split("/")[0] in NODE_BUILTINS:
            return (None, True, None)
        name, subpath = _package_name(spec)
        if name not in self._packages:
            return (None, True, None)
        hit, target = self._package_entry(self._packages[name], subpath, kind, is_ts)
        if hit:
            return (hit, False, None)
        if target:
            return (None, False, f"{name} maps {subpath} to {target}, not an indexed file")
        return (None, False, f"workspace package {name} exports no {subpath}")

    def _missing(self, base: str) -> str:
        """Why nothing matched `base`: a skipped file or directory, or no such file."""
        parts = base.split("/")
        for end in range(len(parts), 0, -1):
            reason = self._skipped.get("/".join(parts[:end]))
            if reason is not None:
                return f"{'/'.join(parts[:end])} is not indexed ({reason})"
        return "no such file (tried extensions and index files)"

    def _as_file(self, base: str, is_ts: bool) -> str | None:
        if base in self.files:
            return base
        stem, ext = posixpath.splitext(base)
        for mapped in _JS_TO_TS.get(ext, ()):
            if stem + mapped in self.files:
                return stem + mapped
        for added in _TS_ORDER if is_ts else _JS_ORDER:
            if base + added in self.files:
                return base + added
        return None

    def _as_dir(self, base: str, is_ts: bool) -> str | None:
        prefix = base + "/" if base else ""
        manifest = self._manifests.get(base)
        main = manifest.get("main") if manifest else None
        if isinstance(main, str) and main:
            target = posixpath.normpath(prefix + main)
            hit = self._as_file(target, is_ts) or self._index_of(target + "/", is_ts)
            if hit:
                return hit
        return self._index_of(prefix, is_ts)

    def _index_of(self, prefix: str, is_ts: bool) -> str | None:
        for added in _TS_ORDER if is_ts else _JS_ORDER:
            if prefix + "index" + added in self.files:
                return prefix + "index" + added
        return None

    def _file_or_dir(self, base: str, is_ts: bool) -> str | None:
        hit = self._as_file(base, is_ts) if base else None
        return hit or self._as_dir(base, is_ts)

    def _package_entry(
        self, directory: str, subpath: str, kind: str, is_ts: bool
    ) -> tuple[str | None, str | None]:
        """(indexed file, path the manifest names) for `subpath` of a workspace package."""
        manifest = self._manifests.get(directory, {})
        prefix = directory + "/" if directory else ""
        if "exports" in manifest:
            target = _exports_target(manifest["exports"], subpath, kind)
            if not target:
                return None, None
            path = posixpath.normpath(prefix + target)
            return self._as_file(path, is_ts), path
        if subpath == ".":
            return self._as_dir(directory, is_ts), None
        path = posixpath.normpath(prefix + subpath[2:])
        return self._file_or_dir(path, is_ts), path

    def _python(self, directory: str, spec: str) -> Resolution:
        level = len(spec) - len(spec.lstrip("."))
        module = spec[level:].replace(".", "/")
        if level:
            base = directory
            for _ in range(level - 1):
                base = posixpath.dirname(base)
            stem = posixpath.join(base, module) if module else base
            hit = self._python_module(stem)
            return (hit, False, None if hit else f"no module {spec} in the workspace")
        for stem in (module, "src/" + module):
            hit = self._python_module(stem)
            if hit:
                return (hit, False, None)
        return (None, True, None)

    def _python_module(self, stem: str) -> str | None:
        prefix = stem + "/" if stem else ""
        for candidate in (stem + ".py", stem + ".pyi", prefix + "__init__.py"):
            if candidate in self.files:
                return candidate
        return None
