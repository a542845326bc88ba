"""tree-sitter helpers for the CJS→ESM recipe: parsing, node text, byte edits, fresh names.

Recipe layer. Conversions are expressed as byte-range `Edit`s on the original source so
every character the recipe does not deliberately touch (comments, formatting) survives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter
import tree_sitter_javascript

__all__ = [
    "Edit",
    "apply_edits",
    "declared_names",
    "fresh_name",
    "is_identifier",
    "node_text",
    "parse",
    "string_value",
    "walk",
]

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_RESERVED = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "export",
        "extends",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "let",
        "new",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "await",
        "enum",
        "null",
        "true",
        "false",
    ]
)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace bytes [start, end) of the source with `text`."""

    start: int
    end: int
    text: str


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


def parse(source: bytes) -> tree_sitter.Tree:
    """Parse JavaScript (JSX included) source."""
    return _parser().parse(source)


def node_text(node: tree_sitter.Node) -> str:
    """The source text of `node`."""
    return (node.text or b"").decode("utf-8")


def string_value(node: tree_sitter.Node | None) -> str | None:
    """The value of a plain string literal node (no escapes handled beyond the raw text)."""
    if node is None or node.type != "string":
        return None
    return "".join(node_text(c) for c in node.children if c.type == "string_fragment")


def walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """Every node under `node` (itself included), in source order."""
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            assert cursor.node is not None
            yield cursor.node
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            visited_children = True
        else:
            return


def is_identifier(name: str) -> bool:
    """Whether `name` can be a JavaScript binding name."""
    return bool(_IDENTIFIER.match(name)) and name not in _RESERVED


def declared_names(program: tree_sitter.Node) -> set[str]:
    """Names bound by top-level declarations of `program` (functions, classes, variables)."""
    names: set[str] = set()
    for stmt in program.named_children:
        target = (
            stmt.child_by_field_name("declaration") if stmt.type == "export_statement" else stmt
        )
        if target is None:
            continue
        if target.type in (
            "function_declaration",
            "generator_function_declaration",
            "class_declaration",
        ):
            name = target.child_by_field_name("name")
            if name is not None:
                names.add(node_text(name))
        elif target.type in ("lexical_declaration", "variable_declaration"):
            for declarator in target.named_children:
                pattern = declarator.child_by_field_name("name")
                if pattern is not None:
                    names.update(
                        node_text(n)
                        for n in walk(pattern)
                        if n.type in ("identifier", "shorthand_property_identifier_pattern")
                    )
        elif target.type == "import_statement":
            names.update(
                node_text(n)
                for n in walk(target)
                if n.type == "identifier"
                and n.parent is not None
                and n.parent.type in ("import_clause", "namespace_import", "import_specifier")
                and (n.parent.type != "import_specifier" or n == n.parent.named_children[-1])
            )
    return names


def fresh_name(base: str, used: set[str]) -> str:
    """A binding name derived from `base` that is not in `used` (and add it to `used`)."""
    cleaned = re.sub(r"[^A-Za-z0-9_$]", "_", base) or "value"
    if cleaned[0].isdigit():
        cleaned = f"_{cleaned}"
    candidate = cleaned if is_identifier(cleaned) else f"{cleaned}_"
    counter = 1
    while candidate in used or not is_identifier(candidate):
        counter += 1
        candidate = f"{cleaned}{counter}"
    used.add(candidate)
    return candidate


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits to `source`.

    Raises:
        ValueError: two edits overlap (a bug in the caller's planning).
    """
    out: list[bytes] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise ValueError(f"overlapping edits at byte {edit.start}")
        out.append(source[position : edit.start])
        out.append(edit.text.encode("utf-8"))
        position = edit.end
    out.append(source[position:])
    return b"".join(out)
