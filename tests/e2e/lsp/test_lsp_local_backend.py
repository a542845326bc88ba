"""A swarm run through the language server with the bundled local backend (e2e, slow).

The server runs with no backend override (`--script none`), so it takes the product path:
settings -> model spec `local` -> `kimi_code.llm.config.load_backend` -> the managed
`llama-server` that `make setup` builds (`.build/llama/bin/llama-server`) serving the
default model under `.build/models/`. The js-to-ts recipe converts a copy of examples/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from kimi_code.engine.llama_server import find_server_binary

OUT = Path(__file__).resolve().parents[3] / "test-output" / "lsp"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        find_server_binary() is None,
        reason="llama-server not built: run `make setup` (builds .build/llama/bin/llama-server)",
    ),
]


async def test_js_to_ts_swarm_with_the_local_backend(start: Any) -> None:
    session = await start(script="none", settings={"backend": "local", "maxAgents": 4})
    run_id, finished = await session.run(wait_s=900, recipe="js-to-ts", maxAgents=4)
    report = finished["report"]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "local-backend-run.json").write_text(json.dumps(finished, indent=1, default=str))
    assert finished["state"] == "finished" and report["status"] == "ready", finished
    # the bundled engine is the run's backend (not a fallback) ...
    assert report["backend"].startswith("local"), report
    # ... and every file's model step ran: the recipe asks only a capable backend for types,
    # so the small bundled one is not asked (tokens 0, the engine never started)
    steps = {
        e["file"]
        for e in session.agent_events
        if e.get("tool") == "jsts_model_types" and e.get("state") == "tool_finished"
    }
    assert steps == {f["path"] for f in report["per_file"]}, (steps, report["per_file"])
    # the run's progress: begin (cancellable), reports with agent counts, end
    [token] = [t for t in session.client.progress_reports if t != "kimiCode/index"]
    begin, *reports, end = session.client.progress_reports[token]
    assert isinstance(begin, lsp.WorkDoneProgressBegin) and begin.cancellable
    assert isinstance(end, lsp.WorkDoneProgressEnd) and end.message == "finished"
    assert reports and all(isinstance(r, lsp.WorkDoneProgressReport) for r in reports)
    assert reports[-1].message and " agents, " in reports[-1].message
    # every agent row ends done, all for this run
    agents = {e["agentId"] for e in session.agent_events if e["agentId"] != "run"}
    assert len(agents) >= 2
    for agent in agents:
        states = [e["state"] for e in session.agent_events if e["agentId"] == agent]
        assert states[-1] == "done", (agent, states)
    assert all(e["runId"] == run_id for e in session.agent_events)
    # one annotated workspace edit renaming each converted .js file to .ts, with typed text
    [params] = session.edits
    changes = params.edit.document_changes or []
    renames = [c for c in changes if isinstance(c, lsp.RenameFile)]
    edits = [c for c in changes if isinstance(c, lsp.TextDocumentEdit)]
    renamed = {f["path"] for f in report["per_file"] if f.get("new_path")}
    assert renamed and {r.old_uri.rsplit("/ws/", 1)[1] for r in renames} == renamed
    assert all(r.new_uri.endswith((".ts", ".tsx", ".mts", ".cts")) for r in renames), renames
    assert params.edit.change_annotations[renames[0].annotation_id].needs_confirmation
    money = next(e for e in edits if e.text_document.uri.endswith("src/money.ts"))
    assert any(": number" in getattr(edit, "new_text", "") for edit in money.edits)
    assert finished["apply"]["applied"] is True
