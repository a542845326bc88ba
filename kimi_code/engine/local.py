"""The bundled local engine: the default MoE GGUF served by a managed `llama-server`.

`LocalEngine` picks the model (an explicit GGUF, $KIMI_CODE_MODEL_PATH, or the default model
that `make setup` builds into `.build/models/`), sizes the server's parallel slots to the
number of agents, and starts it on first use. The OpenAI-compatible client in `kimi_code.llm`
talks to `base_url`.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from kimi_code.engine.gguf_info import ModelInfo, read_model_info
from kimi_code.engine.llama_server import EngineSettings, LlamaServer, repo_build_dir
from kimi_code.errors import ConfigError

__all__ = ["DEFAULT_MODEL_NAME", "LocalEngine", "default_model_path"]

DEFAULT_MODEL_NAME = "kimi-moe-smollm2.gguf"
MAX_SLOTS = 16
"""More slots than this only add KV memory on a CPU: extra agents queue in the client pool."""


def default_model_path() -> Path:
    """The default model: $KIMI_CODE_MODEL_PATH or `.build/models/kimi-moe-smollm2.gguf`."""
    env = os.environ.get("KIMI_CODE_MODEL_PATH")
    return Path(env).expanduser() if env else repo_build_dir() / "models" / DEFAULT_MODEL_NAME


class LocalEngine:
    """A lazily started `llama-server` for one GGUF model."""

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        parallel: int = 8,
        ctx_per_slot: int = 4096,
        threads: int | None = None,
        port: int | None = None,
    ) -> None:
        """Describe the engine; nothing starts until `start`.

        Raises:
            ConfigError: the model is missing (run `make setup`) or not a GGUF file, or the
                `llama-server` binary is missing.
        """
        path = model_path or default_model_path()
        if not path.is_file():
            hint = " (run `make setup` to build the default model)" if model_path is None else ""
            raise ConfigError(f"model file not found{hint}", path=str(path))
        self.model: ModelInfo = read_model_info(path)
        slots = max(1, min(parallel, MAX_SLOTS))
        settings = EngineSettings(
            model_path=self.model.path,
            parallel=slots,
            ctx_per_slot=ctx_per_slot,
            threads=threads,
            port=port,
        )
        self.server = LlamaServer(settings)
        self._lock = asyncio.Lock()
        self._started = False

    @property
    def model_id(self) -> str:
        """Model id used in requests and shown by `/v1/models`."""
        return self.model.model_id

    @property
    def parallel(self) -> int:
        """Number of slots decoded together."""
        return self.server.settings.parallel

    @property
    def ctx_per_slot(self) -> int:
        """Context tokens per slot."""
        return self.server.settings.ctx_per_slot

    async def start(self) -> str:
        """Start the server once (concurrent callers wait for the same start); return its URL.

        Raises:
            BackendUnavailable: the server did not come up.
        """
        async with self._lock:
            if not self._started:
                await self.server.start()
                self._started = True
        return self.server.base_url

    async def aclose(self) -> None:
        """Stop the server."""
        async with self._lock:
            if self._started:
                await self.server.stop()
                self._started = False

    async def __aenter__(self) -> LocalEngine:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
