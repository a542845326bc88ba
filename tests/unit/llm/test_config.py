"""Model specs, presets, kimi.toml and environment precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimi_code.errors import ConfigError
from kimi_code.llm.backend import load_backend
from kimi_code.llm.config import resolve_model
from kimi_code.llm.openai_compat import OpenAICompatClient


def test_default_is_local(tmp_path: Path) -> None:
    cfg = resolve_model(None, workspace=tmp_path, env={}, home=tmp_path)
    assert cfg.kind == "local" and cfg.supports_grammar and not cfg.capable


def test_moonshot_preset_reads_key_from_env_and_hides_it(tmp_path: Path) -> None:
    env = {"MOONSHOT_API_KEY": "sk-moon-1"}
    cfg = resolve_model("kimi-k2.5", env=env, home=tmp_path)
    assert (cfg.base_url, cfg.model, cfg.api_key) == (
        "https://api.moonshot.ai/v1",
        "kimi-k2.5",
        "sk-moon-1",
    )
    assert cfg.capable
    assert "sk-moon-1" not in repr(cfg)


def test_moonshot_without_key_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MOONSHOT_API_KEY"):
        resolve_model("moonshot", env={}, home=tmp_path)


def test_url_with_model_and_preset_with_model(tmp_path: Path) -> None:
    cfg = resolve_model("http://gpu-node:8000/v1/#moonshotai/Kimi-K2.5", env={}, home=tmp_path)
    assert (cfg.kind, cfg.base_url, cfg.model) == (
        "custom",
        "http://gpu-node:8000/v1",
        "moonshotai/Kimi-K2.5",
    )
    cfg = resolve_model("ollama:qwen2.5-coder:14b", env={}, home=tmp_path)
    assert cfg.model == "qwen2.5-coder:14b"
    assert cfg.extra_body == {"options": {"num_ctx": 32768}}


def test_bad_specs_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown model"):
        resolve_model("gpt-17", env={}, home=tmp_path)
    with pytest.raises(ConfigError, match="no model id"):
        resolve_model("http://host:1/v1", env={}, home=tmp_path)
    with pytest.raises(ConfigError, match="must be http"):
        resolve_model("ftp://host#m", env={}, home=tmp_path)


def test_file_then_env_then_flag_precedence(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config/kimi-code").mkdir(parents=True)
    (home / ".config/kimi-code/kimi.toml").write_text(
        '[model]\nspec = "vllm"\ncontext_length = 1000\n'
    )
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "kimi.toml").write_text('[model]\nspec = "sglang"\nname = "my-kimi"\n')
    cfg = resolve_model(None, workspace=ws, env={}, home=home)
    assert (cfg.kind, cfg.model, cfg.context_length) == ("sglang", "my-kimi", 1000)
    env = {"KIMI_CODE_MODEL": "ollama", "KIMI_CODE_CONTEXT_LENGTH": "16384"}
    cfg = resolve_model(None, workspace=ws, env=env, home=home)
    assert cfg.kind == "ollama" and cfg.extra_body["options"]["num_ctx"] == 16384
    cfg = resolve_model("llamacpp", workspace=ws, env=env, home=home)
    assert cfg.kind == "llamacpp"


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "kimi.toml").write_text("[model\n")
    with pytest.raises(ConfigError, match=r"kimi\.toml: not valid TOML"):
        resolve_model(None, workspace=tmp_path, env={}, home=tmp_path)


async def test_load_backend_remote_sizes_pool_and_sends_key(tmp_path: Path) -> None:
    env = {"KIMI_CODE_API_KEY": "k-123"}
    backend = load_backend("vllm", workspace=tmp_path, max_agents=5, env=env)
    assert isinstance(backend, OpenAICompatClient)
    assert backend.info.capable and backend.info.model == "moonshotai/Kimi-K2.5"
    assert "k-123" not in repr(backend)
    await backend.aclose()


def test_load_backend_local_without_model_says_run_setup(tmp_path: Path) -> None:
    env = {"KIMI_CODE_MODEL_PATH": str(tmp_path / "missing.gguf")}
    with pytest.raises(ConfigError, match="model file not found"):
        load_backend("local", workspace=tmp_path, env=env)
