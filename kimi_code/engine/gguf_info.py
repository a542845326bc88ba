"""GGUF model metadata for `/v1/models` and `BackendInfo` (engine layer).

Only the header's key-value section is read, and only until the few keys needed are found:
`gguf.GGUFReader` maps and decodes the whole file, tokenizer vocabulary included (seconds
on every `kimi-code` run that names the local model, before anything else can start).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

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


_MAGIC = b"GGUF"
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q"}
_SCALARS |= {11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_U64 = struct.Struct("<Q")


def _read(f: BinaryIO, fmt: str) -> Any:
    size = struct.calcsize(fmt)
    data = f.read(size)
    if len(data) != size:
        raise ValueError("truncated GGUF header")
    return struct.unpack(fmt, data)[0]


def _string(f: BinaryIO) -> str:
    return bytes(f.read(_read(f, "<Q"))).decode("utf-8", errors="replace")


def _value(f: BinaryIO, kind: int, keep: bool) -> Any:
    """Read (or, with `keep` false, skip cheaply) one value of GGUF type `kind`."""
    if kind in _SCALARS:
        return _read(f, _SCALARS[kind])
    if kind == _STRING:
        return _string(f) if keep else f.seek(_read(f, "<Q"), 1)
    if kind != _ARRAY:
        raise ValueError(f"unknown GGUF value type {kind}")
    elem, count = _read(f, "<I"), _read(f, "<Q")
    if elem in _SCALARS and not keep:
        return f.seek(struct.calcsize(_SCALARS[elem]) * count, 1)
    if elem == _STRING and not keep:
        return _skip_strings(f, count)
    return [_value(f, elem, keep) for _ in range(count)]


def _skip_strings(f: BinaryIO, count: int) -> None:
    """Skip `count` strings (a u64 length, then the bytes) reading blocks, not each string.

    A tokenizer's vocabulary and merges are ~100k strings; a read and a seek per string took
    most of the header's reading time.
    """
    base, block, at = f.tell(), b"", 0  # `at`: the next string's offset in `block`, read at `base`
    for _ in range(count):
        if at + 8 > len(block):
            base += at
            f.seek(base)
            block, at = f.read(1 << 20), 0
            if len(block) < 8:
                raise ValueError("truncated GGUF header")
        at += 8 + _U64.unpack_from(block, at)[0]
    f.seek(base + at)


def _metadata(path: Path, wanted: set[str]) -> dict[str, Any]:
    """The `wanted` keys of the header (reading stops once all are found)."""
    found: dict[str, Any] = {}
    with path.open("rb") as f:
        if f.read(4) != _MAGIC:
            raise ValueError("no GGUF magic number")
        version = _read(f, "<I")
        if version < 2:
            raise ValueError(f"GGUF version {version} is not supported")
        _read(f, "<Q")  # tensor count
        for _ in range(_read(f, "<Q")):
            key = _string(f)
            kind = _read(f, "<I")
            value = _value(f, kind, key in wanted or key == "general.architecture")
            if key == "general.architecture":
                wanted = wanted | {f"{value}.{k}" for k in _PER_ARCH}
            if key in wanted:
                found[key] = value
                if wanted <= found.keys():
                    break
    return found


_PER_ARCH = ("context_length", "expert_count", "expert_used_count")


def read_model_info(path: Path) -> ModelInfo:
    """Read the metadata of a GGUF file.

    Raises:
        ConfigError: the file is missing or is not a GGUF model.
    """
    if not path.is_file():
        raise ConfigError("model file not found", path=str(path))
    try:
        meta = _metadata(path, {"general.architecture", "general.name"})
    except (ValueError, OSError, struct.error) as exc:
        raise ConfigError(f"not a GGUF model: {exc}", path=str(path)) from None
    arch = str(meta.get("general.architecture", "unknown"))
    return ModelInfo(
        path=path.resolve(),
        name=str(meta.get("general.name", path.stem)),
        architecture=arch,
        context_length=int(meta.get(f"{arch}.context_length", 0)),
        expert_count=int(meta.get(f"{arch}.expert_count", 0)),
        expert_used_count=int(meta.get(f"{arch}.expert_used_count", 0)),
        size_bytes=path.stat().st_size,
    )
