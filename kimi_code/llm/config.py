"""Model selection: `--model SPEC`, environment, `kimi.toml` -> `ModelConfig` (llm layer).

SPEC is one of
    local                       the bundled llama.cpp engine (default)
    moonshot | kimi-k2.5        Moonshot's API, model kimi-k2.5, key from MOONSHOT_API_KEY
    vllm | sglang | ollama | llamacpp   a local server of that kind on its default port
    PRESET:MODEL                a preset with another model id (e.g. `ollama:qwen2.5-coder:7b`)
    URL#MODEL                   any OpenAI-compatible base URL and model id
    URL                         a base URL; the model id comes from config or the environment

Precedence (highest first): the SPEC given to `resolve_model` (a flag), environment variables
(KIMI_CODE_MODEL, KIMI_CODE_BASE_URL, KIMI_CODE_MODEL_NAME, KIMI_CODE_API_KEY,
KIMI_CODE_CONTEXT_LENGTH, KIMI_CODE_MODEL_PATH), `[model]` of `<workspace>/kimi.toml`, then
`~/.config/kimi-code/kimi.toml`. A key is never stored in a file: the file names the environment
variable that holds it (`api_key_env`).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kimi_code.errors import ConfigError
from kimi_code.llm.types import ChatBackend

__all__ = ["PRESETS", "ModelConfig", "load_backend", "load_settings", "resolve_model"]

CONFIG_NAME = "kimi.toml"
USER_CONFIG = Path("~/.config/kimi-code") / CONFIG_NAME
OLLAMA_DEFAULT_CTX = 32768
"""Ollama's own default context is small and truncates silently: always send one."""


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """A resolved backend choice."""

    kind: str
    """`local`, a preset name, or `custom`."""
    base_url: str = ""
    """OpenAI-compatible base URL (empty for `local`, which starts its own engine)."""
    model: str = ""
    """Model id sent in requests."""
    api_key: str | None = field(default=None, repr=False)
    api_key_env: str | None = None
    """The environment variable the key was read from (shown instead of the key)."""
    context_length: int = 8192
    capable: bool = False
    supports_json_schema: bool = False
    supports_grammar: bool = False
    extra_body: dict[str, Any] = field(default_factory=dict)
    model_path: Path | None = None
    """GGUF file for `local` (None: the default model built by `make setup`)."""
    read_timeout: float = 300.0


_KIMI = dict(context_length=262144, capable=True)
PRESETS: Mapping[str, ModelConfig] = {
    "moonshot": ModelConfig(
        "moonshot",
        "https://api.moonshot.ai/v1",
        "kimi-k2.5",
        api_key_env="MOONSHOT_API_KEY",
        **_KIMI,  # type: ignore[arg-type]
    ),
    "vllm": ModelConfig(
        "vllm",
        "http://127.0.0.1:8000/v1",
        "moonshotai/Kimi-K2.5",
        api_key_env="VLLM_API_KEY",
        supports_json_schema=True,
        **_KIMI,  # type: ignore[arg-type]
    ),
    "sglang": ModelConfig(
        "sglang",
        "http://127.0.0.1:30000/v1",
        "moonshotai/Kimi-K2.5",
        api_key_env="SGLANG_API_KEY",
        supports_json_schema=True,
        **_KIMI,  # type: ignore[arg-type]
    ),
    "ollama": ModelConfig(
        "ollama",
        "http://127.0.0.1:11434/v1",
        "qwen2.5-coder:7b",
        context_length=OLLAMA_DEFAULT_CTX,
        supports_json_schema=True,
    ),
    "llamacpp": ModelConfig(
        "llamacpp",
        "http://127.0.0.1:8080/v1",
        "default",
        supports_json_schema=True,
        supports_grammar=True,
    ),
}
ALIASES = {"kimi-k2.5": "moonshot", "kimi": "moonshot", "llama.cpp": "llamacpp"}
LOCAL = ModelConfig("local", context_length=4096, supports_json_schema=True, supports_grammar=True)


def load_settings(workspace: Path | None, home: Path | None = None) -> dict[str, Any]:
    """Return the merged `[model]` table of the user and workspace `kimi.toml` files.

    Raises:
        ConfigError: a file is not valid TOML or `[model]` is not a table.
    """
    user = (home / ".config/kimi-code" / CONFIG_NAME) if home else USER_CONFIG.expanduser()
    paths = [user] + ([workspace / CONFIG_NAME] if workspace else [])
    merged: dict[str, Any] = {}
    for path in paths:
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None
        table = data.get("model", {})
        if not isinstance(table, dict):
            raise ConfigError("[model] must be a table", path=str(path))
        merged.update(table)
    return merged


def _from_spec(spec: str) -> ModelConfig:
    if spec in ("", "local"):
        return LOCAL
    if "://" in spec:
        url, _, model = spec.partition("#")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"model URL {url!r} must be http(s)://host[:port]/path")
        return ModelConfig("custom", url.rstrip("/"), model, supports_json_schema=True)
    name, _, model = spec.partition(":")
    preset = PRESETS.get(ALIASES.get(name, name))
    if preset is None:
        known = ", ".join(["local", *PRESETS, *ALIASES])
        raise ConfigError(f"unknown model {spec!r}: use one of {known}, URL#MODEL or PRESET:MODEL")
    return replace(preset, model=model) if model else preset


def _int(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{what} must be an integer, got {value!r}") from None
    if number <= 0:
        raise ConfigError(f"{what} must be positive, got {number}")
    return number


def _apply(cfg: ModelConfig, settings: Mapping[str, Any], env: Mapping[str, str]) -> ModelConfig:
    """Apply file settings, then environment overrides, to a spec's config."""
    upd: dict[str, Any] = {}
    for key in ("base_url", "api_key_env"):
        if key in settings:
            upd[key] = str(settings[key])
    if "name" in settings:
        upd["model"] = str(settings["name"])
    for key in ("capable", "supports_json_schema", "supports_grammar"):
        if key in settings:
            upd[key] = bool(settings[key])
    if "context_length" in settings:
        upd["context_length"] = _int(settings["context_length"], "context_length")
    if "model_path" in settings:
        upd["model_path"] = Path(str(settings["model_path"])).expanduser()
    if isinstance(settings.get("extra_body"), dict):
        upd["extra_body"] = {**cfg.extra_body, **settings["extra_body"]}
    if "timeout" in settings:
        upd["read_timeout"] = float(settings["timeout"])
    env_map = {"KIMI_CODE_BASE_URL": "base_url", "KIMI_CODE_MODEL_NAME": "model"}
    upd.update({field_: env[var] for var, field_ in env_map.items() if env.get(var)})
    if env.get("KIMI_CODE_CONTEXT_LENGTH"):
        upd["context_length"] = _int(env["KIMI_CODE_CONTEXT_LENGTH"], "KIMI_CODE_CONTEXT_LENGTH")
    if env.get("KIMI_CODE_MODEL_PATH"):
        upd["model_path"] = Path(env["KIMI_CODE_MODEL_PATH"]).expanduser()
    return replace(cfg, **upd)


def resolve_model(
    spec: str | None,
    *,
    workspace: Path | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> ModelConfig:
    """Resolve the backend to use.

    Args:
        spec: The `--model` flag (None: KIMI_CODE_MODEL, then `kimi.toml`, then `local`).
        workspace: Directory whose `kimi.toml` applies.
        env: Environment (default `os.environ`).
        home: Home directory for the user config (default `~`).

    Raises:
        ConfigError: unknown preset, bad URL, missing model id, missing API key, bad number.
    """
    env = os.environ if env is None else env
    settings = load_settings(workspace, home)
    chosen = spec or env.get("KIMI_CODE_MODEL") or str(settings.get("spec", "local"))
    cfg = _apply(_from_spec(chosen.strip()), settings, env)
    if cfg.kind == "ollama":
        options = {"num_ctx": cfg.context_length}
        cfg = replace(cfg, extra_body={**cfg.extra_body, "options": options})
    if cfg.kind == "local":
        return cfg
    if not cfg.model:
        raise ConfigError(f"no model id for {cfg.base_url}: write URL#MODEL or set name")
    key = env.get("KIMI_CODE_API_KEY") or (env.get(cfg.api_key_env) if cfg.api_key_env else None)
    if cfg.kind == "moonshot" and not key:
        raise ConfigError(f"the Moonshot API needs a key: set {cfg.api_key_env}")
    return replace(cfg, api_key=key or None)


def load_backend(
    spec: str | None = None,
    *,
    workspace: Path | None = None,
    max_agents: int = 8,
    env: Mapping[str, str] | None = None,
) -> ChatBackend:
    """Return the backend named by `spec` (re-export of `kimi_code.llm.backend.load_backend`).

    Raises:
        ConfigError: bad spec, missing key, missing local model or engine binary.
    """
    from kimi_code.llm.backend import load_backend as load  # here: backend imports this module

    backend: ChatBackend = load(spec, workspace=workspace, max_agents=max_agents, env=env)
    return backend
