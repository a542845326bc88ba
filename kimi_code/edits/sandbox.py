"""Workspace sandbox: every path a tool touches must resolve inside the workspace root.

Refused: absolute paths, `..` components, NUL bytes, backslashes that could smuggle
separators, and symlinks (of the file or any parent directory) that lead outside the
root. The check resolves the real path, so a symlink chain is followed to its end
before it is judged. Core layer; no I/O beyond `os.path.realpath`.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path, PurePosixPath

from kimi_code.errors import SandboxViolation

__all__ = ["normalize_relpath", "relative_to_root", "resolve_inside"]


@functools.lru_cache(maxsize=8192)
def normalize_relpath(path: str) -> str:
    """Return `path` as a clean workspace-relative POSIX path (memoized: tools and views
    normalize the same few paths again and again).

    Raises:
        SandboxViolation: the path is empty, absolute, contains `..`, a NUL byte or a backslash.
    """
    if not path or "\x00" in path or "\\" in path:
        raise SandboxViolation(f"refused path {path!r}: empty or contains NUL/backslash")
    pure = PurePosixPath(path)
    if pure.is_absolute() or (len(path) > 1 and path[1] == ":"):
        raise SandboxViolation(f"refused path {path!r}: absolute paths are outside the sandbox")
    parts = [p for p in pure.parts if p not in (".", "")]
    if any(p == ".." for p in parts):
        raise SandboxViolation(f"refused path {path!r}: '..' leads outside the workspace")
    if not parts:
        raise SandboxViolation(f"refused path {path!r}: names the workspace root itself")
    return "/".join(parts)


def resolve_inside(root: Path, path: str) -> Path:
    """Resolve workspace-relative `path` to an absolute path that is inside `root`.

    The target need not exist (a file may be created); its nearest existing ancestor is
    resolved through symlinks and must stay inside the real root.

    Raises:
        SandboxViolation: the path, or a symlink on the way, leads outside the workspace.
    """
    rel = normalize_relpath(path)
    real_root = os.path.realpath(root)
    candidate = os.path.join(real_root, *rel.split("/"))
    real = os.path.realpath(candidate)
    if real != real_root and not real.startswith(real_root + os.sep):
        raise SandboxViolation(f"refused path {path!r}: a symlink leads outside the workspace")
    return Path(candidate)


def relative_to_root(root: Path, absolute: Path) -> str:
    """Return the workspace-relative POSIX path of `absolute` (an adapter-side helper).

    Raises:
        SandboxViolation: `absolute` is not inside `root`.
    """
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(absolute))
    try:
        rel = real.relative_to(real_root)
    except ValueError:
        raise SandboxViolation(f"{absolute}: outside the workspace {root}") from None
    return normalize_relpath(rel.as_posix())
