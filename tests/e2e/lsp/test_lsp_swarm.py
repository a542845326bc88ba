"""Swarm runs driven from the editor side: progress, applyEdit payload, cancel, stale (e2e)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from lsprotocol import types as lsp
from scripts_for_tests import HEADER

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


async def test_document_edited_in_the_editor_is_reported_not_overwritten(start: Any) -> None:
    session = await start()
    original = (session.root / "src/money.js").read_text()
    session.open("src/money.js", text=original + "// unsaved edit\n", version=7)
    _run_id, finished = await session.run(recipe="to-ts-test", maxAgents=4)
    assert [s["path"] for s in finished["apply"]["stale"]] == ["src/money.js"]
    [params] = session.edits
    renames, edits = _changes(params)
    assert len(renames) == js_files(session) - 1
    assert not any(e.text_document.uri.endswith(("src/money.js", "src/money.ts")) for e in edits)
    assert not any(r.old_uri.endswith("src/money.js") for r in renames)


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
