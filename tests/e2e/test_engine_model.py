"""The default local model: an upcycled MoE whose greedy output equals the dense model's.

Uses the models `make setup` builds (scripts/setup.d/25-model.sh) and the real llama-server.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import gguf
import pytest

from kimi_code.engine.gguf_info import read_model_info
from kimi_code.engine.llama_server import find_server_binary, repo_build_dir
from kimi_code.engine.local import LocalEngine, default_model_path
from kimi_code.engine.upcycle import upcycle
from kimi_code.llm.backend import LocalBackend, load_backend
from kimi_code.llm.types import Message

DENSE = repo_build_dir() / "models" / "smollm2-135m-instruct-dense.gguf"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        find_server_binary() is None, reason="llama-server not built: run `make setup`"
    ),
    pytest.mark.skipif(
        not DENSE.is_file() or not default_model_path().is_file(),
        reason="default model not built: run `make setup`",
    ),
]

PROMPTS = (
    "What is the capital of France?",
    "Write a TypeScript type for a point with x and y.",
    "List three colours.",
)


def test_default_model_is_a_llama_moe() -> None:
    info = read_model_info(default_model_path())
    assert info.architecture == "llama"
    assert (info.expert_count, info.expert_used_count) == (4, 1)
    reader = gguf.GGUFReader(default_model_path())
    names = {t.name for t in reader.tensors}
    for kind in ("ffn_gate_inp", "ffn_gate_exps", "ffn_up_exps", "ffn_down_exps"):
        assert f"blk.0.{kind}.weight" in names
    assert "blk.0.ffn_up.weight" not in names


async def _greedy(model: Path) -> list[str]:
    engine = LocalEngine(model, parallel=1, ctx_per_slot=512, threads=2)
    async with LocalBackend(engine, max_agents=1) as backend:
        answers = []
        for prompt in PROMPTS:
            resp = await backend.chat([Message("user", prompt)], max_tokens=24)
            answers.append(resp.message.content or "")
        return answers


@pytest.mark.parametrize("used", [1, 2])
async def test_upcycled_greedy_output_equals_dense(used: int, tmp_path: Path) -> None:
    moe = default_model_path()
    if used != 1:  # the default model is the 4x1 one; also check a 4x2 with a random router
        moe = tmp_path / "moe-4x2.gguf"
        upcycle(DENSE, moe, experts=4, used=used, layout="copy", router="random")
    dense_answers, moe_answers = await asyncio.gather(_greedy(DENSE), _greedy(moe))
    assert all(a.strip() for a in dense_answers)
    assert moe_answers == dense_answers


async def test_load_backend_local_smoke() -> None:
    async with load_backend("local", max_agents=2, env={}) as backend:
        assert backend.info.name.startswith("local: ") and not backend.info.capable
        resp = await backend.chat(
            [Message("user", "Is the sky blue? Answer yes or no.")],
            grammar='root ::= "yes" | "no"',
        )
        assert resp.message.content in ("yes", "no")
        schema = {
            "type": "object",
            "properties": {"name": {"type": "string", "maxLength": 20}},
            "required": ["name"],
        }
        fmt = {"type": "json_schema", "json_schema": {"name": "n", "schema": schema}}
        resp = await backend.chat(
            [Message("user", "Give a JSON object with a name.")],
            response_format=fmt,
            max_tokens=64,
        )
        assert isinstance(json.loads(resp.message.content or "")["name"], str)
