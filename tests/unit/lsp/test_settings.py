"""settings.py: kimiCode.* parsing and the model spec handed to the run API."""

from __future__ import annotations

import os

import pytest

from kimi_code.errors import ConfigError
from kimi_code.lsp.settings import Settings, parse_settings


def test_settings_parse_and_build_model_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIMI_CODE_MODEL", raising=False)
    s = parse_settings(
        {
            "backend": "ollama",
            "model": "qwen2.5-coder:7b",
            "maxAgents": 16,
            "maxTokens": None,
            "unknown": 1,
        }
    )
    assert (s.max_agents, s.max_tokens, s.model_spec()) == (16, None, "ollama:qwen2.5-coder:7b")
    url = parse_settings({"backend": "http://127.0.0.1:8000/v1", "model": "m"})
    assert url.model_spec() == "http://127.0.0.1:8000/v1#m"
    assert Settings().model_spec() == "local"
    monkeypatch.setenv("KIMI_CODE_MODEL", "moonshot")
    assert Settings().model_spec() == "moonshot"


@pytest.mark.parametrize(
    "raw",
    [
        {"maxAgents": 0},
        {"maxAgents": "8"},
        {"maxAgents": True},
        {"policy": "yolo"},
        {"backend": " "},
    ],
)
def test_bad_settings_name_the_setting(raw: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match="kimiCode"):
        parse_settings(raw)


def test_api_key_env_is_exported_for_the_model_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", "sk-test")
    monkeypatch.delenv("KIMI_CODE_API_KEY", raising=False)
    parse_settings({"apiKeyEnv": "MY_KEY"}).export_api_key()
    assert os.environ["KIMI_CODE_API_KEY"] == "sk-test"
