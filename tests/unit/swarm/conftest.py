"""Fixtures for swarm tests: a registered test recipe and a run helper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from swarmkit import Runner, ShoutRecipe

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
