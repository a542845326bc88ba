"""Sparse upcycling on a small dense llama GGUF: tensor layout, metadata, exact weight maths."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np
import pytest
from gguf import quants

from kimi_code.engine.gguf_info import read_model_info
from kimi_code.engine.upcycle import _scale_blocks, upcycle

Q = gguf.GGMLQuantizationType
N_EMBD, N_FF = 64, 256


@pytest.mark.parametrize("qtype", [Q.Q4_0, Q.Q4_1, Q.Q8_0])
def test_scaling_quantised_blocks_is_exact(qtype: Q) -> None:
    x = np.random.default_rng(0).normal(size=(8, 256)).astype(np.float32)
    raw = quants.quantize(x, qtype)
    scaled = _scale_blocks(raw, qtype, 4)
    assert np.array_equal(quants.dequantize(scaled, qtype), 4 * quants.dequantize(raw, qtype))


def write_dense(path: Path) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    w = gguf.GGUFWriter(path, "llama")
    w.add_block_count(1)
    w.add_embedding_length(N_EMBD)
    w.add_feed_forward_length(N_FF)
    w.add_context_length(128)
    ffn = {
        "ffn_gate": quants.quantize(rng.normal(size=(N_FF, N_EMBD)).astype(np.float32), Q.Q4_1),
        "ffn_up": quants.quantize(rng.normal(size=(N_FF, N_EMBD)).astype(np.float32), Q.Q4_1),
        "ffn_down": quants.quantize(rng.normal(size=(N_EMBD, N_FF)).astype(np.float32), Q.Q4_1),
    }
    w.add_tensor("token_embd.weight", rng.normal(size=(10, N_EMBD)).astype(np.float32))
    for name, data in ffn.items():
        w.add_tensor(f"blk.0.{name}.weight", data, raw_dtype=Q.Q4_1)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {k: quants.dequantize(v, Q.Q4_1) for k, v in ffn.items()}


def tensors(path: Path) -> dict[str, np.ndarray]:
    reader = gguf.GGUFReader(path)
    return {t.name: quants.dequantize(np.asarray(t.data), t.tensor_type) for t in reader.tensors}


def silu(x: np.ndarray) -> np.ndarray:
    return x / (1 + np.exp(-x))


def test_split_layout_reproduces_the_dense_ffn(tmp_path: Path) -> None:
    dense = write_dense(tmp_path / "dense.gguf")
    res = upcycle(tmp_path / "dense.gguf", tmp_path / "moe.gguf", experts=4, layout="split")
    assert (res.layers, res.experts, res.used) == (1, 4, 4)
    info = read_model_info(tmp_path / "moe.gguf")
    assert (info.expert_count, info.expert_used_count) == (4, 4)
    reader = gguf.GGUFReader(tmp_path / "moe.gguf")
    assert reader.fields["llama.feed_forward_length"].contents() == N_FF // 4
    t = tensors(tmp_path / "moe.gguf")
    assert t["blk.0.ffn_gate_exps.weight"].shape == (4, N_FF // 4, N_EMBD)
    assert t["blk.0.ffn_down_exps.weight"].shape == (4, N_EMBD, N_FF // 4)
    assert not t["blk.0.ffn_gate_inp.weight"].any()  # zero router: equal weights 1/4
    x = np.random.default_rng(2).normal(size=N_EMBD).astype(np.float32)
    want = dense["ffn_down"] @ (silu(dense["ffn_gate"] @ x) * (dense["ffn_up"] @ x))
    got = sum(
        0.25
        * t["blk.0.ffn_down_exps.weight"][e]
        @ (silu(t["blk.0.ffn_gate_exps.weight"][e] @ x) * (t["blk.0.ffn_up_exps.weight"][e] @ x))
        for e in range(4)
    )
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)


def test_copy_layout_and_refusals(tmp_path: Path) -> None:
    write_dense(tmp_path / "dense.gguf")
    res = upcycle(tmp_path / "dense.gguf", tmp_path / "moe.gguf", experts=4, layout="copy")
    assert res.used == 1
    t = tensors(tmp_path / "moe.gguf")
    gate = t["blk.0.ffn_gate_exps.weight"]
    assert all(np.array_equal(gate[0], gate[e]) for e in range(4))
    with pytest.raises(ValueError, match="dense llama"):
        upcycle(tmp_path / "moe.gguf", tmp_path / "again.gguf")
    with pytest.raises(ValueError, match="whole"):
        upcycle(tmp_path / "dense.gguf", tmp_path / "x.gguf", experts=16, layout="split")
