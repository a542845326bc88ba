"""The language server survives malformed JSON-RPC on stdio and keeps answering."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest

pytestmark = pytest.mark.e2e


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def send(stdin: IO[bytes], message: dict[str, Any]) -> None:
    stdin.write(frame(json.dumps(message).encode()))
    stdin.flush()


def read_message(stdout: IO[bytes]) -> dict[str, Any]:
    length = 0
    while True:
        line = stdout.readline()
        assert line, "server closed its output"
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return dict(json.loads(stdout.read(length)))


def read_response(stdout: IO[bytes], request_id: int) -> dict[str, Any]:
    for _ in range(50):
        message = read_message(stdout)
        if message.get("id") == request_id and "method" not in message:
            return message
    raise AssertionError(f"no response to request {request_id}")


def test_malformed_requests_do_not_kill_the_server(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kimi_code", "lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(frame(b"{this is not json"))
        send(proc.stdin, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": "nope"})
        send(proc.stdin, {"jsonrpc": "2.0", "id": 2, "method": "no/such/method", "params": {}})
        send(
            proc.stdin,
            {
                "jsonrpc": "2.0",
                "id": 3,
                "method": "initialize",
                "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
            },
        )
        answer = read_response(proc.stdout, 3)
        assert "capabilities" in answer.get("result", {}), answer
        send(
            proc.stdin,
            {
                "jsonrpc": "2.0",
                "id": 4,
                "method": "workspace/executeCommand",
                "params": {"command": "kimiCode.cancel", "arguments": [{"runId": 42}]},
            },
        )
        assert "id" in read_response(proc.stdout, 4)
        assert proc.poll() is None
    finally:
        proc.kill()
        proc.communicate(timeout=10)
