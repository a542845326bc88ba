"""The model-driven loop against misbehaving models, and the generic tools' checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from swarmkit import Runner, ShoutRecipe, js_files, make_tree

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.llm.scripted import ScriptedBackend, Turn, first_user_text, sequence_script
from kimi_code.llm.types import Message
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes.base import ToolContext
from kimi_code.swarm.tools import propose_edit, read_file
from kimi_code.swarm.view import AgentView, merge3

ONE = {"src/a.js": "function a(x) { return x; }\n"}


def scripted(*turns: Turn) -> ScriptedBackend:
    return ScriptedBackend(sequence_script(lambda task: list(turns)))


async def outcome(runner: Runner, *turns: Turn, **fields: object) -> tuple[str, str]:
    report = await runner.run(ONE, scripted(*turns), policy="model", **fields)
    return report.files[0].status, report.files[0].reason


async def test_malformed_arguments_and_invented_tools_are_answered_not_fatal(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    status, _ = await outcome(
        runner,
        Turn(tool_calls=(("read_file", '{"path": "src/a.js"'),)),  # truncated JSON
        Turn(tool_calls=(("rewrite_everything", {}),)),  # no such tool
        Turn(tool_calls=(("read_file", {"path": "src/a.js"}),)),
        Turn(tool_calls=(("propose_edit", {"path": "src/a.js", "content": "// ok\\n"}),)),
        Turn(tool_calls=(("done", {"summary": "ok"}),)),
    )
    assert status == "converted"
    tool_messages = [m for m in runner.events if m.state.value == "tool_finished" and m.message]
    assert any("not valid JSON" in e.message for e in tool_messages)
    assert any("unknown tool 'rewrite_everything'" in e.message for e in tool_messages)


async def test_empty_answers_are_nudged_then_fail(runner: Runner, recipe: ShoutRecipe) -> None:
    status, reason = await outcome(runner, Turn(content=""), Turn(content=" "), Turn(content=""))
    assert status == "failed" and "3 empty answers without calling a tool" in reason


async def test_nudge_recovers_a_model_that_forgot_to_call_a_tool(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    chatty = Turn(content="I think I am done.")
    status, _ = await outcome(runner, chatty, Turn(tool_calls=(("done", {}),)))
    assert status == "unchanged"


async def test_endless_loop_is_stopped(runner: Runner, recipe: ShoutRecipe) -> None:
    loop = Turn(tool_calls=(("read_file", {"path": "src/a.js"}),))
    status, reason = await outcome(runner, *[loop] * 10)
    assert status == "failed" and "stuck in a loop" in reason


async def test_consecutive_failing_calls_are_bounded(runner: Runner, recipe: ShoutRecipe) -> None:
    bad = [Turn(tool_calls=(("nope", {"i": i}),)) for i in range(10)]
    status, reason = await outcome(runner, *bad)
    assert status == "failed" and "6 failing tool calls in a row" in reason


async def test_turn_limit_is_bounded_per_agent(runner: Runner, recipe: ShoutRecipe) -> None:
    reads = [Turn(tool_calls=(("search_symbols", {"query": f"q{i}"}),)) for i in range(60)]
    status, reason = await outcome(runner, *reads)
    assert status == "failed" and "turn limit of 40" in reason


async def test_model_policy_in_parallel_edits_files(runner: Runner, recipe: ShoutRecipe) -> None:
    def turns(task: str) -> list[Turn]:
        path = task.split("Files you own:\n- ")[1].split("\n")[0]
        swap = {"path": path, "search": "a + b", "replace": "b + a"}
        refs = {"path": path, "name": "f1"}
        return [
            Turn(tool_calls=(("read_file", {"path": path}), ("find_references", refs))),
            Turn(tool_calls=(("propose_edit", swap),)),
            Turn(tool_calls=(("done", {"summary": "swapped"}),)),
        ]

    report = await runner.run(js_files(10), ScriptedBackend(sequence_script(turns)), policy="model")
    assert report.policy == "model" and report.tool_calls == 40
    assert all("return b + a" in (c.new_text or "") for c in report.changeset.changes)
    assert len(report.changeset.changes) == 10


def _ctx(tmp_path: Path) -> tuple[ToolContext, AgentView]:
    make_tree(tmp_path, ONE)
    view = AgentView(StagedWorkspace(tmp_path), "a001")
    return ToolContext(view, None, None, "a001", ("src/a.js",)), view


async def test_propose_edit_refuses_unread_and_stale_files(tmp_path: Path) -> None:
    ctx, view = _ctx(tmp_path)
    unread = await propose_edit(ctx, {"path": "src/a.js", "content": "x"})
    assert not unread.ok and "read the file before editing" in unread.content
    await read_file(ctx, {"path": "src/a.js"})
    text = view.read_text("src/a.js")
    view.stage(FileChange("src/a.js", "changed meanwhile\n", content_hash(text)))
    stale = await propose_edit(ctx, {"path": "src/a.js", "search": "x", "replace": "y"})
    assert not stale.ok and "stale write refused" in stale.content


async def test_propose_edit_needs_a_unique_search(tmp_path: Path) -> None:
    ctx, _ = _ctx(tmp_path)
    await read_file(ctx, {"path": "src/a.js", "start_line": 1, "end_line": 1})
    with pytest.raises(Exception, match="occurs 2 times"):
        await propose_edit(ctx, {"path": "src/a.js", "search": "x", "replace": "y"})


async def test_sandbox_refuses_paths_outside_the_workspace(tmp_path: Path) -> None:
    ctx, _ = _ctx(tmp_path)
    with pytest.raises(Exception, match="outside"):
        await read_file(ctx, {"path": "../etc/passwd"})


def test_merge3_combines_disjoint_edits_and_detects_conflicts() -> None:
    base = "a\nb\nc\nd\n"
    assert merge3(base, "A\nb\nc\nd\n", "a\nb\nc\nD\n") == "A\nb\nc\nD\n"
    assert merge3(base, "a\nB\nc\nd\n", "a\nX\nc\nd\n") is None
    assert merge3(base, base, "z\n") == "z\n"


async def test_model_fixup_round_sees_renamed_files(runner: Runner, recipe: ShoutRecipe) -> None:
    files = {"src/ok.js": "fine\n", "src/bad.js": "err\n", "src/c.js": "c\n", "src/d.js": "d\n"}

    def turns(task: str) -> list[Turn]:
        path = task.split("Files you own:\n- ")[1].split("\n")[0]
        if "Fix these errors" in task:
            assert path == "src/bad.ts (was src/bad.js)"
            fix = {"path": "src/bad.ts", "search": "ERR", "replace": "OK"}
            return [
                Turn(tool_calls=(("read_file", {"path": "src/bad.ts"}),)),
                Turn(tool_calls=(("propose_edit", fix), ("done", {"summary": "fixed"}))),
            ]
        return [Turn(tool_calls=(("shout", {"path": path}), ("done", {})))]

    report = await runner.run(files, ScriptedBackend(sequence_script(turns)), policy="model")
    assert report.fixup_rounds == 1 and report.verification and report.verification.ok
    bad = next(c for c in report.changeset.changes if c.path == "src/bad.js")
    assert bad.new_text == "OK\n" and bad.new_path == "src/bad.ts"


async def test_free_form_instruction_is_planned_by_the_model_then_run(runner: Runner) -> None:
    picks = {"files": [{"path": "src/m01.js", "task": "swap"}, {"path": "src/m03.js", "task": "x"}]}

    def script(messages: list[Message]) -> Turn:
        task = first_user_text(messages)
        if task.startswith("You plan a change"):
            return Turn(content=json.dumps(picks))
        owned = task.split("Files you own:\n")[1].split("\n\n")[0].split("\n")
        calls: list[tuple[str, dict[str, object]]] = []
        for line in owned:  # one agent owns both files (single mode)
            path = line.removeprefix("- ")
            swap = {"path": path, "search": "a + b", "replace": "b + a"}
            calls += [("read_file", {"path": path}), ("propose_edit", swap)]
        step = sum(m.role == "assistant" for m in messages)
        return Turn(tool_calls=(([*calls, ("done", {})])[step],))

    report = await runner.run(
        js_files(5), ScriptedBackend(script), recipe=None, instruction="swap the operands"
    )
    assert report.policy == "model" and report.mode == "single"
    assert sorted(c.path for c in report.changeset.changes) == ["src/m01.js", "src/m03.js"]
    assert report.verification is None and report.status == "ready"


async def test_a_crashing_backend_fails_its_agents_not_the_run(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    def script(messages: list[Message]) -> Turn:
        if "m02" in first_user_text(messages):
            raise RuntimeError("boom")
        return Turn(tool_calls=(("done", {}),))

    report = await runner.run(js_files(5), ScriptedBackend(script), policy="model")
    failed = {f.path: f.reason for f in report.files if f.status == "failed"}
    assert failed == {"src/m02.js": "internal error: RuntimeError: boom"}
