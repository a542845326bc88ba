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


def test_extension_settings_match_what_the_server_reads() -> None:
    """Every `kimiCode.*` setting the extension contributes is read by the server with the
    same default, and the server reads nothing the extension does not offer."""
    import json
    from dataclasses import fields
    from pathlib import Path

    from kimi_code.lsp.settings import _FIELDS

    manifest = Path(__file__).resolve().parents[3] / "editor-client" / "package.json"
    props = json.loads(manifest.read_text())["contributes"]["configuration"]["properties"]
    client_only = {"serverCommand"}  # read by the extension to start the server
    contributed = {key.removeprefix("kimiCode."): spec for key, spec in props.items()}
    assert set(contributed) - client_only == set(_FIELDS)
    defaults = {f.name: f.default for f in fields(Settings)}
    for key, (attr, _kinds) in _FIELDS.items():
        assert contributed[key]["default"] == defaults[attr], key
    enum = contributed["policy"]["enum"]
    assert enum == ["auto", "model", "recipe"]
    assert (contributed["maxAgents"]["minimum"], contributed["maxAgents"]["maximum"]) == (1, 100)
