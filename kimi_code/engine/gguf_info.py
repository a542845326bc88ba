"""GGUF model metadata for `/v1/models` and `BackendInfo` (engine layer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gguf

from kimi_code.errors import ConfigError

__all__ = ["ModelInfo", "read_model_info"]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What a GGUF file says about its model."""

    path: Path
    name: str
    architecture: str
    context_length: int
    expert_count: int
    """0 for a dense model."""
    expert_used_count: int
    """Experts active per token (0 for a dense model)."""
    size_bytes: int

    @property
    def model_id(self) -> str:
        """The id clients send: the file name without `.gguf`."""
        return self.path.stem

    def to_json(self) -> dict[str, Any]:
        """Return the details shown by `/v1/models`."""
        return {
            "file": str(self.path),
            "name": self.name,
            "architecture": self.architecture,
            "context_length": self.context_length,
            "expert_count": self.expert_count,
            "expert_used_count": self.expert_used_count,
            "size_bytes": self.size_bytes,
        }


def read_model_info(path: Path) -> ModelInfo:
    """Read the metadata of a GGUF file.

    Raises:
        ConfigError: the file is missing or is not a GGUF model.
    """
    if not path.is_file():
        raise ConfigError("model file not found", path=str(path))
    try:
        reader = gguf.GGUFReader(path)
    except (ValueError, OSError) as exc:
        raise ConfigError(f"not a GGUF model: {exc}", path=str(path)) from None

    def get(key: str, default: Any) -> Any:
        fld = reader.fields.get(key)
        return fld.contents() if fld is not None else default

    arch = str(get("general.architecture", "unknown"))
    return ModelInfo(
        path=path.resolve(),
        name=str(get("general.name", path.stem)),
        architecture=arch,
        context_length=int(get(f"{arch}.context_length", 0)),
        expert_count=int(get(f"{arch}.expert_count", 0)),
        expert_used_count=int(get(f"{arch}.expert_used_count", 0)),
        size_bytes=path.stat().st_size,
    )
