"""`kimi-code serve` on loopback when its upstream fails, and its concurrent-run limit.

The app is the real one on a real uvicorn server; the seams are faked: the upstream engine is
an `httpx.MockTransport` that resets or cuts its answers, and swarm runs use a scripted model
held at a gate so that a run stays in progress while the test sends another.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from kimi_code.llm.openai_compat import ClientConfig, OpenAICompatClient
from kimi_code.llm.retry import RetryPolicy
from kimi_code.llm.scripted import ScriptedBackend, Turn, first_user_text
from kimi_code.llm.types import BackendInfo, ChatResponse, Message
from kimi_code.server.app import ServerConfig, ServerState, create_app

ASK = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 8}
SSE = b'data: {"choices": [{"index": 0, "delta": {"content": "partial"}}]}\n\n'


class CutStream(httpx.AsyncByteStream):
    """An upstream body that sends `head`, then fails like a reset connection."""

    def __init__(self, head: bytes) -> None:
        self.head = head

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        raise httpx.ReadError("[Errno 104] Connection reset by peer")


def plan_then_finish(messages: Sequence[Message]) -> Turn:
    """Pick src/a.js when asked to plan; as the file's agent, finish at once."""
    if "Files you own" in first_user_text(messages):
        return Turn(tool_calls=(("done", {"summary": "nothing to change"}),))
    return Turn(content=json.dumps({"files": [{"path": "src/a.js", "task": "comment it"}]}))


class GatedBackend(ScriptedBackend):
    """A scripted model whose every answer waits until `gate` is set."""

    def __init__(self, script: Callable[[Sequence[Message]], Turn] = plan_then_finish) -> None:
        super().__init__(script)
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def chat(self, messages: Sequence[Message], **kw: Any) -> ChatResponse:
        self.waiting.set()
        await self.gate.wait()
        return await super().chat(messages, **kw)


def upstream_client(handler: Callable[[httpx.Request], httpx.Response]) -> OpenAICompatClient:
    config = ClientConfig(
        base_url="http://engine.test/v1",
        info=BackendInfo(name="engine", model="m1"),
        retry=RetryPolicy(max_attempts=2, base_delay=0.01),
    )
    return OpenAICompatClient(config, transport=httpx.MockTransport(handler))


@asynccontextmanager
async def serving(state: ServerState) -> AsyncIterator[httpx.AsyncClient]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(state), port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event
        await asyncio.sleep(0.02)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/v1", timeout=30) as http:
            yield http
    finally:
        server.should_exit = True
        await task


def state_for(backend: Any, upstream: OpenAICompatClient, **config: Any) -> ServerState:
    async def get_upstream() -> OpenAICompatClient:
        return upstream

    return ServerState(ServerConfig(**config), backend, get_upstream, "m1")


def reset(req: httpx.Request) -> httpx.Response:
    raise httpx.ReadError("[Errno 104] Connection reset by peer", request=req)


def cut(req: httpx.Request) -> httpx.Response:
    streamed = json.loads(req.content).get("stream")
    kind = "text/event-stream" if streamed else "application/json"
    head = SSE if streamed else b'{"choices": [{"index": 0, "mess'
    return httpx.Response(200, headers={"content-type": kind}, stream=CutStream(head))


async def test_upstream_reset_and_cut_answers_are_openai_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    backend = ScriptedBackend(lambda m: Turn(content="unused"))
    for handler, status in ((reset, 503), (cut, 502)):
        async with (
            upstream_client(handler) as upstream,
            serving(state_for(backend, upstream)) as api,
        ):
            resp = await api.post("/chat/completions", json=ASK)
            assert resp.status_code == status, resp.text
            error = resp.json()["error"]
            assert error["type"] in ("api_error", "service_unavailable_error")
            assert "model engine" in error["message"]
    upstream = upstream_client(cut)
    async with (
        upstream,
        serving(state_for(backend, upstream)) as api,
        api.stream("POST", "/chat/completions", json={**ASK, "stream": True}) as r,
    ):
        assert r.status_code == 200
        events = [line[6:] async for line in r.aiter_lines() if line.startswith("data: ")]
    assert json.loads(events[0])["choices"][0]["delta"]["content"] == "partial"
    assert "answer cut off" in json.loads(events[-1])["error"]["message"]
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


async def test_swarm_runs_beyond_the_limit_get_429_until_one_ends(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "proj" / "src").mkdir(parents=True)
    (root / "proj" / "src" / "a.js").write_text("export const a = 1;\n")
    backend = GatedBackend()
    request = {
        "messages": [{"role": "user", "content": "Add a comment to src/a.js"}],
        "agent_mode": "single",
        "workspace": str(root / "proj"),
    }
    upstream = upstream_client(reset)
    state = state_for(backend, upstream, allow_roots=(root,), max_concurrent_runs=1)
    async with upstream, serving(state) as api:
        async with api.stream("POST", "/chat/completions", json={**request, "stream": True}) as r:
            assert r.status_code == 200
            await asyncio.wait_for(backend.waiting.wait(), 20)  # the run is in progress
            refused = await api.post("/chat/completions", json=request)
            assert refused.status_code == 429
            assert refused.json()["error"]["type"] == "rate_limit_error"
            assert "1 swarm runs already in progress" in refused.json()["error"]["message"]
            backend.gate.set()
            lines = [line async for line in r.aiter_lines() if line.startswith("data: ")]
        assert lines[-1] == "data: [DONE]"
        again = await api.post("/chat/completions", json=request)
        assert again.status_code == 200, again.text  # the slot was given back
        assert "kimi_report" in again.json()


async def test_a_failed_swarm_run_ends_with_an_openai_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "a.js").write_text("export const a = 1;\n")
    backend = GatedBackend(lambda m: Turn(content="not json"))  # breaks the planner
    backend.gate.set()
    request = {
        "messages": [{"role": "user", "content": "Add a comment to a.js"}],
        "agent_mode": "single",
        "workspace": str(tmp_path / "proj"),
    }
    upstream = upstream_client(reset)
    state = state_for(backend, upstream, allow_roots=(tmp_path,))
    async with upstream, serving(state) as api:
        resp = await api.post("/chat/completions", json=request)
        assert resp.status_code == 502
        assert "planner answer is not JSON" in resp.json()["error"]["message"]
        async with api.stream("POST", "/chat/completions", json={**request, "stream": True}) as r:
            events = [line[6:] async for line in r.aiter_lines() if line.startswith("data: ")]
        assert "planner answer is not JSON" in json.loads(events[-1])["error"]["message"]
        again = await api.post("/chat/completions", json=request)
        assert again.status_code == 502  # both failed runs gave their slot back
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
