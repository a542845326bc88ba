"""`kimi-code serve` on loopback in front of a real `llama-server` (tiny random-weight MoE)."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
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

module_loop = pytest.mark.asyncio(loop_scope="module")
pytestmark = [
    pytest.mark.skipif(
        find_server_binary() is None, reason="llama-server not built: run `make setup`"
    ),
]

KEY = "serve-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
ASK = {
    "messages": [{"role": "user", "content": "hello"}],
    "max_tokens": 10,
    "cache_prompt": False,
    "temperature": 0,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_moe(tmp_path_factory.mktemp("model") / "tiny-moe.gguf")


@pytest.fixture(scope="module")
def allowed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("allowed")
    (root / "proj").mkdir()
    return root


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(tiny_model: Path, allowed_root: Path) -> AsyncIterator[httpx.AsyncClient]:
    engine = LocalEngine(tiny_model, parallel=4, ctx_per_slot=512, threads=2)
    backend = LocalBackend(engine, max_agents=8)
    await backend.client()
    config = ServerConfig(api_key=KEY, allow_roots=(allowed_root,), max_body_bytes=20_000)
    state = ServerState(config, backend, backend.client, engine.model_id, engine.model)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(state), port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event
        await asyncio.sleep(0.02)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/v1", timeout=60) as http:
        yield http
    server.should_exit = True
    await task
    await backend.aclose()


@module_loop
async def test_models_lists_gguf_details(api: httpx.AsyncClient) -> None:
    resp = await api.get("/models", headers=AUTH)
    (entry,) = resp.json()["data"]
    assert entry["id"] == "tiny-moe"
    details = entry["details"]
    assert details["architecture"] == "llama"
    assert (details["expert_count"], details["expert_used_count"]) == (8, 2)
    assert details["file"].endswith("tiny-moe.gguf")


@module_loop
async def test_missing_or_wrong_key_is_refused(api: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}):
        resp = await api.post("/chat/completions", json=ASK, headers=headers)
        assert resp.status_code == 401
        assert resp.json()["error"]["type"] == "authentication_error"
        assert KEY not in resp.text


@module_loop
async def test_non_streamed_and_streamed_answers_agree(api: httpx.AsyncClient) -> None:
    ascii_only = {
        **ASK,
        "grammar": "root ::= [a-z ]+",
        "ignore_eos": True,
    }  # random weights: keep text comparable
    resp = await api.post(
        "/chat/completions", json={**ascii_only, "model": "anything"}, headers=AUTH
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["object"] == "chat.completion"
    assert body["usage"]["completion_tokens"] == 10
    text = body["choices"][0]["message"]["content"]
    pieces: list[str] = []
    lines: list[str] = []
    async with api.stream(
        "POST", "/chat/completions", json={**ascii_only, "stream": True}, headers=AUTH
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        async for line in stream.aiter_lines():
            lines.append(line)
            if line.startswith("data: {"):
                for choice in json.loads(line[6:])["choices"]:
                    pieces.append(choice["delta"].get("content") or "")
    assert lines[-2:] == ["data: [DONE]", ""] or lines[-1] == "data: [DONE]"
    assert "".join(pieces) == text


@module_loop
async def test_json_schema_and_forced_tool_call_pass_through(api: httpx.AsyncClient) -> None:
    schema = {"type": "object", "properties": {"n": {"enum": [1, 2]}}, "required": ["n"]}
    fmt = {"type": "json_schema", "json_schema": {"name": "n", "schema": schema}}
    resp = await api.post(
        "/chat/completions", json={**ASK, "max_tokens": 200, "response_format": fmt}, headers=AUTH
    )
    assert json.loads(resp.json()["choices"][0]["message"]["content"])["n"] in (1, 2)
    tool = {
        "type": "function",
        "function": {
            "name": "pick",
            "description": "pick one",
            "parameters": {
                "type": "object",
                "properties": {"x": {"enum": ["a", "b"]}},
                "required": ["x"],
            },
        },
    }
    req = {**ASK, "max_tokens": 256, "tools": [tool], "tool_choice": "required"}
    resp = await api.post("/chat/completions", json=req, headers=AUTH)
    (call,) = resp.json()["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "pick"
    assert json.loads(call["function"]["arguments"])["x"] in ("a", "b")
    chunks: list[dict[str, Any]] = []
    async with api.stream(
        "POST", "/chat/completions", json={**req, "stream": True}, headers=AUTH
    ) as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data: {"):
                chunks.append(json.loads(line[6:]))
    (streamed,) = chunks[0]["choices"][0]["delta"]["tool_calls"]
    assert streamed["function"] == call["function"] and streamed["index"] == 0
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    free = await api.post("/chat/completions", json={**ASK, "tools": [tool]}, headers=AUTH)
    assert free.status_code == 200  # tool_choice auto goes to llama-server unchanged


@module_loop
async def test_bad_requests_get_openai_errors(api: httpx.AsyncClient) -> None:
    resp = await api.post("/chat/completions", content=b"{not json", headers=AUTH)
    assert resp.status_code == 400 and resp.json()["error"]["type"] == "invalid_request_error"
    resp = await api.post("/chat/completions", json={"messages": "x"}, headers=AUTH)
    assert resp.status_code == 400 and resp.json()["error"]["param"] == "messages"
    big = {**ASK, "pad": "x" * 30_000}
    resp = await api.post("/chat/completions", json=big, headers=AUTH)
    assert resp.status_code == 413
    resp = await api.post("/chat/completions", json={**ASK, "grammar": "root ::= ("}, headers=AUTH)
    assert resp.status_code == 400 and "error" in resp.json()  # llama-server's, passed through


@module_loop
async def test_swarm_requests_are_validated(api: httpx.AsyncClient, allowed_root: Path) -> None:
    base: dict[str, Any] = {"messages": [{"role": "user", "content": "js-to-ts"}]}
    cases = [
        ({"agent_mode": "crowd", "workspace": str(allowed_root)}, 400, "agent_mode"),
        ({"agent_mode": "swarm", "workspace": "/etc"}, 403, "workspace"),
        ({"agent_mode": "swarm", "workspace": str(allowed_root / "proj" / ".." / "..")}, 403,
         "workspace"),
        ({"agent_mode": "swarm", "workspace": str(allowed_root), "max_agents": 0}, 400,
         "max_agents"),
        ({"agent_mode": "swarm", "workspace": str(allowed_root), "recipe": "py2rust"}, 400,
         "recipe"),
    ]  # fmt: skip
    for extra, status, param in cases:
        resp = await api.post("/chat/completions", json={**base, **extra}, headers=AUTH)
        assert resp.status_code == status, (extra, resp.text)
        assert resp.json()["error"]["param"] == param


@pytest.fixture
def serve_process(tiny_model: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    cmd = [sys.executable, "-m", "kimi_code", "serve", "--port", str(port)]
    cmd += ["--model-path", str(tiny_model), "--parallel", "2", "--ctx-size", "256"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    yield proc, port
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def test_cli_serve_end_to_end(serve_process: tuple[subprocess.Popen[str], int]) -> None:
    proc, port = serve_process
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/models").status_code == 200:
                break
        except httpx.TransportError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.1)
    resp = httpx.post(f"{url}/chat/completions", json=ASK, timeout=60)
    assert resp.json()["usage"]["completion_tokens"] == 10
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) in (0, 130)  # 130: interrupted, as the CLI reports SIGINT
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
    assert children.stdout.strip() == ""
