"""Helpers for the index tests: small workspaces written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from index_helpers import MakeWorkspace


@pytest.fixture
def make_workspace(tmp_path: Path) -> MakeWorkspace:
    """Write {relative path: content} under tmp_path/ws and return that root."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "ws"
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return make
