"""Helpers for reliability tests: exact tree snapshots and small git repositories."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path

Snapshot = dict[str, tuple[str, str, int]]
"""path -> (kind, sha256 of bytes or link target, permission bits)."""

SKIP = {".kimi", ".git"}


def snapshot(root: Path, *, skip: set[str] | None = None) -> Snapshot:
    """Every file, symlink and directory under `root`, byte-for-byte (skipping `skip` dirs)."""
    skip = SKIP if skip is None else skip
    out: Snapshot = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        base = Path(dirpath)
        for name in dirnames + filenames:
            path = base / name
            rel = path.relative_to(root).as_posix()
            st = path.lstat()
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(path), 0)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", "", mode)
            else:
                out[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), mode)
    return out


def diff(before: Snapshot, after: Snapshot) -> list[str]:
    """Human-readable differences between two snapshots (empty when identical)."""
    lines = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            lines.append(f"{key}: {before.get(key)} -> {after.get(key)}")
    return lines


def git(root: Path, *args: str) -> str:
    """Run git in `root` with a fixed identity; return stdout."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def init_repo(root: Path) -> None:
    """Make `root` a git repository with everything committed on branch main."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")


def write(root: Path, rel: str, text: str, mode: int = 0o644) -> Path:
    """Create `rel` under `root` with `text` and `mode`."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path
