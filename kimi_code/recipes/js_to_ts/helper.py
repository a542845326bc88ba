"""Client of the recipe's Node helper: a long-running TypeScript 5 language service (core layer).

The helper (`node/server.js`) keeps an in-memory copy of the workspace's source files and
answers JSON-lines requests (module syntax, code fixes, diagnostics). Python feeds it the
staged view of the workspace before each request, so nothing is written to disk. A
`HelperPool` serves one workspace root: each process answers one request at a time, and
concurrent requests (agents of a swarm run) start more processes, up to the pool's size
(`KIMI_JSTS_HELPERS`, default: half the CPUs, 1 to 4; see `pool_size`), each kept in sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
from pathlib import Path
from typing import Any

from kimi_code.errors import ConfigError, KimiError
from kimi_code.recipes.base import Workspace

__all__ = [
    "NODE_DIR",
    "SOURCE_SUFFIXES",
    "HelperError",
    "HelperPool",
    "NodeHelper",
    "helper_for",
    "shutdown_helpers",
]

NODE_DIR = Path(__file__).parent / "node"
SOURCE_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".json")
_LIMIT = 64 * 1024 * 1024  # one response line may carry a whole project's diagnostics
_LARGEST = 8 * 1024 * 1024  # a source file larger is no source TypeScript should be fed


class HelperError(KimiError):
    """The Node helper failed or answered with an error."""


def _check_installed() -> str:
    node = shutil.which("node")
    if node is None:
        raise ConfigError("node (>= 20) is not on PATH; the JS->TS recipe needs it")
    if not (NODE_DIR / "node_modules" / "typescript").is_dir():
        raise ConfigError(f"{NODE_DIR}: TypeScript is not installed; run `make setup` (npm ci)")
    return node


class NodeHelper:
    """One helper process bound to one workspace root."""

    def __init__(self, root: Path, open_args: dict[str, Any] | None = None) -> None:
        """Create a client for `root`; the process starts on first use, opened with
        `open_args` (shared with its pool: what the run decided for every helper)."""
        self.root = root
        self.open_args = open_args if open_args is not None else {}
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._ids = itertools.count(1)
        self._sent: dict[str, str] = {}  # path -> the text the process has

    async def _start(self) -> asyncio.subprocess.Process:
        if self._proc is None or self._proc.returncode is not None:
            node = _check_installed()
            self._proc = await asyncio.create_subprocess_exec(
                node,
                str(NODE_DIR / "server.js"),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=_LIMIT,
            )
            self._sent = {}
            try:
                await self._roundtrip(
                    {"op": "open", "root": str(self.root), "files": {}, **self.open_args}
                )
            except BaseException:
                # not opened: the next call starts again (and meets the same error)
                proc, self._proc = self._proc, None
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
                raise
        return self._proc

    async def start(self) -> None:
        """Start and open the process now, if it is not running.

        Raises:
            HelperError: the helper failed to start.
            ConfigError: node or the helper's packages are missing, or the project's
                tsconfig.json cannot be read.
        """
        async with self._lock:
            await self._start()

    async def _roundtrip(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        request = {**request, "id": next(self._ids)}
        proc.stdin.write((json.dumps(request) + "\n").encode())
        await proc.stdin.drain()
        line = await proc.stdout.readline()
        if not line:
            raise HelperError(f"node helper exited (code {proc.returncode}) during {request['op']}")
        reply = json.loads(line)
        if not reply.get("ok"):
            if reply.get("input"):
                raise ConfigError(str(reply.get("error")))
            raise HelperError(f"node helper {request['op']}: {reply.get('error')}")
        result: dict[str, Any] = reply["result"]
        return result

    def _delta(self, workspace: Workspace) -> dict[str, str | None]:
        current: dict[str, str] = {}
        for path in workspace.files():
            if path.endswith(SOURCE_SUFFIXES):
                text = _source_text(workspace, path)
                if text is not None:
                    current[path] = text
        # texts, not hashes, are compared: most are the very objects compared last time
        delta: dict[str, str | None] = {p: t for p, t in current.items() if self._sent.get(p) != t}
        delta.update({p: None for p in self._sent if p not in current})
        self._sent = current
        return delta

    async def call(self, workspace: Workspace, op: str, **args: Any) -> dict[str, Any]:
        """Sync the helper with `workspace`'s staged view, then run `op`.

        Raises:
            HelperError: the helper crashed or reported an error.
            ConfigError: node or the helper's packages are missing, or the project's
                tsconfig.json cannot be read.
        """
        async with self._lock:
            await self._start()
            delta = self._delta(workspace)
            if delta:
                await self._roundtrip({"op": "update", "files": delta})
            result = await self._roundtrip({"op": op, **args})
            if isinstance(result.get("text"), str) and isinstance(args.get("path"), str):
                # the helper now holds the new text; it is staged by the caller next
                self._sent[args["path"]] = result["text"]
            return result

    def kill(self) -> None:
        """Kill the process without the event loop (its loop may be gone)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)

    async def close(self) -> None:
        """Stop the helper process."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except TimeoutError:
                proc.kill()
                await proc.wait()


def _source_text(workspace: Workspace, path: str) -> str | None:
    """The text of `path` as TypeScript reads it; None for a file it would not read.

    A file that is not UTF-8 is left as it is by the run, but TypeScript reads it anyway
    (invalid bytes as U+FFFD) when converted code imports it, so the helper must see it too.
    """
    try:
        return workspace.read_text(path)
    except KimiError:
        pass
    try:
        with open(workspace.root / path, "rb") as handle:
            data = handle.read(_LARGEST + 1)
    except OSError:
        return None
    if len(data) > _LARGEST or b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", "replace")


def pool_size(cpus: int | None = None) -> int:
    """Helper processes a pool may start: `KIMI_JSTS_HELPERS`, else half the CPUs (1 to 4).

    One helper keeps about one and a half CPUs busy (V8 collects garbage on threads of its
    own while the checker runs), so one per two CPUs: on two CPUs, two helpers each ran a
    re-check at about 55% of the speed of one alone (106 ms against 60 ms for qs's
    utils.ts), and the JS->TS corpus converted 5% faster with one helper than with two.

    Raises:
        ConfigError: `KIMI_JSTS_HELPERS` is not a positive integer.
    """
    raw = os.environ.get("KIMI_JSTS_HELPERS")
    if raw is None:
        return max(1, min((cpus or os.cpu_count() or 1) // 2, 4))
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"KIMI_JSTS_HELPERS must be a positive integer, not {raw!r}")
    return int(raw)


class HelperPool:
    """Helper processes of one workspace root; a request takes an idle one (or starts one).

    A request about a file goes, when it can, to the process that handled that file last: it
    holds the file's program and the diagnostics it remembers (trial texts come back often).
    """

    def __init__(self, root: Path, size: int) -> None:
        """A pool of at most `size` processes for `root`; none starts before the first call."""
        self.root = root
        self.size = size
        # options every process is opened with: the run's decisions (`nodeTypes`)
        self.open_args: dict[str, Any] = {}
        self._helpers: list[NodeHelper] = []
        self._idle: list[NodeHelper] = []
        self._last: dict[int, str] = {}  # id(helper) -> path of its last request
        self._freed = asyncio.Condition()

    async def _acquire(self, path: str | None) -> NodeHelper:
        async with self._freed:
            while not self._idle and len(self._helpers) >= self.size:
                await self._freed.wait()
            if not self._idle:
                helper = NodeHelper(self.root, self.open_args)
                self._helpers.append(helper)
                return helper
            mine = [h for h in self._idle if path is not None and self._last.get(id(h)) == path]
            helper = (mine or self._idle)[0]
            self._idle.remove(helper)
            return helper

    async def _release(self, helper: NodeHelper, path: str | None) -> None:
        async with self._freed:
            if path is not None:
                self._last[id(helper)] = path
            self._idle.append(helper)
            self._freed.notify()

    async def call(self, workspace: Workspace, op: str, **args: Any) -> dict[str, Any]:
        """Run `op` on an idle helper, synced with `workspace` first (see `NodeHelper.call`).

        Raises:
            HelperError: the helper crashed or reported an error.
            ConfigError: node or the helper's packages are missing.
        """
        path = args.get("path") if isinstance(args.get("path"), str) else None
        helper = await self._acquire(path)
        try:
            return await helper.call(workspace, op, **args)
        finally:
            await self._release(helper, path)

    async def prestart(self) -> None:
        """Start the first process ahead of the first request (nothing if one exists).

        Raises:
            HelperError: the helper failed to start.
            ConfigError: see `NodeHelper.start`.
        """
        if self._helpers:
            return
        helper = await self._acquire(None)
        try:
            await helper.start()
        finally:
            await self._release(helper, None)

    @property
    def processes(self) -> int:
        """How many helper processes the pool has started."""
        return len(self._helpers)

    def kill(self) -> None:
        """Kill every process without the event loop (its loop may be gone)."""
        for helper in self._helpers:
            helper.kill()

    async def close(self) -> None:
        """Stop every process."""
        for helper in self._helpers:
            await helper.close()


_HELPERS: dict[tuple[Path, int], tuple[asyncio.AbstractEventLoop, HelperPool]] = {}
"""Pools by (workspace root, event loop): a process's pipes belong to the loop that made it."""


def helper_for(root: Path) -> HelperPool:
    """The shared helper pool of workspace `root` on the running loop (created on first use).

    Raises:
        ConfigError: `KIMI_JSTS_HELPERS` is not a positive integer.
    """
    loop = asyncio.get_running_loop()
    _forget_dead_loops()
    key = (root.resolve(), id(loop))
    if key not in _HELPERS:
        _HELPERS[key] = (loop, HelperPool(key[0], pool_size()))
    return _HELPERS[key][1]


def _forget_dead_loops() -> None:
    """Kill helpers whose loop is closed: nothing can talk to them any more."""
    for key, (loop, helper) in list(_HELPERS.items()):
        if loop.is_closed():
            del _HELPERS[key]
            helper.kill()


async def shutdown_helpers(root: Path | None = None) -> None:
    """Stop the helper processes of the running loop (of resolved `root` only, if given)."""
    loop = asyncio.get_running_loop()
    _forget_dead_loops()
    for key, (owner, helper) in list(_HELPERS.items()):
        if owner is loop and (root is None or key[0] == root):
            del _HELPERS[key]
            await helper.close()
