"""The `refactor`, `plan` and `resume` commands, in process, with the model backend faked."""

from __future__ import annotations

import asyncio
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from swarmkit import WEAK, Runner, ShoutRecipe, js_files, make_tree, snapshot

from kimi_code.cli.main import main
from kimi_code.cli.render import LiveBoard
from kimi_code.llm.scripted import ScriptedBackend, Turn
from kimi_code.model.events import AgentEvent, AgentState
from kimi_code.recipes import base


@pytest.fixture
def fake_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    import kimi_code.llm.config as config

    monkeypatch.setattr(
        config, "load_backend", lambda *a, **k: ScriptedBackend(lambda m: Turn(), info=WEAK)
    )


def test_refactor_dry_run_json_prints_the_summary_and_diff(
    tmp_path: Path, recipe: ShoutRecipe, fake_backend: None, capsys: pytest.CaptureFixture[str]
) -> None:
    files = js_files(6)
    make_tree(tmp_path, files)
    assert main(["refactor", "shout", str(tmp_path), "--dry-run", "--json", "--agents", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in (
        "recipe",
        "files",
        "converted",
        "failed",
        "tsc_errors_before",
        "tsc_errors_after",
        "any_count",
        "suppressions",
        "tests",
        "applied",
        "wall_seconds",
    ):
        assert key in data
    assert data["converted"] == 6 and data["applied"] is False and data["tests"] == "passed"
    assert "+++ b/src/m00.ts" in data["diff"]
    assert snapshot(tmp_path) == files


def test_refactor_yes_applies_outside_git(
    tmp_path: Path, recipe: ShoutRecipe, fake_backend: None, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, js_files(4))
    assert main(["refactor", "shout", str(tmp_path), "--yes", "--events"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[-1]["agent_id"] == "run" and lines[-1]["state"] == "done"
    assert sorted(snapshot(tmp_path)) == [f"src/m{i:02d}.ts" for i in range(4)]


def test_refactor_without_yes_and_no_terminal_applies_nothing(
    tmp_path: Path, recipe: ShoutRecipe, fake_backend: None
) -> None:
    files = js_files(4)
    make_tree(tmp_path, files)
    assert main(["refactor", "shout", str(tmp_path)]) == 0
    assert snapshot(tmp_path) == files


def test_the_summary_says_why_the_tests_did_not_run(
    tmp_path: Path,
    recipe: ShoutRecipe,
    fake_backend: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the project's test command could not run on the original (a program of it is not
    # installed, status 127), so it was not run on the result: the terminal says so
    verify = recipe.verify

    async def untested(workspace: Any, index: Any) -> base.Verification:
        missing = base.TestOutcome("kimi-no-such-runner test/", 0, 1, False, "", exit_code=127)
        return replace(await verify(workspace, index), tests_before=missing, tests_after=None)

    monkeypatch.setattr(recipe, "verify", untested)
    make_tree(tmp_path, js_files(2))
    assert main(["refactor", "shout", str(tmp_path), "--yes"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert (
        "verification: errors 0 -> 0; tests not run: `kimi-no-such-runner test/` exits 127 on "
        "the original project too (a program it runs is not installed)"
    ) in err


def test_unknown_recipe_lists_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["refactor", "nope", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown recipe 'nope'" in err and "js-to-ts" in err and "Traceback" not in err


def test_resume_of_an_unknown_run_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resume", "20990101-000000-beef", str(tmp_path)]) == 2
    assert "no saved run" in capsys.readouterr().err


def test_plan_json_uses_the_real_index(
    tmp_path: Path, recipe: ShoutRecipe, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(
        tmp_path,
        {
            "a.js": "const b = require('./b');\nmodule.exports = () => b();\n",
            "b.js": "module.exports = function b() { return 1; };\n",
            "c.js": "exports.c = 1;\n",
            "d.js": "exports.d = 2;\n",
        },
    )
    assert main(["plan", "shout", str(tmp_path), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    tasks = {t["files"][0]: t for t in plan["tasks"]}
    assert plan["mode"] == "swarm" and len(tasks) == 4
    assert tasks["a.js"]["depends_on"] == [tasks["b.js"]["id"]]


def test_live_board_shows_a_row_per_agent_and_progress() -> None:
    out = io.StringIO()
    board = LiveBoard(Console(file=out, width=120, force_terminal=False))
    with board:
        board(AgentEvent("r", "run", AgentState.RUNNING, message="2 tasks", extra={"tasks": 2}))
        board(AgentEvent("r", "a001", AgentState.TOOL_STARTED, file="x.js", tool="read_file"))
        board(AgentEvent("r", "a002", AgentState.DONE, file="y.js", tool_calls=3))
    text = out.getvalue()
    assert "a001" in text and "read_file" in text and "1/2 agents finished" in text


def test_recipe_runs_without_a_model_when_none_is_configured(
    tmp_path: Path,
    recipe: ShoutRecipe,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import kimi_code.llm.config as config
    from kimi_code.errors import ConfigError

    def missing(*args: object, **kwargs: object) -> None:
        raise ConfigError("llama-server not found")

    monkeypatch.setattr(config, "load_backend", missing)
    make_tree(tmp_path, js_files(4))
    assert main(["refactor", "shout", str(tmp_path), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backend"] == "none" and data["policy"] == "recipe" and data["converted"] == 4
    assert main(["refactor", "shout", str(tmp_path), "--policy", "model", "--json"]) == 2
    assert "llama-server not found" in capsys.readouterr().err


def test_json_mode_reports_a_failed_run_as_one_object(
    tmp_path: Path, recipe: ShoutRecipe, fake_backend: None, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, {**js_files(2), "src/notes.txt": "not code\n"})
    assert main(["refactor", "shout", str(tmp_path / "src" / "notes.txt"), "--json"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out) == {
        "error": "UserInputError: notes.txt: not a file or folder of the indexed workspace",
        "applied": False,
    }
    assert "notes.txt" in err and "Traceback" not in err
    assert main(["refactor", "free", str(tmp_path), "--json"]) == 2
    assert "needs --instruction" in capsys.readouterr().err


async def test_resume_command_finishes_a_cancelled_run(
    runner: Runner, recipe: ShoutRecipe, fake_backend: None, capsys: pytest.CaptureFixture[str]
) -> None:
    recipe.delay = 0.03
    handle = await runner.start(js_files(6), max_agents=2, dry_run=False)
    await runner.wait_for(lambda e: e.state is AgentState.DONE and e.agent_id != "run", 2)
    handle.cancel()
    first = await handle.wait()
    assert first.status == "cancelled"
    code = await asyncio.to_thread(
        main, ["resume", first.run_id, str(runner.root), "--yes", "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["applied"] and data["run_id"] == first.run_id and data["converted"] == 6
    assert sorted(snapshot(runner.root)) == [f"src/m{i:02d}.ts" for i in range(6)]
