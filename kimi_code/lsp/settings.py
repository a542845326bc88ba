"""Editor settings of the language server (adapter layer).

Read from `workspace/configuration` (section `kimiCode`) and from `initializationOptions`;
names match the `kimiCode.*` settings the VS Code extension contributes. Values the user
got wrong raise `ConfigError` naming the setting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from kimi_code.errors import ConfigError
from kimi_code.swarm.api import PolicyChoice

__all__ = ["SECTION", "Settings", "parse_settings"]

SECTION = "kimiCode"


@dataclass(frozen=True, slots=True)
class Settings:
    """The server's view of `kimiCode.*`."""

    backend: str = "local"
    """"local" (bundled engine), a preset (moonshot, vllm, ollama...) or an endpoint URL."""
    model: str = ""
    """Model name at the endpoint ("" = the backend's default)."""
    api_key_env: str = "MOONSHOT_API_KEY"
    """Name of the environment variable holding the API key (never the key itself)."""
    max_agents: int = 8
    """Agents running at once."""
    max_tool_calls: int = 1500
    """Tool-call budget of one run."""
    max_tokens: int | None = None
    """Token budget of one run (None = unlimited)."""
    wall_seconds: float | None = None
    """Wall-clock budget of one run in seconds (None = unlimited)."""
    policy: PolicyChoice = "auto"
    """"auto", "model" or "recipe"."""

    def model_spec(self) -> str:
        """The `RunRequest.model` spec: local, PRESET[:MODEL] or URL[#MODEL] (`llm.config`).

        `KIMI_CODE_MODEL` in the server's environment overrides the setting.
        """
        env = os.environ.get("KIMI_CODE_MODEL")
        if env:
            return env
        if self.backend == "local" or not self.model:
            return self.backend
        sep = "#" if "://" in self.backend else ":"
        return f"{self.backend}{sep}{self.model}"

    def export_api_key(self) -> None:
        """Expose the key named by `api_key_env` as KIMI_CODE_API_KEY to the model client."""
        key = os.environ.get(self.api_key_env) if self.api_key_env else None
        if key:
            os.environ["KIMI_CODE_API_KEY"] = key


_FIELDS: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "backend": ("backend", str),
    "model": ("model", str),
    "apiKeyEnv": ("api_key_env", str),
    "maxAgents": ("max_agents", int),
    "maxToolCalls": ("max_tool_calls", int),
    "maxTokens": ("max_tokens", (int, type(None))),
    "wallSeconds": ("wall_seconds", (int, float, type(None))),
    "policy": ("policy", str),
}


def parse_settings(raw: Any, base: Settings | None = None) -> Settings:
    """Build `Settings` from the JSON object of section `kimiCode` (unknown keys ignored).

    Raises:
        ConfigError: a value has the wrong type or is out of range.
    """
    settings = base or Settings()
    if not isinstance(raw, dict):
        return settings
    updates: dict[str, Any] = {}
    for key, (attr, kinds) in _FIELDS.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise ConfigError(f"setting {SECTION}.{key} has the wrong type: {value!r}")
        updates[attr] = value
    settings = replace(settings, **updates)
    if not 1 <= settings.max_agents <= 100:
        raise ConfigError(f"setting {SECTION}.maxAgents must be 1..100, not {settings.max_agents}")
    if settings.policy not in ("auto", "model", "recipe"):
        raise ConfigError(f"setting {SECTION}.policy must be auto, model or recipe")
    if not settings.backend.strip():
        raise ConfigError(f"setting {SECTION}.backend must be 'local', a preset name or a URL")
    return settings
