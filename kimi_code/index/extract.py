"""Extract one file's raw record from its syntax tree (index layer).

One pass of the language's query (`queries/*.scm`) over the tree, started no deeper than
`SHALLOW_DEPTH` so the query cursor skips the insides of function bodies; each match goes
to the handler named by its `@def.*`, `@import.*` or `@export.*` capture. Imports and
CommonJS exports can sit at any depth, so a second pass runs the import/export patterns
only around the bytes where `require`, `import` or `exports` occur outside the imports
already found. Nesting (a method's class, an object-literal method's variable) comes
from span containment afterwards, in plain Python over the symbols, not from the tree.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
from collections.abc import Callable

from tree_sitter import QueryCursor, Tree

from kimi_code.index.languages import (
    DEEP_KEYWORDS,
    SHALLOW_DEPTH,
    deep_query_for,
    parser_for,
    pattern_roles,
    query_for,
)
from kimi_code.index.model import LanguageName
from kimi_code.index.modules import FUNCTION_TYPES, IMPORT_EXPORT_HANDLERS, Captures, Collected
from kimi_code.index.nodes import doc_comment, ecma_params, function_params, span_of, text_of
from kimi_code.index.pyextract import PYTHON_HANDLERS
from kimi_code.index.records import RawRecord, RawSymbol

__all__ = ["extract_record", "hash_bytes", "index_source", "parse"]

Handler = Callable[[Collected, Captures], None]


def hash_bytes(data: bytes) -> str:
    """Return the content hash the index uses: sha256 hex, as `model.changes.content_hash`."""
    return hashlib.sha256(data).hexdigest()


def _definition(c: Collected, caps: Captures, role: str, kind: str) -> None:
    node = caps[role][0]
    name = caps["name"][0]
    value = caps.get("value")
    if "params" in caps:
        params = ecma_params(caps["params"][0])
    elif value and value[0].type in FUNCTION_TYPES:
        params = function_params(value[0])
    else:
        params = ()
    parent = text_of(caps["class"][0]) if "class" in caps else None
    c.symbols.append(
        (
            text_of(name),
            kind,
            span_of(node),
            params,
            doc_comment(node, c.data),
            parent,
            span_of(name),
        )
    )


def _on_variable(c: Collected, caps: Captures) -> None:
    value = caps.get("value")
    if value and value[0].type in FUNCTION_TYPES:
        return  # recorded as a function by its own pattern
    _definition(c, caps, "def.variable", "variable")


def _on_property(c: Collected, caps: Captures) -> None:
    value = caps.get("value")
    is_method = bool(value) and value[0].type in FUNCTION_TYPES  # type: ignore[index]
    _definition(c, caps, "def.property", "method" if is_method else "property")


def _simple(role: str, kind: str) -> Handler:
    def handle(c: Collected, caps: Captures) -> None:
        _definition(c, caps, role, kind)

    return handle


HANDLERS: dict[str, Handler] = {
    "def.function": _simple("def.function", "function"),
    "def.class": _simple("def.class", "class"),
    "def.method": _simple("def.method", "method"),
    "def.proto": _simple("def.proto", "method"),
    "def.interface": _simple("def.interface", "interface"),
    "def.type": _simple("def.type", "type"),
    "def.enum": _simple("def.enum", "enum"),
    "def.variable": _on_variable,
    "def.property": _on_property,
    **IMPORT_EXPORT_HANDLERS,
    **PYTHON_HANDLERS,
}


def _with_parents(symbols: list[RawSymbol]) -> tuple[RawSymbol, ...]:
    """Fill each symbol's parent with the innermost definition whose span contains it."""
    symbols.sort(key=lambda s: (s[2][4], -s[2][5]))
    stack: list[RawSymbol] = []
    out: list[RawSymbol] = []
    for sym in symbols:
        start, end = sym[2][4], sym[2][5]
        while stack and not (stack[-1][2][4] <= start and end <= stack[-1][2][5]):
            stack.pop()
        if sym[5] is None and stack:
            sym = (sym[0], sym[1], sym[2], sym[3], sym[4], stack[-1][0], sym[6])
        out.append(sym)
        stack.append(sym)
    return tuple(out)


def _module_kind(c: Collected) -> str:
    if c.esm and c.cjs:
        return "mixed"
    return "esm" if c.esm else "cjs" if c.cjs else "none"


@functools.cache
def _handlers(language: LanguageName) -> tuple[tuple[str, Handler], ...]:
    """(role, handler) of each pattern of the language's query, by pattern index."""
    return tuple((role, HANDLERS[role]) for role in pattern_roles(language))


def _deep_pass(c: Collected, tree: Tree, data: bytes, language: LanguageName) -> None:
    """Find imports and CommonJS exports below SHALLOW_DEPTH, near their keywords only."""
    spans = sorted((i[3][4], i[3][5]) for i in c.imports)
    starts = [start for start, _ in spans]
    table = _handlers(language)
    seen: set[int] | None = None
    for keyword in DEEP_KEYWORDS[language]:
        pos = data.find(keyword)
        while pos >= 0:
            end = pos + len(keyword)
            i = bisect.bisect_right(starts, pos) - 1
            if (i < 0 or spans[i][1] <= pos) and _is_word(data, pos, end):
                if seen is None:  # what the shallow pass found, by start byte
                    seen = set(starts) | {e[2][4] for e in c.exports}
                cursor = QueryCursor(deep_query_for(language))
                cursor.set_byte_range(pos, end)
                for index, caps in cursor.matches(tree.root_node):
                    role, handler = table[index]
                    start = caps[role][0].start_byte
                    if start not in seen:
                        seen.add(start)
                        handler(c, caps)
            pos = data.find(keyword, end)


def _is_word(data: bytes, start: int, end: int) -> bool:
    """True when bytes start:end are a whole identifier (not part of a longer one)."""
    before = data[start - 1 : start] if start else b" "
    after = data[end : end + 1]
    return not (before.isalnum() or before in b"_$") and not (after.isalnum() or after in b"_$")


def extract_record(tree: Tree, data: bytes, language: LanguageName, content_hash: str) -> RawRecord:
    """Run the language's queries over `tree` (parsed from `data`); return the raw record."""
    collected = Collected(data)
    table = _handlers(language)
    cursor = QueryCursor(query_for(language))
    cursor.set_max_start_depth(SHALLOW_DEPTH)
    for index, caps in cursor.matches(tree.root_node):
        table[index][1](collected, caps)
    _deep_pass(collected, tree, data, language)
    collected.imports.sort(key=lambda i: i[3][4])
    collected.exports.sort(key=lambda e: e[2][4])
    return (
        language,
        content_hash,
        len(data),
        tree.root_node.has_error,
        _module_kind(collected),
        _with_parents(collected.symbols),
        tuple(collected.imports),
        tuple(collected.exports),
    )


def parse(data: bytes, language: LanguageName, old_tree: Tree | None = None) -> Tree:
    """Parse `data` (reusing `old_tree` after `Tree.edit` for an incremental parse)."""
    parser = parser_for(language)
    return parser.parse(data, old_tree) if old_tree is not None else parser.parse(data)


def index_source(data: bytes, language: LanguageName, content_hash: str | None = None) -> RawRecord:
    """Parse and extract `data`: the whole per-file work of a cold index."""
    digest = content_hash if content_hash is not None else hash_bytes(data)
    return extract_record(parse(data, language), data, language, digest)
