"""`read_model_info` reads only the GGUF header, and agrees with gguf's own full reader."""

from __future__ import annotations

from pathlib import Path

import gguf
import pytest

from kimi_code.engine.gguf_info import read_model_info
from kimi_code.engine.tiny_model import write_tiny_moe
from kimi_code.errors import ConfigError


def test_header_reader_agrees_with_gguf(tmp_path: Path) -> None:
    path = write_tiny_moe(tmp_path / "tiny.gguf", experts=8, used=2)
    info = read_model_info(path)
    fields = gguf.GGUFReader(path).fields
    arch = fields["general.architecture"].contents()
    assert info.architecture == arch == "llama"
    assert info.name == fields["general.name"].contents()
    assert info.context_length == fields[f"{arch}.context_length"].contents()
    assert (info.expert_count, info.expert_used_count) == (8, 2)
    assert info.size_bytes == path.stat().st_size


@pytest.mark.parametrize("cut", [2, 30, 200])
def test_truncated_or_foreign_file_is_a_config_error(tmp_path: Path, cut: int) -> None:
    whole = write_tiny_moe(tmp_path / "tiny.gguf").read_bytes()
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(whole[:cut])
    with pytest.raises(ConfigError, match="not a GGUF model") as err:
        read_model_info(bad)
    assert str(bad) in str(err.value)


def test_keys_after_a_vocabulary_are_found(tmp_path: Path) -> None:
    """String arrays before the wanted keys are skipped, across read blocks and long strings."""
    path = tmp_path / "vocab.gguf"
    w = gguf.GGUFWriter(path, "llama")
    tokens = [f"tok{i}" for i in range(200_000)]
    tokens[150_000] = "x" * (3 << 20)  # longer than one read block
    w.add_array("tokenizer.ggml.tokens", tokens)
    w.add_array("tokenizer.ggml.merges", ["a b", "", "é ü"] * 1000)
    w.add_name("late name")
    w.add_context_length(2048)
    w.add_expert_count(4)
    w.add_expert_used_count(1)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.close()
    info = read_model_info(path)
    assert (info.name, info.context_length) == ("late name", 2048)
    assert (info.expert_count, info.expert_used_count) == (4, 1)


def test_a_vocabulary_cut_short_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.gguf"
    w = gguf.GGUFWriter(path, "llama")
    w.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(50_000)])
    w.add_name("never reached")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.close()
    cut = tmp_path / "short.gguf"
    cut.write_bytes(path.read_bytes()[:100_000])
    with pytest.raises(ConfigError, match="not a GGUF model"):
        read_model_info(cut)
