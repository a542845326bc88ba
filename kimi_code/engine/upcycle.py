"""Sparse upcycling of a dense llama GGUF into a Mixtral-style MoE GGUF (engine layer).

The dense feed-forward block of every layer becomes `experts` experts plus a router:
`blk.N.ffn_gate_inp` (router), `blk.N.ffn_{gate,up,down}_exps` (stacked experts) and the
metadata `llama.expert_count` / `llama.expert_used_count`. llama.cpp normalises the top-k
router weights of llama MoEs, which the layouts below rely on:

- `copy` (default): every expert starts as a copy of the dense FFN (sparse upcycling) and
  `used` of them run per token. Greedy output is bit-identical to the dense model's (the
  normalised weights sum to exactly 1). With the default `used=1` and a `zero` router every
  token of a batch takes the same expert, so per-token compute and continuous batching equal
  the dense model's; a `random` router (the textbook init) scatters the tokens of a batch
  across experts and batches worst on a CPU.
- `split`: the FFN's intermediate dimension is cut into `experts` fine-grained experts, all
  routed per token, down projections scaled by `experts`. Same compute as dense, but the
  partial sums change float summation order: output equals the dense model's only
  approximately (greedy text can drift after a few dozen tokens).

Quantised blocks are sliced and stacked as raw bytes; scaling by a power of two touches only
the fp16 scale fields of Q4_0/Q4_1/Q8_0 blocks, so it is exact.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import gguf
import numpy as np

__all__ = ["UpcycleResult", "main", "upcycle"]

Layout = Literal["split", "copy"]
Router = Literal["zero", "random"]
FFN = ("ffn_gate", "ffn_up", "ffn_down")
# bytes per block and the byte offsets of the fp16 fields a scale multiplies
_SCALED_FIELDS: dict[gguf.GGMLQuantizationType, tuple[int, tuple[int, ...]]] = {
    gguf.GGMLQuantizationType.Q4_0: (18, (0,)),
    gguf.GGMLQuantizationType.Q4_1: (20, (0, 2)),
    gguf.GGMLQuantizationType.Q8_0: (34, (0,)),
}


@dataclass(frozen=True, slots=True)
class UpcycleResult:
    """What `upcycle` wrote."""

    path: Path
    layers: int
    experts: int
    used: int
    layout: str


def _scale_blocks(raw: np.ndarray, qtype: gguf.GGMLQuantizationType, factor: int) -> np.ndarray:
    """Multiply every weight of quantised `raw` (uint8 rows) by a power of two, exactly."""
    if qtype in (gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16):
        return (raw * factor).astype(raw.dtype)
    if qtype not in _SCALED_FIELDS:
        raise ValueError(f"cannot scale {qtype.name} weights; use --layout copy")
    size, offsets = _SCALED_FIELDS[qtype]
    blocks = raw.reshape(-1, size).copy()
    for off in offsets:
        half = blocks[:, off : off + 2].copy().view(np.float16)
        blocks[:, off : off + 2] = (half * np.float16(factor)).view(np.uint8)
    return blocks.reshape(raw.shape)


def _expert_slices(
    name: str, data: np.ndarray, qtype: gguf.GGMLQuantizationType, experts: int, layout: Layout
) -> np.ndarray:
    """Return the stacked expert tensor (experts, rows, row_bytes) of one dense FFN tensor."""
    if layout == "copy":
        return np.stack([data] * experts)
    if name == "ffn_down":  # rows are outputs; the intermediate dim runs along each row
        width = data.shape[1] // experts
        parts = [data[:, e * width : (e + 1) * width] for e in range(experts)]
        return np.stack([_scale_blocks(np.ascontiguousarray(p), qtype, experts) for p in parts])
    rows = data.shape[0] // experts  # gate/up: rows are the intermediate dim
    return np.stack([data[e * rows : (e + 1) * rows] for e in range(experts)])


def _copy_metadata(reader: gguf.GGUFReader, writer: gguf.GGUFWriter, skip: set[str]) -> None:
    for fld in reader.fields.values():
        if fld.name.startswith("GGUF.") or fld.name in skip:
            continue
        vtype = fld.types[0]
        sub = fld.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(fld.name, fld.contents(), vtype, sub_type=sub)


def _check_split(ffn_len: int, experts: int, qtype: gguf.GGMLQuantizationType) -> None:
    block = gguf.GGML_QUANT_SIZES[qtype][0]
    if ffn_len % experts or (ffn_len // experts) % block:
        raise ValueError(
            f"FFN length {ffn_len} does not split into {experts} experts of whole "
            f"{block}-value blocks"
        )


def upcycle(
    src: Path,
    dst: Path,
    *,
    experts: int = 4,
    used: int | None = None,
    layout: Layout = "copy",
    router: Router = "zero",
    seed: int = 0,
) -> UpcycleResult:
    """Write a MoE GGUF upcycled from the dense llama GGUF `src`.

    Args:
        src: Dense llama-architecture GGUF.
        dst: Output path (written atomically via a temporary file).
        experts: Number of experts per layer.
        used: Experts per token (`split` forces all `experts`; `copy` defaults to 1).
        layout: `copy` (full copies) or `split` (fine-grained slices).
        router: `zero` (ties: fixed experts) or `random` (copy layout only).
        seed: Seed of the random router.

    Raises:
        ValueError: `src` is not a dense llama GGUF or the layout does not fit it.
    """
    reader = gguf.GGUFReader(src)
    arch = reader.fields["general.architecture"].contents()
    if arch != "llama" or "llama.expert_count" in reader.fields:
        raise ValueError(f"{src}: expected a dense llama GGUF, found {arch}")
    n_used = experts if layout == "split" else (used or 1)
    if not 1 <= n_used <= experts:
        raise ValueError(f"experts used per token must be in 1..{experts}")
    rng = np.random.default_rng(seed)
    tmp = dst.with_suffix(".tmp")
    writer = gguf.GGUFWriter(tmp, "llama")
    n_ff = int(reader.fields["llama.feed_forward_length"].contents())
    skip = {"general.architecture", "general.name", "llama.feed_forward_length"}
    _copy_metadata(reader, writer, skip)
    writer.add_name(f"kimi-moe {src.stem} {experts}x{n_used} {layout}")
    # llama.cpp sizes each expert by feed_forward_length
    writer.add_feed_forward_length(n_ff // experts if layout == "split" else n_ff)
    writer.add_expert_count(experts)
    writer.add_expert_used_count(n_used)
    layers = _add_tensors(reader, writer, experts, layout, router, rng)
    _write(writer)
    tmp.replace(dst)
    return UpcycleResult(dst, layers, experts, n_used, layout)


def _add_tensors(
    reader: gguf.GGUFReader,
    writer: gguf.GGUFWriter,
    experts: int,
    layout: Layout,
    router: Router,
    rng: np.random.Generator,
) -> int:
    """Copy every tensor, replacing dense FFNs by experts and a router; return the layers."""
    layers: set[int] = set()
    for t in reader.tensors:
        parts = t.name.split(".")
        if len(parts) != 4 or parts[0] != "blk" or parts[2] not in FFN:
            writer.add_tensor(t.name, t.data, raw_dtype=t.tensor_type)
            continue
        layer, kind = int(parts[1]), parts[2]
        layers.add(layer)
        if layout == "split":
            ffn_len = t.shape[0] if kind == "ffn_down" else t.shape[1]
            _check_split(int(ffn_len), experts, t.tensor_type)
        stacked = _expert_slices(kind, np.asarray(t.data), t.tensor_type, experts, layout)
        writer.add_tensor(f"blk.{layer}.{kind}_exps.weight", stacked, raw_dtype=t.tensor_type)
        if kind == "ffn_gate":
            n_embd = int(t.shape[0])
            gate = np.zeros((experts, n_embd), dtype=np.float32)
            if router == "random" and layout == "copy":
                gate = rng.normal(0.0, 0.02, size=(experts, n_embd)).astype(np.float32)
            writer.add_tensor(f"blk.{layer}.ffn_gate_inp.weight", gate)
    return len(layers)


def _write(writer: gguf.GGUFWriter) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: `python -m kimi_code.engine.upcycle SRC DST [--experts N] ...`."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("src", type=Path)
    p.add_argument("dst", type=Path)
    p.add_argument("--experts", type=int, default=4)
    p.add_argument("--used", type=int, default=None)
    p.add_argument("--layout", choices=["copy", "split"], default="copy")
    p.add_argument("--router", choices=["zero", "random"], default="zero")
    args: Any = p.parse_args(argv)
    res = upcycle(
        args.src,
        args.dst,
        experts=args.experts,
        used=args.used,
        layout=args.layout,
        router=args.router,
    )
    print(
        f"wrote {res.path}: {res.layers} layers, {res.experts} experts, {res.used} used "
        f"per token ({res.layout})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
