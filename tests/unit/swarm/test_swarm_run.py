"""The run API over a test recipe: parallelism, apply, budgets, timeouts, stale writes."""

from __future__ import annotations

import json

import pytest
from swarmkit import Runner, ShoutRecipe, js_files, snapshot

from kimi_code.errors import UserInputError
from kimi_code.llm.scripted import ScriptedBackend, Turn
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.model.events import AgentState


async def test_parallel_completion_stages_everything_and_writes_nothing(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    recipe.delay = 0.02
    files = js_files(20)
    report = await runner.run(files, max_agents=8)
    assert report.mode == "swarm" and report.policy == "recipe"
    assert report.status == "ready" and not report.applied
    assert [f.status for f in report.files] == ["converted"] * 20
    assert {c.target for c in report.changeset.changes} == {p[:-3] + ".ts" for p in files}
    assert 1 < recipe.peak <= 8
    assert report.tool_calls == 40
    assert snapshot(runner.root) == files  # dry run: disk untouched
    assert "+FUNCTION F3(A, B)" in report.diff()
    assert runner.states("a001")[-1] == "done"
    assert runner.events[-1].agent_id == "run" and runner.events[-1].state is AgentState.DONE


async def test_apply_writes_renamed_files_and_saves_run_state(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    report = await runner.run(js_files(5), dry_run=False)
    assert report.applied and report.status == "applied"
    disk = snapshot(runner.root)
    assert sorted(disk) == [f"src/m{i:02d}.ts" for i in range(5)]
    assert disk["src/m00.ts"].startswith("FUNCTION F0")
    state_dir = runner.root / ".kimi" / "runs" / report.run_id
    assert json.loads((state_dir / "state.json").read_text()) == {"applied": True, "state": "done"}
    assert len(list((state_dir / "agents").glob("*.json"))) == 5
    summary = report.to_json()
    assert summary["converted"] == 5 and summary["tests"] == "passed"
    assert summary["tsc_errors_after"] == 0 and summary["any_count"] == 0


async def test_single_agent_mode_for_a_trivial_plan(runner: Runner, recipe: ShoutRecipe) -> None:
    report = await runner.run(js_files(2), max_agents=8)
    assert report.mode == "single" and "2 files" in report.mode_reason
    assert {f.agent_id for f in report.files} == {"a001"}
    assert [f.status for f in report.files] == ["converted", "converted"]


async def test_tool_call_budget_stops_agents_and_is_reported(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    report = await runner.run(js_files(10), max_agents=2, max_tool_calls=7)
    assert report.tool_calls == 7
    failed = [f for f in report.files if f.status == "failed"]
    assert failed and all("tool-call budget of 7 spent" in f.reason for f in failed)
    assert sum(f.status == "converted" for f in report.files) == 3
    assert report.budgets["max_tool_calls"] == 7


async def test_agent_timeout_fails_only_that_agent(runner: Runner, recipe: ShoutRecipe) -> None:
    recipe.slow = {"src/m03.js"}
    report = await runner.run(js_files(6), agent_timeout=0.3)
    by_path = {f.path: f for f in report.files}
    assert by_path["src/m03.js"].status == "failed"
    assert "timed out after 0.3s" in by_path["src/m03.js"].reason
    assert sum(f.status == "converted" for f in report.files) == 5
    assert "src/m03.js" not in report.changeset.paths()


async def test_stale_write_on_disk_is_refused(runner: Runner, recipe: ShoutRecipe) -> None:
    files = {**js_files(4), "src/stale.js": "function s() {}\n"}
    report = await runner.run(files)
    by_path = {f.path: f for f in report.files}
    assert by_path["src/stale.js"].status == "failed"
    assert "changed" in by_path["src/stale.js"].reason
    assert "src/stale.js" not in report.changeset.paths()
    assert sum(f.status == "converted" for f in report.files) == 4


async def test_failing_verification_is_fixed_up_by_the_owner(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    files = {**js_files(4), "src/bad.js": "function bad() { return 'err'; }\n"}
    report = await runner.run(files)
    assert report.fixup_rounds == 1
    assert report.verification is not None and report.verification.ok
    fixed = next(c for c in report.changeset.changes if c.path == "src/bad.js")
    assert "'OK'" in (fixed.new_text or "") and fixed.new_path == "src/bad.ts"


async def test_unfixable_verification_applies_nothing(runner: Runner, recipe: ShoutRecipe) -> None:
    files = {**js_files(4), "src/bad.js": "function bad() { return 'err'; }\n"}
    recipe.fixup_steps = lambda files, diags: []  # type: ignore[method-assign]
    report = await runner.run(files, dry_run=False)
    assert report.status == "not_applied" and not report.applied
    assert "verification failed" in report.reason
    assert snapshot(runner.root) == files


async def test_recipe_step_failure_fails_the_agent_with_the_reason(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    files = {**js_files(4), "src/x.js": "FAIL\n"}
    report = await runner.run(files)
    failed = {f.path: f.reason for f in report.files if f.status == "failed"}
    assert list(failed) == ["src/x.js"] and "cannot shout" in failed["src/x.js"]


async def test_wall_time_budget_stops_the_agents(runner: Runner, recipe: ShoutRecipe) -> None:
    recipe.delay = 5.0
    report = await runner.run(js_files(4), wall_seconds=0.2)
    assert all(f.status == "failed" for f in report.files)
    assert all("wall-time budget of 0.2s spent" in f.reason for f in report.files)
    assert report.wall_seconds < 3


async def test_token_budget_stops_model_calls(runner: Runner, recipe: ShoutRecipe) -> None:
    chatty = ScriptedBackend(lambda m: Turn(tool_calls=(("search_symbols", {"query": "f"}),)))
    report = await runner.run(js_files(4), chatty, max_tokens=60, policy="model", max_agents=1)
    reasons = {f.reason for f in report.files}
    assert reasons == {"token budget of 60 spent"}
    assert 60 <= report.tokens < 60 + 15


async def test_a_failed_run_is_recorded_and_raises(runner: Runner, recipe: ShoutRecipe) -> None:
    handle = await runner.start(js_files(4), paths=("nope/",))
    with pytest.raises(UserInputError, match="nope"):
        await handle.wait()
    state = json.loads((runner.root / ".kimi/runs" / handle.run_id / "state.json").read_text())
    assert state["state"] == "failed"
    assert runner.events[-1].state is AgentState.FAILED


async def test_report_diff_survives_the_apply(runner: Runner, recipe: ShoutRecipe) -> None:
    report = await runner.run(js_files(4), dry_run=False)
    assert report.applied
    assert "-function f1(a, b)" in report.diff() and "+FUNCTION F1(A, B)" in report.diff()


async def test_edits_to_other_agents_files_go_through_the_coordinator(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    # one agent at a time, in id order: a001 edits a005's file before a005 starts (staged at
    # once, so a005 works on it); a005 edits a001's renamed file after a001 finished (merged)
    recipe.touch = {"src/m00.js": "src/m04.js", "src/m04.js": "src/m00.ts"}
    report = await runner.run(js_files(5), max_agents=1)
    assert [f.status for f in report.files] == ["converted"] * 5
    texts = {c.target: c.new_text or "" for c in report.changeset.changes}
    assert texts["src/m04.ts"].endswith("// TOUCHED BY SRC/M00.JS\n")
    assert texts["src/m00.ts"].endswith("// touched by src/m04.js\n")
    assert texts["src/m00.ts"].startswith("FUNCTION F0")


async def test_conclude_changes_unowned_files_after_the_agents_and_before_verification(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    seen: list[tuple[int, int]] = []

    async def conclude(workspace: object) -> list[FileChange]:
        seen.append((sum(recipe.calls.values()), recipe.verify_calls))
        old = workspace.read_text("types/notes.d.ts")  # type: ignore[attr-defined]
        return [FileChange("types/notes.d.ts", old + "// concluded\n", content_hash(old))]

    recipe.conclude = conclude  # type: ignore[attr-defined]
    files = {**js_files(4), "types/notes.d.ts": "declare const notes: string;\n"}
    report = await runner.run(files, max_agents=2)
    assert seen == [(4, 0)]  # once, every file converted, nothing verified yet
    assert report.status == "ready" and recipe.verify_calls == 1
    changed = {c.path: c.new_text for c in report.changeset.changes}
    assert changed["types/notes.d.ts"] == "declare const notes: string;\n// concluded\n"


async def test_polish_round_runs_once_every_agent_is_done_and_before_verification(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    seen: list[tuple[str, int, int]] = []

    def polish_steps(files: list[str]) -> list[tuple[str, dict[str, object]]]:
        return [("fix", {"path": f}) for f in files]

    async def fix(ctx: object, args: dict[str, object]) -> object:
        # every file is shouted (renamed) before the first polish call; nothing is verified yet
        seen.append((str(args["path"]), sum(recipe.calls.values()), recipe.verify_calls))
        return await original(ctx, args)  # type: ignore[arg-type]

    original = recipe._fix
    recipe._fix = fix  # type: ignore[method-assign,assignment]
    recipe.polish_steps = polish_steps  # type: ignore[attr-defined]
    files = {f"src/m{i:02d}.js": f"const x{i} = 'ERR';\n" for i in range(6)}
    report = await runner.run(files, max_agents=3)
    assert sorted(p for p, _, _ in seen) == sorted(files)
    assert all(shouted == 6 and verified == 0 for _, shouted, verified in seen)
    assert report.status == "ready" and report.fixup_rounds == 0  # polish removed every ERR
    assert report.tool_calls == 6 * 3
    assert recipe.verify_calls == 1
