"""All-or-nothing apply on real files: journal, atomic writes, injected failures, recover."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kimi_code.edits.apply import apply_changeset, recover
from kimi_code.edits.journal import AtomicFileOps, JournalStore
from kimi_code.errors import ApplyError, StaleWriteError
from kimi_code.model.changes import ChangeSet, FileChange, content_hash

from .fsutil import diff, snapshot


def h(root: Path, rel: str) -> str:
    return content_hash((root / rel).read_bytes())


def full_set(root: Path) -> ChangeSet:
    """An edit, a rename with an edit, a deletion, a creation in a new dir, a mode-keeping edit."""
    return ChangeSet(
        changes=(
            FileChange("src/a.js", "export const a: number = 1;\n", h(root, "src/a.js")),
            FileChange("src/b.js", "export const b = 2;\n", h(root, "src/b.js"), "src/b.ts"),
            FileChange("src/lib/c.js", None, h(root, "src/lib/c.js")),
            FileChange("src/types/new.d.ts", "export type N = number;\n", None),
            FileChange("bin/run.sh", "#!/bin/sh\necho ran\n", h(root, "bin/run.sh")),
        )
    )


def applied_copy(project: Path, tmp_path: Path) -> dict[str, tuple[str, str, int]]:
    """Snapshot of a copy of `project` with the full set applied cleanly."""
    twin = tmp_path / "twin"
    shutil.copytree(project, twin)
    apply_changeset(twin, full_set(twin), run_id="twin", checkpoint=False)
    return snapshot(twin)


class FailingOps(AtomicFileOps):
    """The writer seam: real atomic writes, then a failure on the n-th operation."""

    def __init__(self, fail_at: int, exc: BaseException | None = None) -> None:
        self.calls = 0
        self.fail_at = fail_at
        self.exc = exc or OSError(28, "No space left on device")

    def _tick(self) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise self.exc

    def write(self, path: Path, data: bytes, mode: int) -> None:
        self._tick()
        super().write(path, data, mode)

    def remove(self, path: Path) -> None:
        self._tick()
        super().remove(path)


def test_full_apply_writes_every_kind_and_keeps_modes(project: Path, tmp_path: Path) -> None:
    result = apply_changeset(project, full_set(project), run_id="r1")
    assert (project / "src/a.js").read_text() == "export const a: number = 1;\n"
    assert not (project / "src/b.js").exists()
    assert (project / "src/b.ts").read_text() == "export const b = 2;\n"
    assert not (project / "src/lib/c.js").exists()
    assert (project / "src/types/new.d.ts").is_file()
    assert os.stat(project / "bin/run.sh").st_mode & 0o777 == 0o755
    assert result.renamed == (("src/b.js", "src/b.ts"),)
    assert result.deleted == ("src/lib/c.js",)
    journal = json.loads((project / ".kimi/runs/r1/journal.json").read_text())
    assert journal["state"] == "applied"
    assert (project / ".kimi/.gitignore").read_text() == "*\n"
    assert not [p for p in project.rglob("*") if ".kimi-tmp-" in p.name]


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5, 6])
def test_failure_mid_apply_restores_everything(project: Path, fail_at: int) -> None:
    before = snapshot(project)
    with pytest.raises(ApplyError, match="every file restored"):
        apply_changeset(project, full_set(project), run_id="r", ops=FailingOps(fail_at))
    assert diff(before, snapshot(project)) == []
    assert JournalStore(project).load("r").state == "rolled_back"


def test_interrupt_mid_apply_rolls_back_and_reraises(project: Path) -> None:
    before = snapshot(project)
    ops = FailingOps(3, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        apply_changeset(project, full_set(project), run_id="r", ops=ops)
    assert diff(before, snapshot(project)) == []


def test_stale_file_refuses_whole_set_and_names_it(project: Path) -> None:
    changes = full_set(project)
    (project / "src/lib/c.js").write_text("module.exports = 4; // user edit\n")
    before = snapshot(project)
    with pytest.raises(StaleWriteError, match=r"src/lib/c\.js: changed on disk"):
        apply_changeset(project, changes, run_id="r")
    assert diff(before, snapshot(project)) == []
    assert not JournalStore(project).exists("r")


def test_file_deleted_since_read_is_stale(project: Path) -> None:
    changes = full_set(project)
    (project / "src/a.js").unlink()
    with pytest.raises(StaleWriteError, match=r"src/a\.js: deleted on disk"):
        apply_changeset(project, changes, run_id="r")
    assert (project / "src/b.js").exists()


def test_creation_and_rename_never_clobber(project: Path) -> None:
    before = snapshot(project)
    create = ChangeSet((FileChange("README.md", "x", None),))
    with pytest.raises(StaleWriteError, match="README.md: exists"):
        apply_changeset(project, create, run_id="r1")
    rename = ChangeSet((FileChange("src/a.js", "x", h(project, "src/a.js"), "README.md"),))
    with pytest.raises(StaleWriteError, match="README.md: exists"):
        apply_changeset(project, rename, run_id="r2")
    both = ChangeSet(
        (FileChange("n.js", "1", None), FileChange("src/a.js", "2", h(project, "src/a.js"), "n.js"))
    )
    with pytest.raises(ApplyError, match="n.js: written by two changes"):
        apply_changeset(project, both, run_id="r3")
    assert diff(before, snapshot(project)) == []


def test_swap_by_renames(project: Path) -> None:
    a, b = (project / "src/a.js").read_bytes(), (project / "src/b.js").read_bytes()
    swap = ChangeSet(
        (
            FileChange("src/a.js", a.decode(), content_hash(a), "src/b.js"),
            FileChange("src/b.js", b.decode(), content_hash(b), "src/a.js"),
        )
    )
    apply_changeset(project, swap, run_id="swap")
    assert (project / "src/a.js").read_bytes() == b
    assert (project / "src/b.js").read_bytes() == a


def test_only_applies_the_chosen_files(project: Path) -> None:
    result = apply_changeset(project, full_set(project), run_id="r", only=["src/a.js", "src/b.ts"])
    assert result.written == ("src/a.js", "src/b.ts")
    assert set(result.skipped) == {"src/lib/c.js", "src/types/new.d.ts", "bin/run.sh"}
    assert (project / "src/lib/c.js").exists()
    assert not (project / "src/types").exists()


def test_same_run_cannot_apply_twice(project: Path) -> None:
    apply_changeset(project, full_set(project), run_id="r")
    with pytest.raises(ApplyError, match="already has a journal"):
        apply_changeset(project, ChangeSet((FileChange("z.js", "1", None),)), run_id="r")


KILLER = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from reliability.test_apply_atomic import full_set
from kimi_code.edits.apply import apply_changeset
from kimi_code.edits.journal import AtomicFileOps

class Killer(AtomicFileOps):
    n = 0
    def write(self, path, data, mode):
        self.tick(); super().write(path, data, mode)
    def remove(self, path):
        self.tick(); super().remove(path)
    def tick(self):
        Killer.n += 1
        if Killer.n == {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)

root = Path(sys.argv[1])
apply_changeset(root, full_set(root), run_id="killed", ops=Killer())
"""


@pytest.mark.parametrize("kill_at", [1, 3, 6])
@pytest.mark.parametrize("forward", [False, True])
def test_kill_during_apply_then_recover(
    project: Path, tmp_path: Path, kill_at: int, forward: bool
) -> None:
    expected_after = applied_copy(project, tmp_path)
    before = snapshot(project)
    script = KILLER.format(tests=str(Path(__file__).parents[1]), kill_at=kill_at)
    done = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    assert JournalStore(project).load("killed").state == "applying"
    with pytest.raises(ApplyError, match="killed was interrupted.*kimi-code recover"):
        apply_changeset(project, ChangeSet((FileChange("z.js", "1", None),)), run_id="next")
    state = "applied" if forward else "rolled_back"
    assert recover(project, forward=forward) == [("killed", state)]
    assert diff(expected_after if forward else before, snapshot(project)) == []
    assert recover(project) == []
