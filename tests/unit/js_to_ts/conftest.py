"""Fixtures of the JS->TS recipe tests: the `--update-golden` option and golden helpers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest

from kimi_code.recipes.js_to_ts.helper import NODE_DIR, shutdown_helpers


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add `--update-golden` (another suite's conftest may have added it already)."""
    with contextlib.suppress(ValueError):
        parser.addoption(
            "--update-golden",
            action="store_true",
            default=False,
            help="rewrite tests/golden/*/after/ from the current output",
        )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether the run regenerates golden outputs instead of comparing with them."""
    return bool(request.config.getoption("--update-golden", default=False))


@pytest.fixture(autouse=True)
def _node_tools() -> Iterator[None]:
    """Fail clearly when the Node helper's packages are missing."""
    if not (NODE_DIR / "node_modules" / "typescript").is_dir():
        pytest.fail(f"{NODE_DIR}: run `make setup` (npm ci) first")
    yield


@pytest.fixture(autouse=True)
async def _helpers_stopped() -> AsyncIterator[None]:
    """Stop the Node helpers a test started on its event loop (a recipe's `verify` starts one)."""
    yield
    await shutdown_helpers()
