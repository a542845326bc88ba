"""The real OpenAI-compatible client against the fault server: every fault is retried,
bounded or reported as a `BackendError`, never an unexpected exception."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Iterator

import pytest

from kimi_code.errors import BackendError, RateLimited
from kimi_code.llm.openai_compat import ClientConfig, OpenAICompatClient, Timeouts
from kimi_code.llm.retry import RetryPolicy
from kimi_code.llm.types import BackendInfo, Message, ToolSpec

from .faultserver import FAULT_KINDS, FaultConfig, FaultServer

TOOLS = (
    ToolSpec(
        "edit_file",
        "Replace a file's text.",
        {
            "type": "object",
            "properties": {"path": {"type": "string"}, "text": {"type": "string"}},
            "required": ["path", "text"],
        },
    ),
)
MESSAGES = (Message("system", "You convert files."), Message("user", "Convert src/a.js"))
# The same bug leaves an un-awaited httpx connect coroutine behind; keep its warning here.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    yield
    gc.collect()


def client(server: FaultServer, attempts: int = 3) -> OpenAICompatClient:
    config = ClientConfig(
        base_url=server.base_url,
        info=BackendInfo(name="fault", model="fault-model"),
        max_connections=16,
        timeouts=Timeouts(connect=10, read=30, write=10, pool=60),
        retry=RetryPolicy(max_attempts=attempts, base_delay=0.01, max_delay=0.05),
    )
    return OpenAICompatClient(config)


def only(kind: str, rate: float = 1.0, seed: int = 1) -> FaultConfig:
    return FaultConfig(rates={kind: rate}, seed=seed, latency_s=0.01)


@pytest.mark.parametrize("kind", ["rate_limit", "rate_limit_bare"])
async def test_persistent_429_ends_as_rate_limited(kind: str) -> None:
    with FaultServer(only(kind)) as server:
        async with client(server) as c:
            with pytest.raises(RateLimited):
                await c.chat(MESSAGES)
        assert server.stats()["requests"] == 3


@pytest.mark.parametrize("kind", ["server_error", "reset"])
async def test_persistent_transport_faults_end_as_backend_errors(kind: str) -> None:
    with FaultServer(only(kind)) as server:
        async with client(server) as c:
            with pytest.raises(BackendError):
                await c.chat(MESSAGES)
            with pytest.raises(BackendError):
                await c.complete(MESSAGES)


@pytest.mark.parametrize("streamed", [False, True])
async def test_cut_answer_is_a_backend_error(streamed: bool) -> None:
    with FaultServer(only("cut_stream")) as server:
        async with client(server) as c:
            with pytest.raises(BackendError):
                if streamed:
                    await c.complete(MESSAGES, tools=TOOLS)
                else:
                    await c.chat(MESSAGES, tools=TOOLS)


async def test_transient_faults_are_retried_to_success() -> None:
    kinds = ("rate_limit", "rate_limit_bare", "server_error", "reset")
    # 20% of requests fail; ten attempts make six faults in a row for one request (the
    # order depends on scheduling) vanishingly rare instead of a one-in-six flake.
    config = FaultConfig(rates={k: 0.05 for k in kinds}, seed=7)
    with FaultServer(config) as server:
        async with client(server, attempts=10) as c:
            answers = await asyncio.gather(*(c.chat(MESSAGES) for _ in range(40)))
        assert all(a.message.content == "Done." for a in answers)
        assert sum(server.stats()["faults"].values()) > 0


@pytest.mark.parametrize("streamed", [False, True])
async def test_garbage_tool_calls_reach_the_caller_as_data(streamed: bool) -> None:
    for kind in ("malformed_args", "invented_tool", "escape_path", "loop", "empty"):
        with FaultServer(only(kind)) as server:
            async with client(server) as c:
                call = c.complete if streamed else c.chat
                answer = await call(MESSAGES, tools=TOOLS)
        calls = answer.message.tool_calls
        if kind == "empty":
            assert not calls and not answer.message.content
        elif kind == "malformed_args":
            with pytest.raises(json.JSONDecodeError):
                json.loads(calls[0].arguments)
        elif kind == "invented_tool":
            assert calls[0].name == "shell_exec"
        elif kind == "escape_path":
            assert json.loads(calls[0].arguments)["path"].startswith("../")
        else:
            assert calls[0].name == "edit_file"


def test_draws_are_deterministic() -> None:
    def draws(seed: int) -> list[str | None]:
        server = FaultServer(FaultConfig.uniform(0.5, seed=seed))
        return [server.draw({"messages": [{"n": i}]}) for i in range(200)]

    assert draws(3) == draws(3)
    assert draws(3) != draws(4)
    assert set(draws(3)) - {None} <= set(FAULT_KINDS)


async def test_429_and_5xx_are_retried_to_success() -> None:
    config = FaultConfig(
        rates={"rate_limit": 0.1, "rate_limit_bare": 0.1, "server_error": 0.1}, seed=3
    )
    with FaultServer(config) as server:
        async with client(server, attempts=8) as c:
            answers = await asyncio.gather(
                *(c.chat(MESSAGES) for _ in range(40)), return_exceptions=True
            )
        faults = server.stats()["faults"]
    # 429/502/503 are retried to success; a plain 500 is not retryable and is reported
    for answer in answers:
        if isinstance(answer, BaseException):
            assert isinstance(answer, BackendError) and "HTTP 500" in str(answer), answer
        else:
            assert answer.message.content == "Done."
    assert sum(not isinstance(a, BaseException) for a in answers) >= 30
    assert set(faults) == {"rate_limit", "rate_limit_bare", "server_error"}
