"""Grammars, parsers and query files per language (index layer).

Maps file extensions to the five languages the index parses and loads the tree-sitter
grammars and the `.scm` query files (kept as data under `queries/`). Parsers and compiled
queries are created once per process and reused.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_typescript
from tree_sitter import Language, Parser, Query

from kimi_code.index.model import LanguageName

__all__ = [
    "DEEP_KEYWORDS",
    "EXTENSIONS",
    "SHALLOW_DEPTH",
    "deep_query_for",
    "language_for",
    "parser_for",
    "pattern_roles",
    "query_for",
]

QUERY_DIR = Path(__file__).with_name("queries")

EXTENSIONS: dict[str, LanguageName] = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "jsx",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".py": "python",
    ".pyi": "python",
}

# Query files concatenated per language: the ECMAScript grammars share ecma.scm.
_QUERY_FILES: dict[LanguageName, tuple[str, ...]] = {
    "javascript": ("ecma.scm", "javascript.scm"),
    "jsx": ("ecma.scm", "javascript.scm"),
    "typescript": ("ecma.scm", "typescript.scm"),
    "tsx": ("ecma.scm", "typescript.scm"),
    "python": ("python.scm",),
}


# The full query only starts matches this deep in the tree (program = 0): deep enough for
# methods of exported classes and functions nested in exported functions, while the query
# cursor skips deeper subtrees (a full walk costs a third of the parse time).
SHALLOW_DEPTH = 5

# Imports and CommonJS exports can sit at any depth (a lazy `require` inside a function):
# the deep query looks for them only around the places where these words occur.
_ECMA_KEYWORDS = (b"require", b"import", b"exports")
DEEP_KEYWORDS: dict[LanguageName, tuple[bytes, ...]] = {
    "javascript": _ECMA_KEYWORDS,
    "jsx": _ECMA_KEYWORDS,
    "typescript": _ECMA_KEYWORDS,
    "tsx": _ECMA_KEYWORDS,
    "python": (b"import",),
}
_DEEP_ROLES = (
    "@import.require",
    "@import.dynamic",
    "@export.module",
    "@export.named",
    "@import.python",
    "@import.from",
)

_local = threading.local()


def language_for(path: str) -> LanguageName | None:
    """Return the language of `path` from its extension, or None when it is not source."""
    dot = path.rfind(".")
    if dot < 0 or path.endswith(".d.ts.map"):
        return None
    return EXTENSIONS.get(path[dot:].lower())


@functools.cache
def grammar(language: LanguageName) -> Language:
    """Return the tree-sitter grammar for `language` (JSX uses the JavaScript grammar)."""
    if language in ("javascript", "jsx"):
        return Language(tree_sitter_javascript.language())
    if language == "typescript":
        return Language(tree_sitter_typescript.language_typescript())
    if language == "tsx":
        return Language(tree_sitter_typescript.language_tsx())
    return Language(tree_sitter_python.language())


def parser_for(language: LanguageName) -> Parser:
    """Return this thread's parser for `language` (a parser must not be shared by threads)."""
    parsers: dict[str, Parser] | None = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    parser = parsers.get(language)
    if parser is None:
        parser = parsers[language] = Parser(grammar(language))
    return parser


def _query_source(language: LanguageName) -> str:
    return "\n".join((QUERY_DIR / name).read_text("utf-8") for name in _QUERY_FILES[language])


@functools.cache
def query_for(language: LanguageName) -> Query:
    """Return the compiled extraction query for `language`."""
    return Query(grammar(language), _query_source(language))


_ROLE = re.compile(r"@((?:def|import|export)\.\w+)")


@functools.cache
def pattern_roles(language: LanguageName) -> tuple[str, ...]:
    """The role capture (`def.function`, `import.require`, ...) of each query pattern."""
    source = _query_source(language).encode("utf-8")
    query = query_for(language)
    roles = []
    for index in range(query.pattern_count):
        text = source[query.start_byte_for_pattern(index) : query.end_byte_for_pattern(index)]
        found = _ROLE.search(text.decode("utf-8"))
        if found is None:
            raise ValueError(f"query pattern {index} of {language} has no role capture")
        roles.append(found.group(1))
    return tuple(roles)


@functools.cache
def deep_query_for(language: LanguageName) -> Query:
    """Return the query restricted to imports and CommonJS exports (any depth)."""
    source = _query_source(language)
    query = Query(grammar(language), source)
    data = source.encode("utf-8")
    for index in range(query.pattern_count):
        text = data[query.start_byte_for_pattern(index) : query.end_byte_for_pattern(index)]
        if not any(role.encode() in text for role in _DEEP_ROLES):
            query.disable_pattern(index)
    return query
