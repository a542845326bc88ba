"""Swarm runs driven from the editor side: progress, applyEdit payload, cancel, stale (e2e)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from lsprotocol import types as lsp
from scripts_for_tests import FAIL_MARK, HEADER

pytestmark = pytest.mark.e2e


def js_files(session: Any) -> int:
    """How many .js files the test recipe renames in the workspace copy."""
    return sum(1 for p in session.root.rglob("*.js") if "node_modules" not in p.parts)


def _run_progress(session: Any) -> list[Any]:
    """The work-done progress of the (only) run, begin..end."""
    tokens = [t for t in session.client.progress_reports if t != "kimiCode/index"]
    assert len(tokens) == 1, tokens
    return session.client.progress_reports[tokens[0]]


def _changes(params: lsp.ApplyWorkspaceEditParams) -> tuple[list[Any], list[Any]]:
    doc_changes = params.edit.document_changes or []
    renames = [c for c in doc_changes if isinstance(c, lsp.RenameFile)]
    edits = [c for c in doc_changes if isinstance(c, lsp.TextDocumentEdit)]
    return renames, edits


async def test_run_streams_progress_and_sends_one_annotated_edit(start: Any) -> None:
    session = await start()
    run_id, finished = await session.run(recipe="to-ts-test", maxAgents=4)
    assert finished["state"] == "finished", finished
    assert finished["apply"]["applied"] is True
    # progress: begin (cancellable) -> reports -> end
    progress = _run_progress(session)
    assert isinstance(progress[0], lsp.WorkDoneProgressBegin) and progress[0].cancellable
    assert isinstance(progress[-1], lsp.WorkDoneProgressEnd)
    assert any(isinstance(p, lsp.WorkDoneProgressReport) for p in progress[1:-1])
    # one row per agent, each ending done, with tool calls counted
    agents = {e["agentId"] for e in session.agent_events if e["agentId"] != "run"}
    assert agents
    for agent in agents:
        states = [e["state"] for e in session.agent_events if e["agentId"] == agent]
        assert states[-1] == "done" and "tool_started" in states, (agent, states)
    assert all(e["runId"] == run_id for e in session.agent_events)
    # the edit: each .js file renamed to .ts, then its text edits, all annotated
    [params] = session.edits
    renames, edits = _changes(params)
    assert len(renames) == js_files(session) == len(edits) > 5
    assert {r.old_uri.replace(".js", ".ts") for r in renames} == {r.new_uri for r in renames}
    annotation = params.edit.change_annotations[renames[0].annotation_id]
    assert annotation.needs_confirmation is True
    money = next(e for e in edits if e.text_document.uri.endswith("src/money.ts"))
    assert money.edits[0].new_text == HEADER and money.edits[0].range.start.line == 0
    assert finished["report"]["run_id"] == run_id


async def test_client_without_resource_operations_gets_text_edits_and_a_reason(start: Any) -> None:
    session = await start(client_name="neovim@v0.6.1")
    _run_id, finished = await session.run(recipe="to-ts-test", maxAgents=2)
    skipped = finished["apply"]["skipped"]
    assert len(skipped) == js_files(session) and "rename" in skipped[0]["reason"]
    assert session.edits == []  # renames are all it had: nothing half-applied


async def test_cancel_mid_run_sends_no_edit(start: Any) -> None:
    session = await start(script="slow")
    result = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(
            command="kimiCode.swarmRefactor", arguments=[{"recipe": "to-ts-test", "maxAgents": 2}]
        )
    )
    run_id = result["runId"]
    await asyncio.wait_for(session.on_first_event.wait(), 30)
    runs = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="kimiCode.runs")
    )
    assert [r["state"] for r in runs] == ["running"]
    await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="kimiCode.cancel", arguments=[{"runId": run_id}])
    )
    finished = await asyncio.wait_for(session.finished_future(run_id), 30)
    assert finished["state"] == "cancelled"
    assert session.edits == []
    assert isinstance(_run_progress(session)[-1], lsp.WorkDoneProgressEnd)


async def test_cancel_from_the_progress_bar(start: Any) -> None:
    session = await start(script="slow")
    result = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(
            command="kimiCode.swarmRefactor", arguments=[{"recipe": "to-ts-test", "maxAgents": 2}]
        )
    )
    await asyncio.wait_for(session.on_first_event.wait(), 30)
    [token] = [t for t in session.client.progress_reports if t != "kimiCode/index"]
    session.client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token))
    finished = await asyncio.wait_for(session.finished_future(result["runId"]), 30)
    assert finished["state"] == "cancelled" and session.edits == []


def _apply_edits(text: str, edits: list[Any]) -> str:
    """Apply whole-line LSP text edits (ASCII text) the way an editor does."""
    lines = text.splitlines(keepends=True)

    def offset(pos: lsp.Position) -> int:
        return sum(len(line) for line in lines[: pos.line]) + pos.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def _edit_mid_run(session: Any, rel: str, new_text: str) -> tuple[str, dict[str, Any]]:
    """Start a slow run, change `rel` in the editor once agents work, wait for the end."""
    result = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(
            command="kimiCode.swarmRefactor", arguments=[{"recipe": "to-ts-test", "maxAgents": 4}]
        )
    )
    await asyncio.wait_for(session.on_first_event.wait(), 30)
    session.open(rel, text=new_text, version=7)
    run_id = result["runId"]
    return run_id, await asyncio.wait_for(session.finished_future(run_id), 60)


async def test_document_edited_mid_run_is_redone_on_the_new_text(start: Any) -> None:
    session = await start(script="slow")
    disk = (session.root / "src/money.js").read_text()
    new_text = "// edited in the editor mid-run\n" + disk.split("\n", 1)[1]
    _run_id, finished = await _edit_mid_run(session, "src/money.js", new_text)
    assert finished["state"] == "finished", finished
    assert finished["apply"]["stale"] == [] and finished["apply"]["redone"] == ["src/money.js"]
    [params] = session.edits
    renames, edits = _changes(params)
    assert len(renames) == js_files(session) == len(edits)
    [money] = [e for e in edits if e.text_document.uri.endswith("src/money.ts")]
    # the redone edit turns the editor's NEW text into the recipe's output: the user's edit
    # survives (an edit built from the old text would have reverted the first line)
    assert _apply_edits(new_text, money.edits) == HEADER + new_text
    assert [e.new_text for e in money.edits] == [HEADER]
    assert (session.root / "src/money.js").read_text() == disk  # the server never writes


async def test_document_whose_redo_fails_is_reported_not_overwritten(start: Any) -> None:
    session = await start(script="slow")
    new_text = (session.root / "src/money.js").read_text() + FAIL_MARK + "\n"
    _run_id, finished = await _edit_mid_run(session, "src/money.js", new_text)
    [stale] = finished["apply"]["stale"]
    assert stale["path"] == "src/money.js" and "redone on the current text, but" in stale["reason"]
    assert finished["apply"]["redone"] == []
    [params] = session.edits
    renames, edits = _changes(params)
    assert len(renames) == js_files(session) - 1
    assert not any(e.text_document.uri.endswith(("src/money.js", "src/money.ts")) for e in edits)
    assert not any(r.old_uri.endswith("src/money.js") for r in renames)


async def test_file_deleted_after_the_agent_read_it_is_reported(start: Any) -> None:
    session = await start(script="slow")
    result = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(
            command="kimiCode.swarmRefactor", arguments=[{"recipe": "to-ts-test", "maxAgents": 4}]
        )
    )
    run_id = result["runId"]
    while not any(e["state"] == "done" and e["file"] for e in session.agent_events):
        await asyncio.wait_for(session.client.wait_for_notification("kimiCode/agentProgress"), 30)
    gone = next(e["file"] for e in session.agent_events if e["state"] == "done" and e["file"])
    (session.root / gone).unlink()
    finished = await asyncio.wait_for(session.finished_future(run_id), 60)
    assert [(s["path"], "deleted" in s["reason"]) for s in finished["apply"]["stale"]] == [
        (gone, True)
    ]


async def test_rejected_edit_is_reported(start: Any) -> None:
    session = await start()
    session.apply_result = lambda _params: False
    _run_id, finished = await session.run(recipe="to-ts-test", maxAgents=4)
    assert finished["apply"]["applied"] is False and len(session.edits) == 1


@pytest.mark.slow
async def test_real_js_to_ts_recipe_sends_an_edit_only_when_verified(start: Any) -> None:
    session = await start()
    _run_id, finished = await session.run(wait_s=300, recipe="js-to-ts", maxAgents=4)
    report = finished["report"]
    renamed = {f["path"] for f in report["per_file"] if f.get("new_path")}
    assert renamed, report
    if report["status"] == "ready":
        [params] = session.edits
        renames, _edits = _changes(params)
        assert {r.old_uri.rsplit("/ws/", 1)[1] for r in renames} == renamed
    else:  # verification said no: the editor is never asked to apply a worse project
        assert session.edits == [] and finished["apply"]["applied"] is False


async def test_instruction_run_on_a_selection_plans_that_file(start: Any) -> None:
    session = await start()
    instruction = "On lines 1-3 of src/money.js: extract a helper. Change nothing else."
    paths = [session.uri("src/money.js")]
    _run_id, finished = await session.run(instruction=instruction, paths=paths, maxAgents=1)
    # the weak model makes no edit: the run ends "nothing to change", and no edit is sent
    assert finished["state"] == "not_applied" and "error" not in finished, finished
    assert finished["apply"]["failureReason"] == "nothing to change" and session.edits == []
    report = finished["report"]
    assert [f["path"] for f in report["per_file"]] == ["src/money.js"], report
    agents = {e["agentId"] for e in session.agent_events if e["agentId"] != "run"}
    assert len(agents) == 1


async def test_cancel_one_agent_leaves_its_file_alone(start: Any) -> None:
    session = await start(script="slow")
    result = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(
            command="kimiCode.swarmRefactor", arguments=[{"recipe": "to-ts-test", "maxAgents": 2}]
        )
    )
    run_id = result["runId"]
    while not any(e["state"] == "queued" for e in session.agent_events):
        await asyncio.wait_for(session.client.wait_for_notification("kimiCode/agentProgress"), 30)
    victim = next(e for e in session.agent_events if e["state"] == "queued")
    await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(
            command="kimiCode.cancel", arguments=[{"runId": run_id, "agentId": victim["agentId"]}]
        )
    )
    finished = await asyncio.wait_for(session.finished_future(run_id), 60)
    states = [e["state"] for e in session.agent_events if e["agentId"] == victim["agentId"]]
    assert states[-1] == "cancelled", states
    sent = {
        c.old_uri.rsplit("/ws/", 1)[1]
        for params in session.edits
        for c in params.edit.document_changes or []
        if isinstance(c, lsp.RenameFile)
    }
    assert victim["file"] not in sent and victim["file"] not in finished["apply"]["files"]


async def test_run_in_a_git_repo_with_unsaved_and_uncommitted_work(
    start: Any, workspace: Any
) -> None:
    """The editor applies into undoable buffers, so uncommitted files do not block a run."""
    import git

    repo = git.Repo.init(workspace)
    repo.git.add(A=True)
    repo.git.commit(m="init", author="t <t@t>")
    money = workspace / "src" / "money.js"
    money.write_text(money.read_text() + "\n// uncommitted\n")
    session = await start()
    _run_id, finished = await session.run(recipe="to-ts-test", maxAgents=4)
    assert finished["state"] == "finished", finished
    assert finished["apply"]["applied"] is True
    [params] = session.edits
    renames, _edits = _changes(params)
    assert any(r.old_uri.endswith("src/money.js") for r in renames)
