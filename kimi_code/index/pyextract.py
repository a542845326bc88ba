"""Handlers for the Python captures of `queries/python.scm` (index layer).

Definitions carry their docstring in `jsdoc` (the doc comment slot), imports record the
dotted module (`.`-prefixed when relative) and the names they bind.
"""

from __future__ import annotations

from tree_sitter import Node

from kimi_code.index.modules import Captures, Collected
from kimi_code.index.nodes import span_of, text_of
from kimi_code.index.records import RawParam

__all__ = ["PYTHON_HANDLERS"]


def _docstring(node: Node) -> str | None:
    body = node.child_by_field_name("body")
    if body is None or body.named_child_count == 0:
        return None
    first = body.named_children[0]
    if first.type == "expression_statement" and first.named_children:
        inner = first.named_children[0]
        if inner.type == "string":
            return text_of(inner)
    return None


def _param(child: Node) -> RawParam | None:
    kind = child.type
    if kind in ("identifier", "list_splat_pattern", "dictionary_splat_pattern"):
        return (text_of(child), None, None)
    if kind in ("default_parameter", "typed_default_parameter", "typed_parameter"):
        name = child.child_by_field_name("name")
        if name is None and child.named_children:
            name = child.named_children[0]
        value = child.child_by_field_name("value")
        kind_node = child.child_by_field_name("type")
        return (
            text_of(name) if name is not None else text_of(child),
            text_of(value) if value is not None else None,
            text_of(kind_node) if kind_node is not None else None,
        )
    return None


def _in_class(node: Node) -> bool:
    parent = node.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    return (
        parent is not None
        and parent.parent is not None
        and (parent.parent.type == "class_definition")
    )


def _on_function(c: Collected, caps: Captures) -> None:
    node = caps["def.pyfunction"][0]
    name = caps["name"][0]
    params = tuple(p for p in map(_param, caps["params"][0].named_children) if p is not None)
    kind = "method" if _in_class(node) else "function"
    c.symbols.append(
        (text_of(name), kind, span_of(node), params, _docstring(node), None, span_of(name))
    )


def _on_class(c: Collected, caps: Captures) -> None:
    node = caps["def.pyclass"][0]
    name = caps["name"][0]
    c.symbols.append(
        (text_of(name), "class", span_of(node), (), _docstring(node), None, span_of(name))
    )


def _on_variable(c: Collected, caps: Captures) -> None:
    node = caps["def.pyvariable"][0]
    name = caps["name"][0]
    c.symbols.append((text_of(name), "variable", span_of(node), (), None, None, span_of(name)))


def _on_import(c: Collected, caps: Captures) -> None:
    stmt = caps["import.python"][0]
    for child in stmt.named_children:
        if child.type == "aliased_import":
            module = child.child_by_field_name("name")
            alias = child.child_by_field_name("alias")
            spec = text_of(module) if module is not None else ""
            local = text_of(alias) if alias is not None else spec
        else:
            spec = text_of(child)
            local = spec.split(".")[0]
        c.imports.append((spec, "import", ("*",), span_of(stmt), (local,), False))


def _on_import_from(c: Collected, caps: Captures) -> None:
    stmt = caps["import.from"][0]
    module = stmt.child_by_field_name("module_name")
    spec = text_of(module) if module is not None else ""
    names: list[str] = []
    locals_: list[str] = []
    for child in stmt.children_by_field_name("name"):
        if child.type == "aliased_import":
            name = child.child_by_field_name("name")
            alias = child.child_by_field_name("alias")
            names.append(text_of(name) if name is not None else "")
            locals_.append(text_of(alias) if alias is not None else names[-1])
        else:
            names.append(text_of(child))
            locals_.append(names[-1])
    if any(child.type == "wildcard_import" for child in stmt.named_children):
        names.append("*")
        locals_.append("*")
    c.imports.append((spec, "import", tuple(names), span_of(stmt), tuple(locals_), False))


PYTHON_HANDLERS = {
    "def.pyfunction": _on_function,
    "def.pyclass": _on_class,
    "def.pyvariable": _on_variable,
    "import.python": _on_import,
    "import.from": _on_import_from,
}
