"""The run API's safety rules: project-level errors, dirty trees, partial apply by choice,
interrupted applies, resume without a saved plan, and the CLI's exit code on cancel."""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from swarmkit import WEAK, Runner, ShoutRecipe, js_files, make_tree, snapshot

from kimi_code.cli.main import main
from kimi_code.cli.refactor_cmd import finish
from kimi_code.edits.gitstate import DirtyWorkspaceError
from kimi_code.edits.journal import JournalStore
from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.errors import StaleWriteError, UserInputError
from kimi_code.llm.scripted import ScriptedBackend, Turn
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.model.events import AgentState
from kimi_code.recipes import base
from kimi_code.swarm.api import RunHandle, apply_report, resume_run
from kimi_code.swarm.view import AgentView, SharedVersion

BAD = "function bad() { return 'err'; }\n"


def _git(root: Path, *args: str) -> None:
    ident = ["-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", *ident, *args], cwd=root, check=True, capture_output=True)


def _fixed_verdict(*diags: base.Diagnostic) -> Any:
    async def verify(workspace: base.Workspace, index: Any) -> base.Verification:
        return base.Verification(
            ok=False,
            errors_before=0,
            errors_after=len(diags),
            diagnostics=diags,
            tests_after=base.TestOutcome("true", 1, 0, True),
            summary=f"{len(diags)} errors",
        )

    return verify


async def test_project_level_diagnostics_are_named_not_a_sandbox_error(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    recipe.verify = _fixed_verdict(  # type: ignore[method-assign]
        base.Diagnostic("tsconfig.json", 1, 8, "TS1005", "':' expected."),
        base.Diagnostic("", 0, 0, "TS5083", "Cannot read file 'tsconfig.base.json'."),
    )
    report = await runner.run(js_files(3), dry_run=False, apply_only_verified=True)
    assert report.status == "not_applied" and not report.applied
    assert "project-level errors no agent can fix" in report.reason
    assert "tsconfig.json:1:8 TS1005" in report.reason
    assert "(project) TS5083 Cannot read file" in report.reason
    assert report.fixup_rounds == 0  # nobody owns these: no fix-up round is started
    assert snapshot(runner.root) == js_files(3)


async def test_dirty_git_files_refuse_the_run_unless_allowed(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    files = js_files(3)
    make_tree(runner.root, files)
    _git(runner.root, "init", "-q")
    _git(runner.root, "add", "-A")
    _git(runner.root, "commit", "-qm", "init")
    (runner.root / "src/m01.js").write_text("function f1(a, b) { return a - b; }\n")
    with pytest.raises(DirtyWorkspaceError, match=r"src/m01\.js"):
        await runner.run({}, dry_run=False)
    assert (runner.root / "src/m01.js").exists() and not (runner.root / "src/m01.ts").exists()
    report = await runner.run({}, dry_run=False, allow_dirty=True)
    assert report.applied and (runner.root / "src/m01.ts").read_text().startswith("FUNCTION F1")


async def test_only_verified_applies_the_files_that_verified(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    files = {**js_files(3), "src/bad.js": BAD}
    recipe.fixup_steps = lambda files, diags: []  # type: ignore[method-assign]
    report = await runner.run(files, dry_run=False, apply_only_verified=True)
    assert report.status == "applied" and report.applied
    assert "applied only the 3 file(s) that verified" in report.reason
    assert report.only == ("src/m00.js", "src/m01.js", "src/m02.js")
    disk = snapshot(runner.root)
    assert sorted(disk) == ["src/bad.js", "src/m00.ts", "src/m01.ts", "src/m02.ts"]
    assert disk["src/bad.js"] == BAD
    bad = next(f for f in report.files if f.path == "src/bad.js")
    assert bad.status == "failed" and "error(s) left" in bad.reason
    assert report.to_json()["only_verified"] == list(report.only)


async def test_only_verified_waits_for_confirmation_then_applies_the_subset(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    files = {**js_files(2), "src/bad.js": BAD}
    recipe.fixup_steps = lambda files, diags: []  # type: ignore[method-assign]
    report = await runner.run(files, dry_run=False, apply=False, apply_only_verified=True)
    assert report.status == "ready" and not report.applied
    assert [c.path for c in report.changeset.changes] == ["src/m00.js", "src/m01.js"]
    assert snapshot(runner.root) == files
    applied = apply_report(report)
    assert applied.applied and "2 file(s)" in applied.reason
    assert sorted(snapshot(runner.root)) == ["src/bad.js", "src/m00.ts", "src/m01.ts"]


async def test_without_the_choice_a_failed_verification_applies_nothing(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    files = {**js_files(2), "src/bad.js": BAD}
    recipe.fixup_steps = lambda files, diags: []  # type: ignore[method-assign]
    report = await runner.run(files, dry_run=False, apply=False)
    assert report.status == "not_applied" and report.only is None
    with pytest.raises(UserInputError, match="cannot be applied"):
        apply_report(report)
    assert snapshot(runner.root) == files


def test_cli_only_verified_flag(tmp_path: Path, recipe: ShoutRecipe, fake_backend: None) -> None:
    files = {**js_files(2), "src/bad.js": BAD}
    recipe.fixup_steps = lambda files, diags: []  # type: ignore[method-assign]
    make_tree(tmp_path, files)
    assert main(["refactor", "shout", str(tmp_path), "--yes", "--json"]) == 1
    assert snapshot(tmp_path) == files
    assert main(["refactor", "shout", str(tmp_path), "--yes", "--json", "--only-verified"]) == 0
    assert sorted(snapshot(tmp_path)) == ["src/bad.js", "src/m00.ts", "src/m01.ts"]


async def test_an_interrupted_apply_refuses_new_runs_until_recovered(
    runner: Runner, recipe: ShoutRecipe, capsys: pytest.CaptureFixture[str]
) -> None:
    first = await runner.run(js_files(2), dry_run=False)
    store = JournalStore(runner.root.resolve())
    journal = next(j for j in store.all() if j.run_id == first.run_id)
    store.save(journal.with_state("applying"))  # as if killed while writing files
    make_tree(runner.root, {"src/x.js": "function x(a) { return a; }\n"})
    with pytest.raises(UserInputError, match=r"kimi-code recover") as caught:
        await runner.run({}, dry_run=True)
    assert first.run_id in str(caught.value)
    assert main(["recover", "-C", str(runner.root)]) == 0
    assert (await runner.run({}, dry_run=True)).status == "ready"


async def test_resume_without_a_saved_plan_plans_again(runner: Runner, recipe: ShoutRecipe) -> None:
    recipe.delay = 0.01
    first = await runner.run(js_files(4), dry_run=False, apply=False)
    run_dir = runner.root / ".kimi" / "runs" / first.run_id
    for name in ("plan.json", "report.json"):
        (run_dir / name).unlink()
    for saved in (run_dir / "agents").glob("*.json"):
        saved.unlink()
    (run_dir / "state.json").write_text(json.dumps({"state": "running"}))  # killed early
    backend = ScriptedBackend(lambda m: Turn(), info=WEAK)
    handle = await resume_run(runner.root, first.run_id, on_event=runner.on_event, backend=backend)
    report = await handle.wait()
    assert report.status == "ready" and len(report.changeset.changes) == 4
    assert (run_dir / "plan.json").is_file()
    assert any("planning again" in e.message for e in runner.events)


async def test_cli_exits_130_and_says_so_on_a_cancelled_run(
    runner: Runner, recipe: ShoutRecipe, capsys: pytest.CaptureFixture[str]
) -> None:
    recipe.delay = 0.05
    pending: list[asyncio.Task[None]] = []

    async def cancel_after_first_agent(handle: RunHandle) -> None:
        await runner.wait_for(lambda e: e.state is AgentState.DONE and e.agent_id != "run")
        handle.cancel()

    async def starter(sink: Any) -> RunHandle:
        handle = await runner.start(js_files(6), max_agents=2, dry_run=False, apply=False)
        pending.append(asyncio.create_task(cancel_after_first_agent(handle)))
        return handle

    args = argparse.Namespace(json=True, events=False, yes=True, dry_run=False)
    assert await finish(starter, args) == 130
    await pending[0]
    out, err = capsys.readouterr()
    assert json.loads(out)["status"] == "cancelled"
    assert "run cancelled; nothing was applied" in err
    assert snapshot(runner.root) == js_files(6)


def test_agent_view_caches_reads_until_the_shared_workspace_moves(tmp_path: Path) -> None:
    make_tree(tmp_path, {"a.js": "one\n", "b.js": "two\n"})
    shared, version = StagedWorkspace(tmp_path), SharedVersion()
    view = AgentView(shared, "a001", version)
    assert view.read_text("b.js") == "two\n"
    (tmp_path / "b.js").write_text("changed on disk\n")
    assert view.read_text("b.js") == "two\n"  # one consistent snapshot per agent
    shared.stage(FileChange("b.js", "staged\n", content_hash("changed on disk\n")))
    version.bump()  # the coordinator committed another agent's work
    assert view.read_text("b.js") == "staged\n"
    with pytest.raises(StaleWriteError):  # the agent's base moved: its edit is refused
        view.stage(FileChange("b.js", "mine\n", content_hash("two\n")))


async def test_only_verified_applies_nothing_when_the_tests_regressed(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    async def verify(workspace: base.Workspace, index: Any) -> base.Verification:
        return base.Verification(
            ok=False,
            errors_before=0,
            errors_after=1,
            diagnostics=(base.Diagnostic("src/m00.ts", 1, 1, "TS2322", "bad"),),
            tests_before=base.TestOutcome("npm test", 3, 0, True),
            tests_after=base.TestOutcome("npm test", 2, 1, False),
            summary="tests failed after the change",
        )

    recipe.verify = verify  # type: ignore[method-assign]
    recipe.fixup_steps = lambda files, diags: []  # type: ignore[method-assign]
    report = await runner.run(js_files(3), dry_run=False, apply_only_verified=True)
    assert report.status == "not_applied" and not report.applied and report.only is None
    assert snapshot(runner.root) == js_files(3)


async def test_ctrl_c_during_the_apply_lets_it_finish_and_exits_0(
    runner: Runner,
    recipe: ShoutRecipe,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import signal
    import threading
    import time

    from kimi_code.cli import refactor_cmd

    writing = threading.Event()

    def slow_apply(report: Any) -> Any:
        writing.set()
        time.sleep(0.2)  # Ctrl-C lands while the files are being written
        return apply_report(report)

    monkeypatch.setattr(refactor_cmd, "apply_report", slow_apply)

    async def starter(sink: Any) -> RunHandle:
        return await runner.start(js_files(3), max_agents=2, dry_run=False, apply=False)

    args = argparse.Namespace(json=True, events=False, yes=True, dry_run=False)
    task = asyncio.create_task(finish(starter, args))
    await asyncio.to_thread(writing.wait, 30)
    task.cancel()  # a cancellation while the files are being written
    assert await task == 0
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # and Ctrl-C is ignored now
    assert json.loads(capsys.readouterr().out)["status"] == "applied"
    assert snapshot(runner.root) != js_files(3)
