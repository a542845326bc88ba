"""Aggregate decode throughput of the local engine at 1, 4, 8 and 16 concurrent agents.

Three servers run side by side on the same GGUF model, measured in turn at each concurrency:

- `kimi_serve`:   `kimi-code serve` (our HTTP layer in front of its managed llama-server)
- `llama_server`: a bare `llama-server` with the same slots (what our layer must not slow down)
- `serial`:       a `llama-server` with one slot (one-at-a-time serving; requests queue)

Every request streams a fixed number of tokens (`ignore_eos`) at temperature 0; tokens/s is the
sum of generated tokens over wall time; time to first token (TTFT) is the median over requests.

    .venv/bin/python benchmarks/inference_bench.py [--model-path X.gguf] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from kimi_code.engine.llama_server import EngineSettings, LlamaServer
from kimi_code.engine.local import default_model_path
from kimi_code.llm.openai_compat import ClientConfig, OpenAICompatClient, Timeouts
from kimi_code.llm.types import BackendInfo, Message

LEVELS = (1, 4, 8, 16)
TOPICS = ("a lighthouse", "a compiler", "the sea", "a robot", "autumn", "a city", "a river", "tea")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _client(base_url: str, model: str, tokens: int, pool: int) -> OpenAICompatClient:
    info = BackendInfo(name="bench", model=model)
    cfg = ClientConfig(
        base_url=base_url,
        info=info,
        max_connections=pool,
        timeouts=Timeouts(read=600.0),
        extra_body={"ignore_eos": True},
    )
    return OpenAICompatClient(cfg)


async def _one(client: OpenAICompatClient, i: int, tokens: int) -> tuple[int, float]:
    """Stream one answer; return (generated tokens, seconds to first token)."""
    start = time.perf_counter()
    first: float | None = None
    generated = 0
    pieces = 0
    prompt = f"Write a short poem about {TOPICS[i % len(TOPICS)]} (variant {i})."
    async for delta in client.stream([Message("user", prompt)], max_tokens=tokens):
        if delta.content:
            pieces += 1
            if first is None:
                first = time.perf_counter() - start
        if delta.usage is not None:
            generated = delta.usage.completion_tokens
    return (generated or pieces), (first if first is not None else float("nan"))


async def measure(
    client: OpenAICompatClient, level: int, rounds: int, tokens: int
) -> dict[str, float]:
    """Run `level` concurrent workers, `rounds` requests each; return tokens/s and TTFT."""

    async def worker(w: int) -> list[tuple[int, float]]:
        return [await _one(client, w * rounds + r, tokens) for r in range(rounds)]

    start = time.perf_counter()
    results = await asyncio.gather(*(worker(w) for w in range(level)))
    wall = time.perf_counter() - start
    flat = [r for rs in results for r in rs]
    total = sum(n for n, _ in flat)
    return {
        "tokens_per_s": round(total / wall, 1),
        "ttft_ms": round(1000 * statistics.median(t for _, t in flat), 1),
    }


def _start_serve(
    model: Path, parallel: int, threads: int | None
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "kimi_code",
        "serve",
        "--port",
        str(port),
        "--model-path",
        str(model),
    ]
    cmd += ["--parallel", str(parallel), "--ctx-size", "1024"]
    if threads:
        cmd += ["--threads", str(threads)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models").status_code == 200:
                return proc, port
        except httpx.TransportError:
            if proc.poll() is not None:
                raise SystemExit("kimi-code serve exited during start-up") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("kimi-code serve did not start")


def _load() -> list[float]:
    """The 1/5/15-minute load averages: figures taken on a busy machine say so."""
    return [round(x, 2) for x in os.getloadavg()]


def _ratios(tps: dict[str, dict[str, float]]) -> dict[str, float]:
    """The ratios at 8 concurrent requests."""
    out: dict[str, float] = {}
    at8 = "8"
    if at8 in tps.get("kimi_serve", {}):
        out["ratio_vs_llama_server_at_8"] = round(
            tps["kimi_serve"][at8] / tps["llama_server"][at8], 3
        )
        out["ratio_vs_serial_at_8"] = round(tps["kimi_serve"][at8] / tps["serial"][at8], 3)
    if at8 in tps["llama_server"]:
        out["llama_server_vs_serial_at_8"] = round(tps["llama_server"][at8] / tps["serial"][at8], 3)
    return out


async def _sweep(
    clients: dict[str, OpenAICompatClient], args: argparse.Namespace
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Measure every server at every level, interleaved so load drifts hit all alike."""
    tps: dict[str, dict[str, float]] = {name: {} for name in clients}
    ttft: dict[str, dict[str, float]] = {name: {} for name in clients}
    for client in clients.values():  # warm-up: load weights into cache
        await measure(client, 1, 1, 8)
    for level in args.levels:
        for name, client in clients.items():
            m = await measure(client, level, args.rounds, args.tokens)
            tps[name][str(level)] = m["tokens_per_s"]
            ttft[name][str(level)] = m["ttft_ms"]
            line = f"{name:>13} x{level:<3} {m['tokens_per_s']:7.1f} tok/s"
            print(f"{line}  TTFT {m['ttft_ms']:7.1f} ms", file=sys.stderr, flush=True)
    return tps, ttft


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start the three servers, measure, stop them; return the JSON result."""
    model: Path = args.model_path or default_model_path()
    load_before = _load()
    slots = max(LEVELS)
    servers = {
        "llama_server": LlamaServer(
            EngineSettings(model, parallel=slots, ctx_per_slot=1024, threads=args.threads)
        ),
        "serial": LlamaServer(
            EngineSettings(model, parallel=1, ctx_per_slot=1024 * slots, threads=args.threads)
        ),
    }
    for s in servers.values():
        await s.start()
    serve_proc, serve_port = (
        (None, 0) if args.skip_serve else _start_serve(model, slots, args.threads)
    )
    urls = {name: s.base_url for name, s in servers.items()}
    if serve_proc is not None:
        urls = {"kimi_serve": f"http://127.0.0.1:{serve_port}/v1", **urls}
    clients = {name: _client(url, model.stem, args.tokens, slots) for name, url in urls.items()}
    try:
        tps, ttft = await _sweep(clients, args)
    finally:
        for c in clients.values():
            await c.aclose()
        for s in servers.values():
            await s.stop()
        if serve_proc is not None:
            serve_proc.send_signal(signal.SIGINT)
            serve_proc.wait(timeout=30)
    out: dict[str, Any] = {"model": str(model), "max_tokens": args.tokens, "rounds": args.rounds}
    load = {"cpus": os.cpu_count(), "load_avg_before": load_before, "load_avg_after": _load()}
    return {**out, "tokens_per_s": tps, "ttft_ms": ttft, **_ratios(tps), **load}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--model-path", type=Path, default=None)
    p.add_argument("--tokens", type=int, default=64, help="tokens generated per request")
    p.add_argument("--rounds", type=int, default=2, help="requests per concurrent worker")
    p.add_argument("--levels", type=int, nargs="+", default=list(LEVELS))
    p.add_argument("--threads", type=int, default=None, help="engine threads (default: all cores)")
    p.add_argument("--skip-serve", action="store_true", help="only llama-server and serial")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args()
    if not (args.model_path or default_model_path()).is_file():
        print("model not found: run `make setup` or pass --model-path", file=sys.stderr)
        return 2
    result = asyncio.run(run(args))
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
