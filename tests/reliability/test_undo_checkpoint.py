"""Dirty-tree refusal, git checkpoints, exact undo, backups until accept (real git, real files)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kimi_code.cli.main import main
from kimi_code.edits.apply import apply_changeset
from kimi_code.edits.checkpoint import (
    DirtyWorkspaceError,
    UndoConflict,
    accept,
    ensure_clean,
    last_applied_run,
    undo,
)
from kimi_code.edits.journal import JournalStore
from kimi_code.errors import UserInputError
from kimi_code.model.changes import ChangeSet, FileChange, content_hash

from .fsutil import diff, git, init_repo, snapshot
from .test_apply_atomic import full_set


def git_state(root: Path) -> tuple[str, str, str, str]:
    """HEAD, the branch, the index and `git status`: none may move."""
    return (
        git(root, "rev-parse", "HEAD"),
        git(root, "symbolic-ref", "HEAD"),
        git(root, "ls-files", "-s"),
        git(root, "status", "--porcelain"),
    )


def test_dirty_files_the_run_touches_are_refused_by_name(project: Path) -> None:
    init_repo(project)
    (project / "src/a.js").write_text("// my unsaved work\n")
    (project / "src/new.js").write_text("untracked\n")
    git(project, "add", "src/new.js")
    (project / "notes.txt").write_text("untracked, not touched by the run\n")
    with pytest.raises(DirtyWorkspaceError, match=r"2 file\(s\).*src/a\.js, src/new\.js") as err:
        ensure_clean(project, ["src/a.js", "src/b.js", "src/new.js"])
    assert "--allow-dirty" in str(err.value)
    ensure_clean(project, ["src/b.js", "README.md"])
    ensure_clean(project, ["src/a.js"], allow_dirty=True)


def test_dirty_check_in_a_subdirectory_workspace(project: Path) -> None:
    init_repo(project)
    (project / "src/lib/c.js").write_text("changed\n")
    ensure_clean(project / "src", ["a.js"])
    with pytest.raises(DirtyWorkspaceError, match=r"lib/c\.js"):
        ensure_clean(project / "src", ["lib/c.js"])


def test_untracked_file_the_run_would_touch_is_dirty(project: Path) -> None:
    init_repo(project)
    (project / "src/extra.js").write_text("never committed\n")
    with pytest.raises(DirtyWorkspaceError, match=r"src/extra\.js"):
        ensure_clean(project, ["src/extra.js"])


def test_outside_git_nothing_is_dirty(project: Path) -> None:
    ensure_clean(project, ["src/a.js"])


def test_checkpoint_does_not_move_head_index_or_branch(project: Path) -> None:
    init_repo(project)
    git(project, "add", "README.md")
    state = git_state(project)
    result = apply_changeset(project, full_set(project), run_id="r1")
    assert result.checkpoint == "refs/kimi/checkpoints/r1"
    head, branch, index, _ = git_state(project)
    assert (head, branch, index) == state[:3]
    tree = git(project, "ls-tree", "-r", "--name-only", result.checkpoint).split()
    assert "src/b.js" in tree and "src/lib/c.js" in tree and "src/b.ts" not in tree
    assert git(project, "show", f"{result.checkpoint}:src/a.js") == "export const a = 1;\n"
    assert git(project, "rev-parse", f"{result.checkpoint}^") == head
    assert "100755 blob" in git(project, "ls-tree", result.checkpoint, "bin/run.sh")


def test_undo_restores_exactly_in_git(project: Path) -> None:
    (project / "src/a.js").write_bytes(b"\xef\xbb\xbfexport const a = 1;\r\n")
    os.chmod(project / "src/a.js", 0o640)
    init_repo(project)
    before, state = snapshot(project), git_state(project)
    apply_changeset(project, full_set(project), run_id="r1")
    assert diff(before, snapshot(project)) != []
    result = undo(project)
    assert result.run_id == "r1"
    assert result.removed == ("src/b.ts", "src/types/new.d.ts")
    assert diff(before, snapshot(project)) == []
    assert git_state(project) == state
    assert JournalStore(project).load("r1").state == "undone"
    with pytest.raises(UserInputError, match="no applied run"):
        undo(project)


def test_undo_refuses_when_files_changed_since_apply(project: Path) -> None:
    init_repo(project)
    before = snapshot(project)
    apply_changeset(project, full_set(project), run_id="r1")
    (project / "src/b.ts").write_text("// edited after the apply\n")
    (project / "src/lib/c.js").write_text("recreated by the user\n")
    after_edit = snapshot(project)
    with pytest.raises(UndoConflict, match=r"src/b\.ts, src/lib/c\.js.*--force"):
        undo(project, "r1")
    assert diff(after_edit, snapshot(project)) == []
    result = undo(project, "r1", force=True)
    assert result.forced_over == ("src/b.ts", "src/lib/c.js")
    assert diff(before, snapshot(project)) == []


def test_mode_change_since_apply_is_a_conflict(project: Path) -> None:
    apply_changeset(project, full_set(project), run_id="r1")
    os.chmod(project / "bin/run.sh", 0o700)
    with pytest.raises(UndoConflict, match=r"bin/run\.sh"):
        undo(project)


def test_outside_git_backups_stay_until_accept(project: Path, tmp_path: Path) -> None:
    before = snapshot(project)
    apply_changeset(project, full_set(project), run_id="r1")
    assert apply_changeset(project, ChangeSet(()), run_id="empty").journal is None
    blobs = project / ".kimi/runs/r1/blobs"
    assert len(list(blobs.iterdir())) == 8
    shutil.copytree(project, tmp_path / "kept")
    assert last_applied_run(project) == "r1"
    accept(project, "r1")
    assert not blobs.exists()
    with pytest.raises(UserInputError, match="accepted"):
        undo(project, "r1")
    assert diff(before, snapshot(tmp_path / "kept")) != []
    undo(tmp_path / "kept", "r1")
    assert diff(before, snapshot(tmp_path / "kept")) == []


def test_accept_deletes_the_checkpoint_ref(project: Path) -> None:
    init_repo(project)
    apply_changeset(project, full_set(project), run_id="r1")
    assert git(project, "for-each-ref", "refs/kimi/")
    accept(project, "r1")
    assert git(project, "for-each-ref", "refs/kimi/") == ""


def test_undo_defaults_to_the_last_applied_run(project: Path) -> None:
    before = snapshot(project)
    apply_changeset(project, full_set(project), run_id="r1")
    middle = snapshot(project)
    b = (project / "src/b.ts").read_text()
    second = ChangeSet((FileChange("src/b.ts", b + "// 2\n", content_hash(b)),))
    apply_changeset(project, second, run_id="r2")
    assert undo(project).run_id == "r2"
    assert diff(middle, snapshot(project)) == []
    assert undo(project).run_id == "r1"
    assert diff(before, snapshot(project)) == []


def test_cli_undo_accept_recover(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # only this suite's commands: another engineer's half-written module must not fail it
    monkeypatch.setattr("kimi_code.cli.main.COMMAND_MODULES", ("kimi_code.cli.undo_cmd",))
    before = snapshot(project)
    apply_changeset(project, full_set(project), run_id="r1")
    assert main(["recover", "-C", str(project)]) == 0
    assert "nothing to recover" in capsys.readouterr().out
    (project / "src/a.js").write_text("edited\n")
    assert main(["undo", "-C", str(project)]) == 2
    assert "src/a.js" in capsys.readouterr().err
    assert main(["undo", "r1", "--force", "-C", str(project)]) == 0
    assert "undid run r1" in capsys.readouterr().out
    assert diff(before, snapshot(project)) == []
    assert main(["accept", "r1", "-C", str(project)]) == 0
    assert main(["undo", "nope/../x", "-C", str(project)]) == 2
    assert "invalid run id" in capsys.readouterr().err


def test_checkpoint_of_a_workspace_in_a_repo_subdirectory(project: Path) -> None:
    init_repo(project)
    sub = project / "src"
    old = (sub / "a.js").read_bytes()
    changes = ChangeSet(
        (
            FileChange("a.js", "changed\n", content_hash(old), "a.ts"),
            FileChange("new.ts", "created\n", None),
        )
    )
    result = apply_changeset(sub, changes, run_id="sub")
    assert result.checkpoint is not None
    tree = git(project, "ls-tree", "-r", "--name-only", result.checkpoint).split()
    assert "src/a.js" in tree and "src/a.ts" not in tree and "src/new.ts" not in tree
    assert "README.md" in tree
    assert git(project, "show", f"{result.checkpoint}:src/a.js").encode() == old
    undo(sub)
    assert git(project, "status", "--porcelain") == ""
