"""Fixtures for swarm tests: a registered test recipe and a run helper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from swarmkit import WEAK, Runner, ShoutRecipe

from kimi_code.llm.scripted import ScriptedBackend, Turn
from kimi_code.recipes import registry


@pytest.fixture
def recipe() -> Iterator[ShoutRecipe]:
    instance = ShoutRecipe()
    registry.register_recipe("shout", lambda: instance)
    yield instance
    registry._FACTORIES.pop("shout", None)


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    return Runner(tmp_path / "ws")


@pytest.fixture
def fake_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI's backend loader return a scripted, non-capable backend."""
    import kimi_code.llm.config as config

    monkeypatch.setattr(
        config, "load_backend", lambda *a, **k: ScriptedBackend(lambda m: Turn(), info=WEAK)
    )
