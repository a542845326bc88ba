"""`llama-server` as a managed subprocess (engine layer).

llama.cpp's server batches all parallel slots into one forward pass (continuous batching), which
is what lets many agents share one CPU model. `LlamaServer` starts it on a free loopback port,
waits for `/health`, restarts it when it crashes, and stops it with its parent: it runs in its
own process group, is killed by an `atexit` hook, and on Linux asks the kernel for SIGKILL when
the parent dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from kimi_code.errors import BackendUnavailable, ConfigError

__all__ = ["EngineSettings", "LlamaServer", "find_server_binary", "repo_build_dir"]

_LIVE: set[int] = set()
"""Process-group ids of running servers, killed at interpreter exit."""


def default_threads() -> int:
    """Half the cores (at least one): the engine shares the machine with the agents' tools.

    llama.cpp's threads meet at a barrier after every layer and spin while they wait; when
    other processes (the JS->TS recipe's Node helpers, tsc) hold some of the cores, one thread
    is descheduled and the rest spin: on 2 shared cores, 2 threads decoded the recipe's type
    question ~8x slower than 1 (42 s vs 5.4 s at load average 3-4).
    """
    return max(1, (os.cpu_count() or 2) // 2)


def repo_build_dir() -> Path:
    """The `.build/` folder of the source checkout (where `make setup` puts the engine)."""
    return Path(__file__).resolve().parents[2] / ".build"


def find_server_binary() -> Path | None:
    """Locate `llama-server`: $KIMI_CODE_LLAMA_SERVER, the setup build, then PATH."""
    env = os.environ.get("KIMI_CODE_LLAMA_SERVER")
    candidates = [Path(env)] if env else []
    candidates.append(repo_build_dir() / "llama/bin/llama-server")
    found = shutil.which("llama-server")
    if found:
        candidates.append(Path(found))
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """How to run one `llama-server`."""

    model_path: Path
    parallel: int = 8
    """Slots decoded together (continuous batching): the agents served at once."""
    ctx_per_slot: int = 4096
    """Context tokens per slot; the KV cache is unified so one long request can use more."""
    threads: int | None = None
    """CPU threads (default: half the cores, at least one; see `default_threads`)."""
    host: str = "127.0.0.1"
    port: int | None = None
    """Fixed port (default: a free one)."""
    binary: Path | None = None
    extra_args: tuple[str, ...] = ()
    startup_timeout: float = 120.0
    max_restarts: int = 3


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


@atexit.register
def _kill_all() -> None:
    for pgid in list(_LIVE):
        _kill_group(pgid, signal.SIGKILL)


class LlamaServer:
    """One managed `llama-server` process."""

    def __init__(self, settings: EngineSettings) -> None:
        """Check the settings; nothing starts until `start`.

        Raises:
            ConfigError: the model file or the `llama-server` binary is missing.
        """
        if not settings.model_path.is_file():
            raise ConfigError("model file not found", path=str(settings.model_path))
        binary = settings.binary or find_server_binary()
        if binary is None:
            raise ConfigError("llama-server not found: run `make setup` (builds .build/llama/)")
        self.settings = settings
        self.binary = binary
        self.port = settings.port or 0
        self.restarts = 0
        self._proc: asyncio.subprocess.Process | None = None
        self._watch: asyncio.Task[None] | None = None
        self._stopping = False
        self._log = Path(tempfile.gettempdir()) / f"kimi-llama-server-{os.getpid()}-{id(self)}.log"

    @property
    def base_url(self) -> str:
        """OpenAI-compatible base URL of the running server."""
        return f"http://{self.settings.host}:{self.port}/v1"

    @property
    def log_path(self) -> Path:
        """Where the server's output goes."""
        return self._log

    @property
    def pid(self) -> int | None:
        """Process id while running."""
        return self._proc.pid if self._proc and self._proc.returncode is None else None

    def command(self) -> list[str]:
        """The full command line."""
        s = self.settings
        threads = s.threads or default_threads()
        return [
            str(self.binary),
            "-m",
            str(s.model_path),
            "--host",
            s.host,
            "--port",
            str(self.port),
            "-np",
            str(s.parallel),
            "-c",
            str(s.parallel * s.ctx_per_slot),
            "--kv-unified",
            "-t",
            str(threads),
            "-tb",
            str(threads),
            "--jinja",
            "--no-webui",
            *s.extra_args,
        ]

    async def start(self) -> None:
        """Start the server and wait until `/health` answers 200.

        Raises:
            BackendUnavailable: it exited or did not become healthy in time.
        """
        self._stopping = False
        await self._spawn()
        self._watch = asyncio.create_task(self._watchdog())

    async def _spawn(self) -> None:
        if not self.port:  # once: a restarted server keeps its URL
            self.port = _free_port(self.settings.host)
        with self._log.open("ab") as log:
            self._proc = await asyncio.create_subprocess_exec(
                *self.command(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        _LIVE.add(self._proc.pid)
        await self._wait_healthy()

    async def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.settings.startup_timeout
        url = f"http://{self.settings.host}:{self.port}/health"
        async with httpx.AsyncClient(timeout=2.0) as http:
            while time.monotonic() < deadline:
                proc = self._proc
                if proc is None or proc.returncode is not None:
                    raise BackendUnavailable(f"llama-server exited: {self._tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(url)).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        await self._terminate()
        raise BackendUnavailable(f"llama-server not healthy after {self.settings.startup_timeout}s")

    def _tail(self, n: int = 1500) -> str:
        try:
            return self._log.read_text(errors="replace")[-n:]
        except OSError:
            return "(no log)"

    async def _watchdog(self) -> None:
        """Restart the server when it dies unexpectedly (at most `max_restarts` times)."""
        while not self._stopping and self._proc is not None:
            await self._proc.wait()
            _LIVE.discard(self._proc.pid)
            if self._stopping or self.restarts >= self.settings.max_restarts:
                return
            self.restarts += 1
            try:
                await self._spawn()
            except BackendUnavailable:
                return

    async def healthy(self) -> bool:
        """Whether `/health` answers 200 now."""
        url = f"http://{self.settings.host}:{self.port}/health"
        try:
            async with httpx.AsyncClient(timeout=2.0) as http:
                return (await http.get(url)).status_code == 200
        except httpx.TransportError:
            return False

    async def stop(self) -> None:
        """Stop the server (SIGTERM to its process group, SIGKILL after 5 s)."""
        self._stopping = True
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        await self._terminate()
        with contextlib.suppress(OSError):
            self._log.unlink()

    async def _terminate(self) -> None:
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        _kill_group(proc.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 5.0)
        except TimeoutError:
            _kill_group(proc.pid, signal.SIGKILL)
            await proc.wait()
        _LIVE.discard(proc.pid)

    async def __aenter__(self) -> LlamaServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
