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
