"""The real client against a real `llama-server` on loopback, on a tiny random-weight MoE.

Covers the managed engine (health, restart on crash, stop with the parent) and the client
(streaming, tool calls, GBNF and JSON-schema constrained output, concurrent requests).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from kimi_code.engine.gguf_info import read_model_info
from kimi_code.engine.llama_server import find_server_binary
from kimi_code.engine.local import LocalEngine
from kimi_code.engine.tiny_model import write_tiny_moe
from kimi_code.llm.backend import LocalBackend
from kimi_code.llm.openai_compat import OpenAICompatClient
from kimi_code.llm.types import Message, ToolSpec
from kimi_code.llm.wire import StreamAssembler

module_loop = pytest.mark.asyncio(loop_scope="module")
pytestmark = [
    pytest.mark.skipif(
        find_server_binary() is None, reason="llama-server not built: run `make setup`"
    ),
]

ASK = [Message("user", "Which file?")]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_moe(tmp_path_factory.mktemp("model") / "tiny-moe.gguf")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def backend(tiny_model: Path) -> AsyncIterator[LocalBackend]:
    engine = LocalEngine(tiny_model, parallel=4, ctx_per_slot=512, threads=2)
    async with LocalBackend(engine, max_agents=8) as b:
        await b.client()
        yield b


async def client_of(backend: LocalBackend) -> OpenAICompatClient:
    return await backend.client()


def test_tiny_model_metadata(tiny_model: Path) -> None:
    info = read_model_info(tiny_model)
    assert (info.architecture, info.expert_count, info.expert_used_count) == ("llama", 8, 2)
    assert info.size_bytes < 5_000_000


@module_loop
async def test_engine_is_healthy_on_loopback(backend: LocalBackend) -> None:
    assert backend.engine.server.base_url.startswith("http://127.0.0.1:")
    assert await backend.engine.server.healthy()
    assert backend.info.supports_grammar and not backend.info.capable


@module_loop
async def test_stream_equals_non_streamed_greedy_answer(backend: LocalBackend) -> None:
    letters = "root ::= [a-z ]+"  # random weights: keep the text valid UTF-8 and comparable
    full = await backend.chat(ASK, max_tokens=12, grammar=letters)
    pieces = [d async for d in backend.stream(ASK, max_tokens=12, grammar=letters)]
    streamed = "".join(d.content for d in pieces)
    assert len([d for d in pieces if d.content]) > 1
    assert streamed == full.message.content
    assert full.usage.completion_tokens == 12
    assert any(d.usage is not None and d.usage.completion_tokens == 12 for d in pieces)


@module_loop
async def test_grammar_constrains_the_answer(backend: LocalBackend) -> None:
    resp = await backend.chat(ASK, grammar='root ::= "yes" | "no"', max_tokens=8)
    assert resp.message.content in ("yes", "no")


@module_loop
async def test_json_schema_constrains_the_answer(backend: LocalBackend) -> None:
    schema = {
        "type": "object",
        "properties": {"file": {"enum": ["a.ts", "b.ts"]}, "ok": {"type": "boolean"}},
        "required": ["file", "ok"],
        "additionalProperties": False,
    }
    fmt = {"type": "json_schema", "json_schema": {"name": "pick", "schema": schema}}
    resp = await backend.chat(ASK, response_format=fmt, max_tokens=64)
    data = json.loads(resp.message.content or "")
    assert data["file"] in ("a.ts", "b.ts") and isinstance(data["ok"], bool)


TOOL = ToolSpec(
    "open_file",
    "Open a file",
    {
        "type": "object",
        "properties": {"path": {"type": "string", "enum": ["src/a.ts", "src/b.ts"]}},
        "required": ["path"],
    },
)


@module_loop
async def test_forced_tool_call_streamed_and_assembled(backend: LocalBackend) -> None:
    whole = await backend.chat(ASK, tools=[TOOL], tool_choice="required", max_tokens=256)
    asm = StreamAssembler()
    async for delta in backend.stream(ASK, tools=[TOOL], tool_choice="required", max_tokens=256):
        asm.add(delta)
    assembled = asm.result()
    for resp in (whole, assembled):
        (call,) = resp.message.tool_calls
        assert call.name == "open_file" and resp.finish_reason == "tool_calls"
        assert json.loads(call.arguments)["path"] in ("src/a.ts", "src/b.ts")
    assert assembled.message.tool_calls[0].arguments == whole.message.tool_calls[0].arguments


@module_loop
async def test_tools_are_offered_to_the_server_as_is(backend: LocalBackend) -> None:
    client = await client_of(backend)
    resp = await client.chat(ASK, tools=[TOOL], max_tokens=8)  # tool_choice auto: free answer
    assert resp.usage.completion_tokens >= 1


@module_loop
async def test_concurrent_requests_all_complete(backend: LocalBackend) -> None:
    client = await client_of(backend)
    before = client.usage.completion_tokens
    answers = await asyncio.gather(*(backend.chat(ASK, max_tokens=10) for _ in range(8)))
    assert all(a.usage.completion_tokens == 10 for a in answers)
    assert client.usage.completion_tokens - before == 80


@module_loop
async def test_engine_restarts_after_a_crash(backend: LocalBackend) -> None:
    server = backend.engine.server
    old = server.pid
    assert old is not None
    os.kill(old, signal.SIGKILL)
    for _ in range(300):
        if server.pid not in (None, old) and await server.healthy():
            break
        await asyncio.sleep(0.1)
    assert server.restarts == 1 and server.pid != old
    resp = await backend.chat(ASK, max_tokens=4)
    assert resp.usage.completion_tokens == 4


def test_engine_dies_with_its_parent(tiny_model: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import asyncio, pathlib
        from kimi_code.engine.local import LocalEngine
        async def main():
            e = LocalEngine(pathlib.Path({str(tiny_model)!r}), parallel=1, ctx_per_slot=256)
            await e.start()
            print(e.server.pid, flush=True)
            await asyncio.sleep(600)
        asyncio.run(main())
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
