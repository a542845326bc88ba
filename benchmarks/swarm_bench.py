"""Swarm benchmark: 100 files, 1,500 tool calls, 1/10/50/100 agents, one run, side by side.

A loopback OpenAI-compatible model server (benchmark code, not product) runs in a child
process and answers every chat request with the next scripted tool call after a fixed
latency (taken from the model id, `bench-<seconds>`). The real orchestrator drives it
through the real client (`kimi_code.llm.openai_compat`), model-driven policy: each agent
makes 14 `read_file` calls on line ranges of its file and then `done` (15 tool calls x
100 files = 1,500). Printed:

- efficiency = critical-path lower bound / wall, where the bound is
  ceil(100 / agents) x 15 x latency (each tool call costs one model round trip);
- speedup of 100 agents over 1, against the ideal (bound_1 / bound_100 = 100);
- overhead per tool call at zero model latency (wall / tool calls), through the HTTP
  client and, separately, in-process (scripted backend: orchestration alone);
- the same runs in-process (scripted backend with the same latency, no HTTP): efficiency
  and speedup of the orchestrator alone, beside the HTTP figures;
- peak RSS after the 100-agent runs, the CPU count and the load average before and after
  (on a shared 2-core machine the figures are only meaningful with the load noted).

The server stands in for a model on other hardware, so three things keep its own costs
off the client's account: with 2 or more CPUs it is pinned to one CPU and the client to the
others (`--no-pin` shares them; see `_pin`); it answers on time to within about 0.1 ms
(`Punctual`: asyncio's timers fire up to a millisecond late); and every timed run starts
with the client's connection pool warm (a warm-up run opens the 100 connections first), as
in a long-lived client (`kimi-code serve`, the language server).

The bound is exact for this workload: the 100 tasks are independent and equal (15 model
round trips each), and an agent holds its slot for its whole task, so k agents need
ceil(100 / k) rounds of 15 x latency.

    .venv/bin/python benchmarks/swarm_bench.py [--latency 0.1] [--no-pin] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import heapq
import json
import math
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from kimi_code.index import build_index
from kimi_code.llm.openai_compat import ClientConfig, OpenAICompatClient
from kimi_code.llm.scripted import ScriptedBackend, Turn, assistant_turns, first_user_text
from kimi_code.llm.types import BackendInfo, ChatBackend, Message
from kimi_code.model.changes import FileChange
from kimi_code.recipes.base import Diagnostic, Tool, Verification, Workspace
from kimi_code.recipes.registry import register_recipe
from kimi_code.swarm.api import RunRequest, start_run

FILES = 100
CALLS_PER_FILE = 15
FILE_RE = re.compile(r"Files you own:\n- (\S+)")


def call_for(task: str, turn: int) -> tuple[str, dict[str, Any]]:
    """The scripted tool call at `turn` of a task: 14 line-range reads, then done."""
    match = FILE_RE.search(task)
    path = match.group(1) if match else "?"
    if turn >= CALLS_PER_FILE - 1:
        return "done", {"summary": "read"}
    return "read_file", {"path": path, "start_line": turn + 1, "end_line": turn + 2}


def next_call(messages: Sequence[Message]) -> tuple[str, dict[str, Any]]:
    """The next scripted call for an in-process conversation."""
    return call_for(first_user_text(messages), assistant_turns(messages))


def next_wire_call(messages: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The next scripted call for a conversation in OpenAI wire form."""
    task = next((str(m["content"]) for m in messages if m["role"] == "user"), "")
    return call_for(task, sum(1 for m in messages if m["role"] == "assistant"))


# -- the loopback server (child process) ---------------------------------------------------


CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


def answer_for(body: dict[str, Any], counter: int) -> bytes:
    """The HTTP response to one chat request: the scripted tool call for its conversation."""
    name, args = next_wire_call(body["messages"])
    answer = {
        "id": f"c{counter}",
        "object": "chat.completion",
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": f"call{counter}",
                            "type": "function",
                            "function": {"name": name, "arguments": json.dumps(args)},
                        }
                    ],
                },
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
    }
    data = json.dumps(answer).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}"
    return head.encode() + b"\r\n\r\n" + data


class Punctual:
    """Calls made on the event loop at given times, to within about 0.1 ms.

    asyncio's own timers wake through epoll, whose timeout is rounded up to whole
    milliseconds: each answer would come up to a millisecond after its latency, and that
    lateness (the stand-in model's, not the client's) would count against the client. A
    thread sleeps until each deadline instead and hands the call to the loop.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._heap: list[tuple[float, int, Callable[[], object]]] = []
        self._seq = 0
        self._cond = threading.Condition()
        threading.Thread(target=self._run, daemon=True, name="punctual").start()

    def call_at(self, when: float, fn: Callable[[], object]) -> None:
        """Run `fn` on the loop at `time.monotonic()` == `when`."""
        with self._cond:
            self._seq += 1
            heapq.heappush(self._heap, (when, self._seq, fn))
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                delay = self._heap[0][0] - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                due = []
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    due.append(heapq.heappop(self._heap)[2])
            self._loop.call_soon_threadsafe(_call_all, due)


def _call_all(calls: list[Callable[[], object]]) -> None:
    for fn in calls:
        fn()


class BenchServer(asyncio.Protocol):
    """One keep-alive connection of the loopback model server.

    A bare protocol, not asyncio streams: the server stands in for a model server on other
    hardware, so its own CPU per request is kept small (it shares the 2 cores with the client
    under test). It still parses every request (head, Content-Length, the JSON body) and
    answers from the conversation it carries, after the latency the model id names.
    """

    def __init__(self, timer: Punctual) -> None:
        self._buf = bytearray()
        self._counter = 0
        self._timer = timer
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        arrived = time.monotonic()
        self._buf += data
        while (end := self._buf.find(b"\r\n\r\n")) >= 0:
            match = CONTENT_LENGTH.search(self._buf, 0, end + 2)
            if match is None:
                raise ValueError("request without Content-Length")
            size = end + 4 + int(match.group(1))
            if len(self._buf) < size:
                return
            body = json.loads(self._buf[end + 4 : size])
            del self._buf[:size]
            self._counter += 1
            reply = answer_for(body, self._counter)
            latency = float(body["model"].removeprefix("bench-"))
            assert self._transport is not None
            if latency > 0:
                write = functools.partial(self._transport.write, reply)
                self._timer.call_at(arrived + latency, write)
            else:
                self._transport.write(reply)


async def _serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    timer = Punctual(loop)
    server = await loop.create_server(lambda: BenchServer(timer), "127.0.0.1", port, backlog=512)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


def _pin(server_pid: int) -> dict[str, list[int]] | None:
    """Give the loopback server a CPU of its own and the client the others.

    The server stands in for a model server on other hardware. Sharing CPUs, every request
    the client sends wakes the server on the client's own CPU (loopback wake-ups are
    "sync" wake-ups) and the client is preempted in mid-burst: a cost that hardware of its
    own does not impose. None when there are fewer than 2 CPUs to split.
    """
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    server_cpus, client_cpus = cpus[-1:], cpus[:-1]
    os.sched_setaffinity(server_pid, server_cpus)
    os.sched_setaffinity(0, client_cpus)
    return {"server_cpus": server_cpus, "client_cpus": client_cpus}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the workload ---------------------------------------------------------------------------


class BenchRecipe:
    """Selects every .js file; no tools or steps of its own; verification passes."""

    name = "bench"
    description = "read every file (benchmark)"

    def select_files(self, index: Any, scope: Sequence[str] | None) -> list[str]:
        return sorted(p for p in index.files if p.endswith(".js"))

    def tools(self) -> Sequence[Tool]:
        return []

    def steps(self, files: Sequence[str]) -> Sequence[tuple[str, dict[str, Any]]]:
        return [("read_file", {"path": f}) for f in files for _ in range(CALLS_PER_FILE)]

    async def prepare(self, workspace: Workspace, index: Any) -> Sequence[FileChange]:
        return []

    async def verify(self, workspace: Workspace, index: Any) -> Verification:
        return Verification(ok=True, errors_before=0, errors_after=0)

    def fixup_steps(
        self, files: Sequence[str], diagnostics: Sequence[Diagnostic]
    ) -> Sequence[tuple[str, dict[str, Any]]]:
        return []


def make_workspace(root: Path) -> None:
    for i in range(FILES):
        lines = [f"export function f{i}_{j}(a, b) {{ return a + b + {j}; }}" for j in range(20)]
        (root / "src").mkdir(parents=True, exist_ok=True)
        (root / "src" / f"m{i:03d}.js").write_text("\n".join(lines) + "\n")


async def one_run(root: Path, index: Any, backend: ChatBackend, agents: int) -> dict[str, Any]:
    request = RunRequest(root=root, recipe="bench", max_agents=agents, dry_run=True, policy="model")
    began = time.perf_counter()
    handle = await start_run(request, backend=backend, index=index)
    report = await handle.wait()
    wall = time.perf_counter() - began
    done = sum(1 for f in report.files if f.status == "unchanged")
    if done != FILES or report.tool_calls != FILES * CALLS_PER_FILE:
        raise SystemExit(f"bench run failed: {done} agents done, {report.tool_calls} tool calls")
    return {"agents": agents, "wall": wall, "tool_calls": report.tool_calls}


def _client(port: int, latency: float) -> OpenAICompatClient:
    info = BackendInfo(name="loopback", model=f"bench-{latency:g}", capable=True)
    url = f"http://127.0.0.1:{port}/v1"
    return OpenAICompatClient(ClientConfig(base_url=url, info=info, max_connections=100))


def _score(runs: list[dict[str, Any]], latency: float) -> dict[str, Any]:
    """Add the bound and efficiency to each run; the 100-agent efficiency and speedup."""
    for run in runs:
        run["bound"] = math.ceil(FILES / run["agents"]) * CALLS_PER_FILE * latency
        run["efficiency"] = run["bound"] / run["wall"]
    by = {r["agents"]: r for r in runs}
    return {
        "runs": sorted(runs, key=lambda r: r["agents"]),
        "efficiency_at_100": by[100]["efficiency"] if 100 in by else None,
        "speedup_100_vs_1": by[1]["wall"] / by[100]["wall"] if {1, 100} <= set(by) else None,
        "ideal_speedup": by[1]["bound"] / by[100]["bound"] if {1, 100} <= set(by) else None,
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(root: Path, port: int, latency: float, counts: Sequence[int]) -> dict[str, Any]:
    """Run the workload in-process and over HTTP at each agent count; return the figures."""
    load_before = os.getloadavg()
    index = await asyncio.to_thread(build_index, root)
    scripted = ScriptedBackend(lambda m: Turn(tool_calls=(next_call(m),)))
    await one_run(root, index, scripted, 100)  # warm-up
    inproc_zero = await one_run(root, index, scripted, 100)
    slow = ScriptedBackend(lambda m: Turn(tool_calls=(next_call(m),)), latency=latency)
    inproc = [await one_run(root, index, slow, n) for n in sorted(counts, reverse=True)]
    async with _client(port, 0.0) as client:
        await one_run(root, index, client, 100)  # warm-up: connections, caches
        zero = await one_run(root, index, client, 100)
    runs, peak_mb = [], 0.0
    async with _client(port, latency) as client:
        await one_run(root, index, client, 100)  # warm-up: open the pool's 100 connections
        for agents in sorted(counts, reverse=True):
            runs.append(await one_run(root, index, client, agents))
            if agents == 100:
                peak_mb = _peak_rss_mb()
    calls = FILES * CALLS_PER_FILE
    http = _score(runs, latency)
    local = _score(inproc, latency)
    return {
        "latency_s": latency,
        "tool_calls": calls,
        **http,
        "overhead_ms_per_tool_call": 1000 * zero["wall"] / calls,
        "orchestration_ms_per_tool_call": 1000 * inproc_zero["wall"] / calls,
        "inprocess": local,
        "inprocess_efficiency_at_100": local["efficiency_at_100"],
        "inprocess_speedup_100_vs_1": local["speedup_100_vs_1"],
        "peak_rss_mb": peak_mb or _peak_rss_mb(),
        "cpus": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=0.1, help="model latency in seconds")
    parser.add_argument("--agents", default="1,10,50,100", help="agent counts to run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--no-pin", action="store_true", help="share every CPU between client and server"
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.serve))
        return 0
    register_recipe("bench", BenchRecipe)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE
    )
    pinned = _pin(server.pid) if not args.no_pin else None
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == b"ready"
        with tempfile.TemporaryDirectory(prefix="swarm-bench-") as tmp:
            make_workspace(Path(tmp))
            counts = [int(n) for n in args.agents.split(",")]
            result = asyncio.run(measure(Path(tmp), port, args.latency, counts))
            result["pinned"] = pinned
    finally:
        server.terminate()
        server.wait()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


def print_table(result: dict[str, Any]) -> None:
    """Print the side-by-side table: HTTP client and in-process backend at each count."""
    latency = result["latency_s"]
    print(f"workload: {FILES} independent files x {CALLS_PER_FILE} tool calls = ", end="")
    print(f"{result['tool_calls']} tool calls; model latency {latency}s per call")
    print("HTTP: the real OpenAI-compatible client -> loopback server (child process)")
    if result.get("pinned"):
        pin = result["pinned"]
        print(f"      server pinned to CPU {pin['server_cpus']}, client to {pin['client_cpus']}")
    else:
        print("      client and server share every CPU (--no-pin)")
    print(f"machine: {result['cpus']} CPUs, load average before {result['load_avg_before']}, ")
    print(f"         after {result['load_avg_after']}")
    head = f"{'HTTP wall':>9} {'eff':>6} | {'in-proc wall':>12} {'eff':>6}"
    print(f"{'agents':>6} {'bound s':>8} | {head}")
    local = {r["agents"]: r for r in result["inprocess"]["runs"]}
    for run in result["runs"]:
        mine = local.get(run["agents"], {})
        print(
            f"{run['agents']:>6} {run['bound']:>8.2f} | {run['wall']:>9.2f} "
            f"{run['efficiency']:>6.3f} | {mine.get('wall', float('nan')):>12.2f} "
            f"{mine.get('efficiency', float('nan')):>6.3f}"
        )
    if result["speedup_100_vs_1"] is not None:
        ideal = result["ideal_speedup"]
        print(
            f"speedup 100 vs 1: HTTP {result['speedup_100_vs_1']:.1f}x, in-process "
            f"{result['inprocess_speedup_100_vs_1']:.1f}x (ideal {ideal:.0f}x)"
        )
    http_ms = result["overhead_ms_per_tool_call"]
    local_ms = result["orchestration_ms_per_tool_call"]
    print(f"overhead per tool call at zero latency, via the HTTP client: {http_ms:.3f} ms")
    print(f"orchestration alone (in-process scripted backend):          {local_ms:.3f} ms")
    print(f"peak RSS at 100 agents: {result['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    raise SystemExit(main())
