"""Git side of the safety net: the dirty-tree check and pre-apply checkpoint commits (core layer).

A checkpoint is a commit object whose tree is HEAD's tree with every file the run touches
set to its pre-apply bytes and mode (files the run creates are absent). It is built in a
private index file and stored under ``refs/kimi/checkpoints/<run_id>``, so HEAD, the
user's index and branch never move. Uses GitPython; no-ops outside a git repository.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from io import BytesIO
from pathlib import Path

import git
from gitdb.base import IStream

from kimi_code.edits.journal import JournalEntry
from kimi_code.errors import UserInputError

__all__ = [
    "CHECKPOINT_PREFIX",
    "DirtyWorkspaceError",
    "create_checkpoint",
    "delete_checkpoint",
    "dirty_files",
    "ensure_clean",
    "find_repo",
]

CHECKPOINT_PREFIX = "refs/kimi/checkpoints/"
_IDENTITY = {
    "GIT_AUTHOR_NAME": "kimi-code",
    "GIT_AUTHOR_EMAIL": "kimi-code@localhost",
    "GIT_COMMITTER_NAME": "kimi-code",
    "GIT_COMMITTER_EMAIL": "kimi-code@localhost",
}


class DirtyWorkspaceError(UserInputError):
    """Files the run would touch have uncommitted changes (pass --allow-dirty to go on)."""

    def __init__(self, files: Sequence[str]) -> None:
        """Name every dirty file in the message."""
        self.files = tuple(files)
        shown = ", ".join(self.files[:20]) + (" ..." if len(self.files) > 20 else "")
        super().__init__(
            f"uncommitted changes in {len(self.files)} file(s) the run would touch: {shown}; "
            "commit or stash them, or pass --allow-dirty"
        )


def find_repo(root: Path) -> git.Repo | None:
    """The git repository containing `root`, or None outside git (or without git)."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandNotFound):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    return repo


def _prefix(repo: git.Repo, root: Path) -> str:
    """The workspace root's path inside the repository ('' at the top), POSIX form."""
    rel = Path(os.path.realpath(root)).relative_to(os.path.realpath(repo.working_tree_dir or ""))
    return "" if rel == Path(".") else rel.as_posix() + "/"


def dirty_files(root: Path, paths: Iterable[str]) -> list[str]:
    """Which of the workspace-relative `paths` have uncommitted changes (incl. untracked).

    Returns [] outside a git repository.
    """
    repo = find_repo(root)
    if repo is None:
        return []
    prefix = _prefix(repo, root)
    wanted = {prefix + p: p for p in paths}
    out = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", prefix or ".")
    fields = out.split("\0")
    dirty: set[str] = set()
    i = 0
    while i < len(fields):
        entry = fields[i]
        i += 1
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            orig = fields[i]
            i += 1
            if orig in wanted:
                dirty.add(wanted[orig])
        if name in wanted:
            dirty.add(wanted[name])
    return sorted(dirty)


def ensure_clean(root: Path, paths: Iterable[str], *, allow_dirty: bool = False) -> None:
    """Refuse to start when files the run would touch have uncommitted changes.

    Raises:
        DirtyWorkspaceError: some of `paths` are modified, staged or untracked (and
            `allow_dirty` is False).
    """
    if allow_dirty:
        return
    dirty = dirty_files(root, paths)
    if dirty:
        raise DirtyWorkspaceError(dirty)


def create_checkpoint(
    root: Path, run_id: str, entries: Sequence[JournalEntry], blob: Callable[[str], bytes]
) -> str | None:
    """Record the pre-apply state of the touched files as a commit under refs/kimi/checkpoints.

    `blob(digest)` returns the original bytes of an entry. Returns the ref name, or None
    outside git. HEAD, the index and the current branch are left as they are.
    """
    repo = find_repo(root)
    if repo is None:
        return None
    prefix = _prefix(repo, root)
    has_head = repo.head.is_valid()
    with tempfile.TemporaryDirectory(prefix="kimi-ckpt-") as tmp:
        env = {**os.environ, **_IDENTITY, "GIT_INDEX_FILE": os.path.join(tmp, "index")}
        if has_head:
            repo.git.read_tree("HEAD", env=env)
        else:
            repo.git.read_tree("--empty", env=env)
        lines = [f"0 {'0' * 40}\t{prefix + p}" for e in entries for p in {e.path, e.target}]
        for entry in entries:
            if entry.before is not None:
                sha = _store_blob(repo, blob(entry.before))
                git_mode = "100755" if entry.mode & 0o111 else "100644"
                lines.append(f"{git_mode} {sha}\t{prefix + entry.path}")
        # one batched update of the private index (removals first, then originals)
        with tempfile.TemporaryFile() as stdin:
            stdin.write(("\n".join(lines) + "\n").encode("utf-8"))
            stdin.seek(0)
            repo.git.update_index("--index-info", istream=stdin, env=env)
        tree = repo.git.write_tree(env=env)
        parents = ["-p", repo.head.commit.hexsha] if has_head else []
        message = f"kimi-code checkpoint before run {run_id}"
        commit = repo.git.commit_tree(tree, *parents, "-m", message, env=env)
    ref = CHECKPOINT_PREFIX + run_id
    repo.git.update_ref(ref, commit)
    return ref


def _store_blob(repo: git.Repo, data: bytes) -> str:
    stream = repo.odb.store(IStream("blob", len(data), BytesIO(data)))
    return str(stream.hexsha.decode("ascii"))


def delete_checkpoint(root: Path, ref: str) -> None:
    """Delete checkpoint `ref` (missing is fine)."""
    repo = find_repo(root)
    if repo is None or not ref.startswith(CHECKPOINT_PREFIX):
        return
    try:
        repo.git.update_ref("-d", ref)
    except git.GitCommandError:
        return
