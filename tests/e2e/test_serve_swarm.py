"""The swarm extension of `kimi-code serve`: a real run on a copy of examples/ over HTTP."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn

from kimi_code.engine.llama_server import find_server_binary
from kimi_code.engine.local import LocalEngine
from kimi_code.engine.tiny_model import write_tiny_moe
from kimi_code.llm.backend import LocalBackend
from kimi_code.server.app import ServerConfig, ServerState, create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
module_loop = pytest.mark.asyncio(loop_scope="module")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        find_server_binary() is None, reason="llama-server not built: run `make setup`"
    ),
]


def _project(root: Path, name: str) -> Path:
    proj = root / name
    shutil.copytree(EXAMPLES, proj, ignore=shutil.ignore_patterns("node_modules", ".kimi"))
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q"], cwd=proj, check=True)
    subprocess.run(["git", "add", "-A"], cwd=proj, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=proj, check=True)
    return proj


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    tmp = tmp_path_factory.mktemp("swarm")
    model = write_tiny_moe(tmp / "tiny-moe.gguf")
    root = tmp / "root"
    root.mkdir()
    engine = LocalEngine(model, parallel=2, ctx_per_slot=512, threads=2)
    backend = LocalBackend(engine, max_agents=4)
    state = ServerState(
        ServerConfig(allow_roots=(root,), max_concurrent_runs=1),
        backend, backend.client, engine.model_id, engine.model,
    )  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(state), port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event
        await asyncio.sleep(0.02)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/v1", timeout=300) as http:
        yield http, root
    server.should_exit = True
    await task
    await backend.aclose()


def _request(proj: Path, **extra: Any) -> dict[str, Any]:
    return {
        "model": "kimi-swarm",
        "messages": [{"role": "user", "content": "cjs-to-esm"}],
        "agent_mode": "swarm",
        "max_agents": 4,
        "workspace": str(proj),
        **extra,
    }


@module_loop
async def test_streamed_swarm_run_reports_a_diff_and_applies_nothing(
    api: tuple[httpx.AsyncClient, Path],
) -> None:
    http, root = api
    proj = _project(root, "streamed")
    before = (proj / "package.json").read_text()
    chunks: list[dict[str, Any]] = []
    async with http.stream("POST", "/chat/completions", json=_request(proj, stream=True)) as r:
        assert r.status_code == 200
        async for line in r.aiter_lines():
            if line.startswith("data: {"):
                chunks.append(json.loads(line[6:]))
    events = [c["kimi_event"] for c in chunks if "kimi_event" in c]
    agents = {e["agent_id"] for e in events} - {"run"}
    assert len(agents) >= 2
    assert {"queued", "done"} <= {e["state"] for e in events}
    (final,) = [c for c in chunks if "kimi_report" in c]
    text = final["choices"][0]["delta"]["content"]
    assert "```diff" in text and "+++ b/package.json" in text
    assert final["kimi_report"]["applied"] is False
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert (proj / "package.json").read_text() == before


@module_loop
async def test_swarm_run_applies_when_asked(api: tuple[httpx.AsyncClient, Path]) -> None:
    http, root = api
    proj = _project(root, "applied")
    resp = await http.post("/chat/completions", json=_request(proj, apply=True))
    body = resp.json()
    assert resp.status_code == 200, body
    assert body["kimi_report"]["applied"] is True
    assert "Run " in body["choices"][0]["message"]["content"]
    assert json.loads((proj / "package.json").read_text())["type"] == "module"
