"""Walk a workspace: which files the index parses and which it skips, and why (index layer).

Honours `.gitignore` files at every level (pathspec's git semantics, negations included),
skips dependency, VCS, cache and build-output directories, binary files, files over the
size limit, and never follows a symlink out of the workspace. Every skip has a reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from kimi_code.index.languages import language_for
from kimi_code.index.model import LanguageName

__all__ = ["DEFAULT_MAX_BYTES", "SourceEntry", "WalkResult", "walk_workspace"]

DEFAULT_MAX_BYTES = 1024 * 1024

SKIP_DIRS: dict[str, str] = {
    "node_modules": "node_modules (installed packages)",
    ".git": "version control directory",
    ".hg": "version control directory",
    ".svn": "version control directory",
    ".kimi": "kimi-code state directory",
    ".venv": "virtual environment",
    "__pycache__": "bytecode cache",
}

# Output directories of a package: skipped at the workspace root and next to a
# package.json, so a source folder that happens to be called `build` is still indexed.
BUILD_OUTPUT = frozenset({"dist", "build", "out", "coverage"})

BINARY_SUFFIXES = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".bmp",
        ".ico",
        ".tif",
        ".tiff",
        ".avif",
        ".psd",
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".rar",
        ".jar",
        ".war",
        ".wasm",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".mp3",
        ".mp4",
        ".wav",
        ".ogg",
        ".webm",
        ".mov",
        ".avi",
        ".so",
        ".dll",
        ".dylib",
        ".exe",
        ".bin",
        ".o",
        ".a",
        ".class",
        ".pyc",
        ".node",
        ".glb",
        ".fbx",
        ".ktx2",
        ".hdr",
        ".exr",
        ".sqlite",
        ".db",
    ]
)

Specs = tuple[tuple[str, pathspec.GitIgnoreSpec], ...]


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """A source file the index parses."""

    path: str
    """Workspace-relative POSIX path."""
    language: LanguageName
    """Language from the extension."""
    size: int
    """Size in bytes at walk time."""
    mtime_ns: int
    """Modification time at walk time (the cache's fast path compares it)."""


@dataclass(slots=True)
class WalkResult:
    """Everything one walk found."""

    sources: list[SourceEntry] = field(default_factory=list)
    """Files to index, in path order."""
    assets: set[str] = field(default_factory=set)
    """Other files that imports may name (JSON, CSS, ...), never parsed."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Path -> reason for every file or directory left out."""


def _ignored(rel: str, specs: Specs) -> bool:
    """Apply the `.gitignore` files from the root down; the deepest decision wins."""
    ignored = False
    for prefix, spec in specs:
        if prefix and not rel.startswith(prefix):
            continue
        include = spec.check_file(rel[len(prefix) :]).include
        if include is not None:
            ignored = include
    return ignored


def _load_gitignore(directory: str, prefix: str, specs: Specs) -> Specs:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            spec = pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
    except OSError:
        return specs
    return (*specs, (prefix, spec))


def _symlink_reason(path: str, root_real: str) -> str | None:
    """Reason to skip a symlink, or None when it is a file inside the workspace."""
    target = os.path.realpath(path)
    if target != root_real and not target.startswith(root_real + os.sep):
        return "symlink outside workspace (not followed)"
    if not os.path.exists(target):
        return "broken symlink"
    if os.path.isdir(target):
        return "symlink to a directory (not followed)"
    return None


def _visit_file(entry: os.DirEntry[str], rel: str, max_bytes: int, out: WalkResult) -> None:
    language = language_for(entry.name)
    if language is None:
        dot = entry.name.rfind(".")
        if dot > 0 and entry.name[dot:].lower() in BINARY_SUFFIXES:
            out.skipped[rel] = "binary"
        else:
            out.assets.add(rel)
        return
    try:
        stat = entry.stat()
    except OSError as exc:
        out.skipped[rel] = f"unreadable ({exc.strerror})"
        return
    if stat.st_size > max_bytes:
        out.skipped[rel] = f"too large ({stat.st_size} bytes > {max_bytes})"
        return
    out.sources.append(SourceEntry(rel, language, stat.st_size, stat.st_mtime_ns))


def _walk_dir(directory: str, prefix: str, specs: Specs, ctx: tuple[str, int, WalkResult]) -> None:
    root_real, max_bytes, out = ctx
    specs = _load_gitignore(directory, prefix, specs)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        out.skipped[prefix.rstrip("/") or "."] = f"unreadable directory ({exc.strerror})"
        return
    is_package = not prefix or any(e.name == "package.json" for e in entries)
    for entry in entries:
        rel = prefix + entry.name
        if entry.is_symlink():
            reason = _symlink_reason(entry.path, root_real)
            if reason is not None:
                out.skipped[rel] = reason
                continue
        is_dir = entry.is_dir()
        if is_dir and entry.name in SKIP_DIRS:
            out.skipped[rel] = SKIP_DIRS[entry.name]
        elif is_dir and is_package and entry.name in BUILD_OUTPUT:
            out.skipped[rel] = "build output"
        elif _ignored(rel + "/" if is_dir else rel, specs):
            out.skipped[rel] = "gitignored"
        elif is_dir:
            _walk_dir(entry.path, rel + "/", specs, ctx)
        elif entry.is_file():
            _visit_file(entry, rel, max_bytes, out)


def walk_workspace(root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> WalkResult:
    """Walk `root` and sort every file into sources, assets and skipped (with reasons)."""
    out = WalkResult()
    root_real = os.path.realpath(root)
    _walk_dir(root_real, "", (), (root_real, max_bytes, out))
    out.sources.sort(key=lambda e: e.path)
    return out
