"""Open documents with a live syntax tree for incremental re-indexing (index layer).

The language server keeps one `Document` per open file. An edit is applied to the bytes
and to the old tree (`Tree.edit`), and the parser reuses every untouched subtree, so a
small edit in a large file reparses in well under a millisecond. A whole-text update is
turned into one edit spanning the changed middle (common prefix and suffix kept).
"""

from __future__ import annotations

from tree_sitter import Point, Tree

from kimi_code.index.extract import extract_record, parse
from kimi_code.index.model import LanguageName
from kimi_code.index.records import RawRecord

__all__ = ["Document", "point_at"]


def point_at(data: bytes, offset: int) -> Point:
    """Return the (row, byte column) of byte `offset` in `data`."""
    row = data.count(b"\n", 0, offset)
    line_start = data.rfind(b"\n", 0, offset) + 1
    return Point(row, offset - line_start)


def _common_affixes(old: bytes, new: bytes) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of two texts."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit
    while lo < hi:  # binary search on slices keeps the comparisons in C
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, limit - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


class Document:
    """One open file: its bytes and its current syntax tree."""

    def __init__(self, language: LanguageName, data: bytes) -> None:
        """Parse `data` from scratch."""
        self.language: LanguageName = language
        self.data = data
        self.tree: Tree = parse(data, language)

    def offset_at(self, line: int, byte_col: int) -> int:
        """Return the byte offset of (line, byte column); clamps past the end of the text."""
        start = 0
        for _ in range(line):
            nl = self.data.find(b"\n", start)
            if nl < 0:
                return len(self.data)
            start = nl + 1
        end = self.data.find(b"\n", start)
        return min(start + byte_col, len(self.data) if end < 0 else end)

    def edit(self, start_byte: int, old_end_byte: int, new_text: str | bytes) -> None:
        """Replace bytes `start_byte:old_end_byte` with `new_text` and reparse incrementally.

        Raises:
            ValueError: the range is reversed or lies outside the document.
        """
        if not 0 <= start_byte <= old_end_byte <= len(self.data):
            raise ValueError(f"edit range {start_byte}:{old_end_byte} outside 0:{len(self.data)}")
        insert = new_text.encode("utf-8") if isinstance(new_text, str) else new_text
        old = self.data
        new = old[:start_byte] + insert + old[old_end_byte:]
        new_end_byte = start_byte + len(insert)
        self.tree.edit(
            start_byte=start_byte,
            old_end_byte=old_end_byte,
            new_end_byte=new_end_byte,
            start_point=point_at(old, start_byte),
            old_end_point=point_at(old, old_end_byte),
            new_end_point=point_at(new, new_end_byte),
        )
        self.data = new
        self.tree = parse(new, self.language, self.tree)

    def replace(self, new: bytes) -> None:
        """Replace the whole text, reparsing incrementally around the changed middle."""
        if new == self.data:
            return
        prefix, suffix = _common_affixes(self.data, new)
        self.edit(prefix, len(self.data) - suffix, new[prefix : len(new) - suffix])

    def record(self, content_hash: str) -> RawRecord:
        """Extract the raw record of the current tree."""
        return extract_record(self.tree, self.data, self.language, content_hash)
