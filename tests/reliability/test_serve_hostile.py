"""`kimi-code serve` in front of the fault server: loopback by default, key required,
oversized and malformed requests refused, upstream faults reported, no secret in the logs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .faultserver import FaultConfig, FaultServer

pytestmark = pytest.mark.e2e
SECRET = "sk-reliability-secret-0123456789"
ASK = {"model": "fault-model", "messages": [{"role": "user", "content": "hi"}]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=[pytest.param({"server_error": 0.5}, id="5xx")])
def served(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, FaultServer, subprocess.Popen[str]]]:
    upstream = FaultServer(FaultConfig(rates=request.param, seed=1))
    upstream.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIMI_CODE_")}
    env.update(HOME=str(tmp_path), SERVE_KEY=SECRET)
    args = [
        sys.executable, "-m", "kimi_code", "serve", "--port", str(port),
        "--model", f"{upstream.base_url}#fault-model", "--api-key-env", "SERVE_KEY",
        "--max-body-bytes", "100000",
    ]  # fmt: skip
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/models", timeout=2)
            break
        except httpx.TransportError:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.2)
    yield url, upstream, proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    upstream.stop()


def test_serve_is_hardened(served: tuple[str, FaultServer, subprocess.Popen[str]]) -> None:
    url, upstream, proc = served
    auth = {"Authorization": f"Bearer {SECRET}"}
    assert httpx.post(f"{url}/chat/completions", json=ASK, timeout=30).status_code == 401
    wrong = {"Authorization": "Bearer sk-wrong-key-abcdef"}
    assert httpx.post(f"{url}/chat/completions", json=ASK, headers=wrong).status_code == 401
    big = {**ASK, "messages": [{"role": "user", "content": "x" * 200_000}]}
    assert httpx.post(f"{url}/chat/completions", json=big, headers=auth).status_code == 413
    garbage = httpx.post(
        f"{url}/chat/completions",
        content=b"{not json",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert garbage.status_code == 400
    statuses = [
        httpx.post(f"{url}/chat/completions", json=ASK, headers=auth, timeout=60).status_code
        for _ in range(10)
    ]
    assert all(s in (200, 500, 502, 503, 504) for s in statuses), statuses
    assert upstream.stats()["faults"], "no upstream fault was injected"
    assert httpx.get(f"{url}/models", headers=auth).status_code == 200
    proc.send_signal(signal.SIGINT)
    logs = proc.communicate(timeout=20)[0]
    assert SECRET not in logs
    assert "sk-wrong-key-abcdef" not in logs
    assert "Traceback" not in logs, logs[-3000:]


@pytest.mark.parametrize("served", [{"reset": 1.0}], indirect=True, ids=["reset"])
def test_upstream_reset_is_reported_cleanly(
    served: tuple[str, FaultServer, subprocess.Popen[str]],
) -> None:
    url, _upstream, proc = served
    auth = {"Authorization": f"Bearer {SECRET}"}
    resp = httpx.post(f"{url}/chat/completions", json=ASK, headers=auth, timeout=60)
    assert resp.status_code in (502, 503, 504)
    proc.send_signal(signal.SIGINT)
    logs = proc.communicate(timeout=20)[0]
    assert "Traceback" not in logs


def test_serve_binds_loopback_by_default() -> None:
    from kimi_code.cli.main import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
