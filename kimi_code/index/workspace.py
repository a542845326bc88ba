"""`WorkspaceIndex`: the files, the import graph and live updates (index layer).

Holds each file's raw record and decodes a `FileIndex` only when one is read. The import
graph (dependencies and dependents) is resolved once at load and re-resolved for the
files an update touches. Open documents keep their syntax tree so an edit reparses
incrementally (`tree.edit` + reparse).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

from tree_sitter import Tree

from kimi_code.errors import WorkspaceError
from kimi_code.index.extract import hash_bytes
from kimi_code.index.incremental import Document
from kimi_code.index.languages import language_for
from kimi_code.index.model import FileIndex, Reference
from kimi_code.index.records import RawRecord, Resolution, decode_file
from kimi_code.index.references import find_references
from kimi_code.index.resolve import Resolver

__all__ = ["WorkspaceIndex"]


class _Files(Mapping[str, FileIndex]):
    """Read-only view of the index's files; decodes each `FileIndex` on first access."""

    def __init__(self, index: WorkspaceIndex) -> None:
        self._index = index

    def __getitem__(self, path: str) -> FileIndex:
        return self._index.file(path)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.records)

    def __len__(self) -> int:
        return len(self._index.records)

    def __contains__(self, path: object) -> bool:
        return path in self._index.records


class WorkspaceIndex:
    """The index of one workspace: files, skipped paths and the import graph."""

    def __init__(
        self,
        root: Path,
        records: dict[str, RawRecord],
        skipped: dict[str, str],
        assets: set[str],
        *,
        resolver: Resolver | None = None,
        resolutions: dict[str, tuple[Resolution, ...]] | None = None,
    ) -> None:
        """Wrap raw `records` (path -> record) and link the import graph.

        `resolver` and `resolutions` (path -> resolution of each import) let the builder
        resolve while workers still parse; missing ones are computed here.
        """
        self.root = root
        self.records = dict(sorted(records.items()))
        self._skipped = skipped
        self._assets = assets
        self._decoded: dict[str, FileIndex] = {}
        self._documents: dict[str, Document] = {}
        self._resolutions: dict[str, tuple[Resolution, ...]] = {}
        self._deps: dict[str, tuple[str, ...]] = {}
        self._rev: dict[str, set[str]] = {}
        self._resolver = resolver or Resolver(root, set(self.records) | assets, skipped)
        known = resolutions or {}
        for path in self.records:
            found = known.get(path)
            if found is None:
                self._resolve(path)
            else:
                self._link(path, found)

    @property
    def files(self) -> Mapping[str, FileIndex]:
        """Workspace-relative POSIX path -> `FileIndex`, for every indexed file."""
        return _Files(self)

    @property
    def skipped(self) -> Mapping[str, str]:
        """Path -> reason, for every file or directory the walk left out."""
        return MappingProxyType(self._skipped)

    def file(self, path: str | Path) -> FileIndex:
        """Return the `FileIndex` of `path`; raises KeyError when it is not indexed."""
        rel = self.relpath(path)
        found = self._decoded.get(rel)
        if found is None:
            found = decode_file(rel, self.records[rel], self._resolutions.get(rel, ()))
            self._decoded[rel] = found
        return found

    def relpath(self, path: str | Path) -> str:
        """Normalize `path` (absolute or workspace-relative) to a workspace-relative path.

        Raises:
            WorkspaceError: the path lies outside the workspace.
        """
        text = path if isinstance(path, str) else str(path)
        if text in self.records:  # already normal and relative: the planner's hot path
            return text
        if os.path.isabs(text):
            try:
                text = Path(text).resolve().relative_to(self.root).as_posix()
            except ValueError:
                raise WorkspaceError("outside the workspace", path=text) from None
        rel = posixpath.normpath(text.replace("\\", "/"))
        if rel == ".." or rel.startswith("../"):
            raise WorkspaceError("outside the workspace", path=text)
        return rel

    def dependencies(self, path: str | Path) -> list[str]:
        """Workspace files that `path` imports (resolved), in path order."""
        return list(self._deps.get(self.relpath(path), ()))

    def dependents(self, path: str | Path) -> list[str]:
        """Workspace files that import `path`, in path order."""
        return sorted(self._rev.get(self.relpath(path), ()))

    def resolutions(self, path: str) -> tuple[Resolution, ...]:
        """(resolved, external, reason) of each import of `path`, in import order."""
        return self._resolutions.get(path, ())

    def references(self, path: str | Path, name: str) -> list[Reference]:
        """Uses of the export `name` of `path` across the workspace, through import bindings."""
        return find_references(self, self.relpath(path), name)

    def document_bytes(self, path: str) -> bytes | None:
        """The text of an open document, or None when `path` is not open."""
        document = self._documents.get(path)
        return document.data if document is not None else None

    def document_tree(self, path: str) -> Tree | None:
        """The live syntax tree of an open document, or None when `path` is not open."""
        document = self._documents.get(path)
        return document.tree if document is not None else None

    def _resolve(self, path: str) -> None:
        record = self.records[path]
        self._link(path, self._resolver.resolve_imports(path, record[0], record[6]))

    def _link(self, path: str, found: tuple[Resolution, ...]) -> None:
        self._resolutions[path] = found
        for old in self._deps.get(path, ()):
            self._rev.get(old, set()).discard(path)
        deps = tuple(sorted({r[0] for r in found if r[0] is not None and r[0] != path}))
        self._deps[path] = deps
        for dep in deps:
            self._rev.setdefault(dep, set()).add(path)

    def _store(self, path: str, record: RawRecord) -> FileIndex:
        is_new = path not in self.records
        self.records[path] = record
        self._decoded.pop(path, None)
        if is_new:
            self._skipped.pop(path, None)
            self._refresh_resolver()
        else:
            self._resolve(path)
        return self.file(path)

    def _refresh_resolver(self) -> None:
        """The file set changed: re-resolve every file (failures may now resolve)."""
        self._resolver = Resolver(self.root, set(self.records) | self._assets, self._skipped)
        self._decoded.clear()
        for path in self.records:
            self._resolve(path)

    def _document(self, rel: str) -> Document:
        document = self._documents.get(rel)
        if document is None:
            language = language_for(rel)
            if language is None:
                raise WorkspaceError("not a JavaScript, TypeScript or Python file", path=rel)
            data = (self.root / rel).read_bytes() if (self.root / rel).is_file() else b""
            document = self._documents[rel] = Document(language, data)
        return document

    def update_file(self, path: str | Path, text: str | bytes) -> FileIndex:
        """Replace the whole text of `path` (open or not) and re-index it.

        Raises:
            WorkspaceError: `path` is outside the workspace or not a source file.
        """
        rel = self.relpath(path)
        document = self._document(rel)
        document.replace(text.encode("utf-8") if isinstance(text, str) else text)
        return self._store(rel, document.record(hash_bytes(document.data)))

    def edit_file(
        self, path: str | Path, start_byte: int, old_end_byte: int, new_text: str | bytes
    ) -> FileIndex:
        """Apply one edit (bytes `start_byte:old_end_byte` become `new_text`) incrementally.

        Raises:
            WorkspaceError: `path` is outside the workspace or not a source file.
            ValueError: the byte range does not fit the document.
        """
        rel = self.relpath(path)
        document = self._document(rel)
        document.edit(start_byte, old_end_byte, new_text)
        return self._store(rel, document.record(hash_bytes(document.data)))

    def close_file(self, path: str | Path) -> None:
        """Forget the open document of `path` (its index entry stays)."""
        self._documents.pop(self.relpath(path), None)

    def remove_file(self, path: str | Path) -> None:
        """Drop `path` from the index (deleted on disk)."""
        rel = self.relpath(path)
        self._documents.pop(rel, None)
        if self.records.pop(rel, None) is not None:
            for dep in self._deps.pop(rel, ()):
                self._rev.get(dep, set()).discard(rel)
            self._resolutions.pop(rel, None)
            self._refresh_resolver()
