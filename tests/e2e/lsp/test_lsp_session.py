"""The server's life with an editor: initialize, index progress, bad requests (e2e)."""

from __future__ import annotations

import ast
import asyncio
from typing import Any

import pytest
from lsprotocol import types as lsp

pytestmark = pytest.mark.e2e


async def _index_end(session: Any) -> lsp.WorkDoneProgressEnd:
    """Wait until the index progress ends (waits on the notification, not on time)."""
    reports = session.client.progress_reports
    while not (
        reports.get("kimiCode/index")
        and isinstance(reports["kimiCode/index"][-1], lsp.WorkDoneProgressEnd)
    ):
        await session.client.wait_for_notification(lsp.PROGRESS)
    return reports["kimiCode/index"][-1]


async def test_initialize_announces_commands_and_indexes_with_progress(start: Any) -> None:
    session = await start()
    caps = session.init.capabilities
    commands = set(caps.execute_command_provider.commands)
    assert {
        "kimiCode.swarmRefactor",
        "kimiCode.cancel",
        "kimiCode.recipes",
        "kimiCode.runs",
    } <= commands
    assert caps.code_action_provider is not None
    end = await asyncio.wait_for(_index_end(session), 60)
    begin, *reports, _end = session.client.progress_reports["kimiCode/index"]
    assert isinstance(begin, lsp.WorkDoneProgressBegin)
    assert end.message and end.message.startswith("indexed "), end.message
    # reports carry file counts: 0/N first, N/N last, percentages never go back
    assert all(isinstance(r, lsp.WorkDoneProgressReport) for r in reports)
    total = sum(1 for p in session.root.rglob("*.js") if "node_modules" not in p.parts)
    counts = [r.message for r in reports if r.message and r.message.endswith(" files")]
    assert counts[0].startswith("0/") and int(counts[0].split("/")[1].split()[0]) >= total
    done, of = counts[-1].split()[0].split("/")
    assert done == of and int(done) >= total and reports[-1].percentage == 100
    percentages = [r.percentage for r in reports]
    assert percentages == sorted(percentages)
    assert end.message == f"indexed {done} files in {end.message.split(' in ')[1]}"
    stats = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="kimiCode.index")
    )
    assert stats["ready"] and stats["files"] >= 10


async def test_malformed_requests_get_errors_and_the_server_lives(start: Any) -> None:
    session = await start()
    bad = [
        ["not an object"],
        [{"recipe": 42}],
        [{"instruction": "  "}],
        [{"recipe": "js-to-ts", "paths": ["file:///etc/passwd"]}],
        [{"recipe": "js-to-ts", "maxAgents": 1000}],
    ]
    for arguments in bad:
        with pytest.raises(Exception) as info:
            await session.client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="kimiCode.swarmRefactor", arguments=arguments)
            )
        assert "Traceback" not in str(info.value)
    with pytest.raises(Exception, match="no run"):
        await session.client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="kimiCode.cancel", arguments=[{"runId": "nope"}])
        )
    runs = await session.client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="kimiCode.runs")
    )
    assert runs == []


async def test_code_actions_on_a_selection(start: Any) -> None:
    session = await start()
    session.open("src/money.js")
    actions = await session.client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=session.uri("src/money.js")),
            range=lsp.Range(
                start=lsp.Position(line=0, character=0), end=lsp.Position(line=3, character=0)
            ),
            context=lsp.CodeActionContext(diagnostics=[]),
        )
    )
    # lsprotocol's client-side hook turns any CodeAction that has a `command` into a
    # Command whose `command` is the repr of the wire object; read that back.
    wire = [ast.literal_eval(a.command) for a in actions]
    assert [a.title for a in actions] == [
        "Kimi: Add types to selection",
        "Kimi: Refactor selection…",
        "Kimi: Convert this file to TypeScript",
    ]
    add_types, refactor, convert = wire
    assert convert["command"] == "kimiCode.swarmRefactor"
    assert convert["arguments"][0]["recipe"] == "js-to-ts"
    assert "lines 1-3" in add_types["arguments"][0]["instruction"]
    assert refactor["command"] == "kimiCode.palette.refactorSelection"


async def test_no_code_actions_outside_code_files(start: Any) -> None:
    session = await start()
    actions = await session.client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=session.uri("package.json")),
            range=lsp.Range(
                start=lsp.Position(line=0, character=0), end=lsp.Position(line=1, character=0)
            ),
            context=lsp.CodeActionContext(diagnostics=[]),
        )
    )
    assert actions is None
