"""Helpers shared by the index tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kimi_code.index import FileIndex, Symbol
from kimi_code.index.extract import index_source
from kimi_code.index.model import LanguageName
from kimi_code.index.records import decode_file

MakeWorkspace = Callable[[dict[str, str | bytes]], Path]
"""Type of the `make_workspace` fixture."""


def index_text(source: str, language: LanguageName = "javascript") -> FileIndex:
    """Index one in-memory source (no workspace, imports unresolved)."""
    return decode_file("mem", index_source(source.encode("utf-8"), language), ())


def symbol(file: FileIndex, name: str, parent: str | None = None) -> Symbol:
    """Return the one symbol called `name` (under `parent` when given)."""
    found = [s for s in file.symbols if s.name == name and (parent is None or s.parent == parent)]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]
