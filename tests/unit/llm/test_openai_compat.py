"""Wire format, retries and errors of the OpenAI-compatible client, on httpx.MockTransport."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimi_code.errors import BackendError, BackendUnavailable, RateLimited
from kimi_code.llm.openai_compat import ClientConfig, OpenAICompatClient
from kimi_code.llm.retry import RetryPolicy, parse_retry_after
from kimi_code.llm.types import BackendInfo, Message, ToolCall, ToolSpec
from kimi_code.llm.wire import build_payload, encode_payload

SECRET = "sk-test-secret-123"
Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, **kw: Any) -> tuple[OpenAICompatClient, list[float]]:
    slept: list[float] = []

    async def fake_sleep(s: float) -> None:
        slept.append(s)

    config = ClientConfig(
        base_url="http://model.test/v1",
        info=BackendInfo(name="test", model="m1"),
        api_key=SECRET,
        max_connections=3,
        retry=RetryPolicy(max_attempts=3, base_delay=0.01),
        **kw,
    )
    client = OpenAICompatClient(config, transport=httpx.MockTransport(handler), sleep=fake_sleep)
    return client, slept


def completion(content: str | None = "hi", tool_calls: list[Any] | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        msg["tool_calls"] = tool_calls
    return {
        "model": "m1",
        "choices": [{"index": 0, "message": msg, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }


def sse(*chunks: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + (
        b"data: [DONE]\n\n"
    )


async def test_request_body_and_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json=completion())

    client, _ = make_client(handler, extra_body={"options": {"num_ctx": 8192}})
    tool = ToolSpec("read_file", "Read a file", {"type": "object", "properties": {}})
    schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    resp = await client.chat(
        [Message("user", "hello")],
        tools=[tool],
        response_format=schema,
        grammar='root ::= "a"',
        max_tokens=5,
    )
    await client.aclose()
    body = json.loads(seen[0].content)
    assert seen[0].url == "http://model.test/v1/chat/completions"
    assert seen[0].headers["authorization"] == f"Bearer {SECRET}"
    assert body["model"] == "m1"
    assert body["messages"] == [{"role": "user", "content": "hello"}]
    assert body["tools"][0]["function"]["name"] == "read_file"
    assert body["response_format"] == schema
    assert body["grammar"] == 'root ::= "a"'
    assert body["max_tokens"] == 5
    assert body["stream"] is False
    assert body["options"] == {"num_ctx": 8192}
    assert resp.message.content == "hi"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (7, 3)
    assert client.usage.total_tokens == 10


async def test_non_streamed_tool_calls() -> None:
    calls = [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a":1}'}}]
    client, _ = make_client(lambda r: httpx.Response(200, json=completion(None, calls)))
    resp = await client.chat([Message("user", "x")])
    await client.aclose()
    assert resp.message.tool_calls[0].name == "f"
    assert resp.message.tool_calls[0].arguments == '{"a":1}'
    assert resp.message.content is None


async def test_stream_assembles_split_tool_call_arguments() -> None:
    def tc(i: int, args: str, **fn: str) -> dict[str, Any]:
        call: dict[str, Any] = {"index": i, "function": {"arguments": args, **fn}}
        if fn:
            call["id"] = f"call-{i}"
        return {"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}

    body = sse(
        {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Let"}}]},
        {"choices": [{"index": 0, "delta": {"content": " me"}}]},
        tc(0, "", name="write_file"),
        tc(0, '{"path": "a.'),
        tc(1, '{"q"', name="grep"),
        tc(0, 'ts"}'),
        tc(1, ": 1}"),
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        {"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 9}},
    )
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    client, _ = make_client(handler)
    resp = await client.complete([Message("user", "go")])
    await client.aclose()
    sent = json.loads(seen[0].content)
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert resp.message.content == "Let me"
    assert [(c.id, c.name, c.arguments) for c in resp.message.tool_calls] == [
        ("call-0", "write_file", '{"path": "a.ts"}'),
        ("call-1", "grep", '{"q": 1}'),
    ]
    assert resp.finish_reason == "tool_calls"
    assert client.usage.completion_tokens == 9


async def test_retries_429_honouring_retry_after_then_succeeds() -> None:
    answers = [
        httpx.Response(429, headers={"retry-after": "2"}, json={"error": {"message": "slow"}}),
        httpx.Response(503, json={"error": {"message": "loading"}}),
        httpx.Response(200, json=completion("ok")),
    ]
    client, slept = make_client(lambda r: answers.pop(0))
    resp = await client.chat([Message("user", "x")])
    await client.aclose()
    assert resp.message.content == "ok"
    assert client.requests == 3
    assert slept[0] >= 2.0  # Retry-After is a lower bound
    assert slept[1] <= 0.02  # second retry: jittered cap base_delay * 2


async def test_rate_limited_after_retries_carries_retry_after() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"retry-after": "3"}, text=f"quota for key {SECRET}")

    client, slept = make_client(handler)
    with pytest.raises(RateLimited) as info:
        await client.chat([Message("user", "x")])
    await client.aclose()
    assert info.value.retry_after == 3.0
    assert client.requests == 3 and len(slept) == 2
    assert SECRET not in str(info.value)
    assert SECRET not in repr(client)


async def test_client_errors_are_not_retried() -> None:
    client, _ = make_client(lambda r: httpx.Response(400, json={"error": {"message": "bad"}}))
    with pytest.raises(BackendError) as info:
        await client.chat([Message("user", "x")])
    await client.aclose()
    assert not isinstance(info.value, (RateLimited, BackendUnavailable))
    assert client.requests == 1 and "HTTP 400" in str(info.value)


async def test_connect_errors_are_retried_then_unavailable() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=req)

    client, slept = make_client(handler)
    with pytest.raises(BackendUnavailable):
        await client.chat([Message("user", "x")])
    await client.aclose()
    assert client.requests == 3 and len(slept) == 2


async def test_stream_error_status_is_raised_before_any_delta() -> None:
    client, _ = make_client(lambda r: httpx.Response(429, text="overloaded"))
    with pytest.raises(RateLimited):
        async for _ in client.stream([Message("user", "x")]):
            pass
    await client.aclose()


def test_parse_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0


def test_backoff_grows_and_is_jittered() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=4.0)
    rng = random.Random(1)
    delays = [policy.delay(n, None, rng) for n in (1, 2, 3, 4, 5)]
    assert all(0 <= d <= c for d, c in zip(delays, [1, 2, 4, 4, 4], strict=True))
    assert len(set(delays)) == len(delays)


def test_encoded_payload_is_the_built_payload() -> None:
    big = "y" * 10_000  # past the cache's size limit: encoded afresh
    calls = (ToolCall(id="c1", name="f", arguments='{"a":1}'),)
    messages = [
        Message("system", "é ünïcode"),
        Message("user", big),
        Message("assistant", None, tool_calls=calls),
        Message("tool", "result", tool_call_id="c1"),
    ]
    tool = ToolSpec("read_file", "Read a file", {"type": "object", "properties": {}})
    kw: dict[str, Any] = {"tools": [tool], "max_tokens": 5, "extra_body": {"options": {"a": 1}}}
    for stream in (False, True):
        for _ in range(2):  # the second time from the cache
            encoded = encode_payload("m1", messages, stream=stream, **kw)
            assert json.loads(encoded) == build_payload("m1", messages, stream=stream, **kw)
    assert "é".encode() in encoded
