"""Suite-wide fixtures."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _keep_sigint_handler() -> Iterator[None]:
    """Restore the SIGINT handler after each test.

    The CLI, run in-process by some tests, ignores Ctrl-C once a run's outcome is decided
    (a real process exits right after); the test session must keep its own handler.
    """
    previous = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, previous)
