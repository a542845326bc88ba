"""ES module and CommonJS imports/exports of one JavaScript/TypeScript tree (index layer).

Handlers for the `@import.*` and `@export.*` captures of `queries/ecma.scm`. Each reads a
few nodes around the captured one and appends raw tuples to a `Collected`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from kimi_code.index.nodes import doc_comment, function_params, span_of, string_value, text_of
from kimi_code.index.records import RawExport, RawImport, RawSpan, RawSymbol

__all__ = ["FUNCTION_TYPES", "IMPORT_EXPORT_HANDLERS", "Captures", "Collected"]

Captures = dict[str, list[Node]]
FUNCTION_TYPES = frozenset({"arrow_function", "function_expression", "generator_function"})
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


@dataclass(slots=True)
class Collected:
    """What the handlers of one file have found so far."""

    data: bytes = b""
    """The source the tree was parsed from."""
    symbols: list[RawSymbol] = field(default_factory=list)
    imports: list[RawImport] = field(default_factory=list)
    exports: list[RawExport] = field(default_factory=list)
    esm: bool = False
    cjs: bool = False


def _pattern_bindings(pattern: Node) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names and locals bound by `const {a, b: c} = ...` (an object pattern)."""
    names: list[str] = []
    locals_: list[str] = []
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            names.append(text_of(child))
            locals_.append(text_of(child))
        elif child.type == "pair_pattern":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is not None and value is not None:
                if value.type == "assignment_pattern":
                    value = value.child_by_field_name("left") or value
                names.append(text_of(key))
                locals_.append(text_of(value))
        elif child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None:
                names.append(text_of(left))
                locals_.append(text_of(left))
    return tuple(names), tuple(locals_)


def _call_bindings(call: Node) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a `require(...)`/`import(...)` call binds, from the code around it."""
    node = call
    parent = node.parent
    while parent is not None and parent.type in ("await_expression", "parenthesized_expression"):
        node, parent = parent, parent.parent
    member = None
    if parent is not None and parent.type == "member_expression":
        prop = parent.child_by_field_name("property")
        member = text_of(prop) if prop is not None else None
        if member == "then":  # import('./x').then(...): nothing bound here
            return (("*",), ("",))
        node, parent = parent, parent.parent
    local = ""
    if parent is not None and parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        if target is not None and target.type == "object_pattern" and member is None:
            return _pattern_bindings(target)
        if target is not None and target.type == "identifier":
            local = text_of(target)
    return ((member if member is not None else "*",), (local,))


def _call_import(c: Collected, caps: Captures, kind: str) -> None:
    call = caps[f"import.{kind}"][0]
    args = caps["args"][0].named_children
    first = args[0] if args else None
    value = string_value(first) if first is not None else None
    spec = value if value is not None else (text_of(first) if first is not None else "")
    names, locals_ = _call_bindings(call)
    if value is None:
        # A computed specifier cannot be resolved statically; `\0` marks it for resolve.py.
        spec = "\0" + spec
    c.imports.append((spec, kind, names, span_of(call), locals_, False))
    if kind == "require":
        c.cjs = True


def _on_require(c: Collected, caps: Captures) -> None:
    _call_import(c, caps, "require")


def _on_dynamic(c: Collected, caps: Captures) -> None:
    _call_import(c, caps, "dynamic")


def _clause_bindings(clause: Node) -> tuple[list[str], list[str]]:
    names: list[str] = []
    locals_: list[str] = []
    for child in clause.named_children:
        if child.type == "identifier":
            names.append("default")
            locals_.append(text_of(child))
        elif child.type == "namespace_import":
            ident = child.named_children
            names.append("*")
            locals_.append(text_of(ident[-1]) if ident else "")
        elif child.type == "named_imports":
            for spec in child.named_children:
                if spec.type != "import_specifier":
                    continue
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias")
                if name is not None:
                    names.append(text_of(name))
                    locals_.append(text_of(alias if alias is not None else name))
    return names, locals_


def _on_static(c: Collected, caps: Captures) -> None:
    stmt = caps["import.static"][0]
    spec = string_value(caps["source"][0]) or ""
    names: list[str] = []
    locals_: list[str] = []
    for child in stmt.named_children:
        if child.type == "import_clause":
            names, locals_ = _clause_bindings(child)
    c.imports.append((spec, "import", tuple(names), span_of(stmt), tuple(locals_), False))
    c.esm = True


def _on_ts_require(c: Collected, caps: Captures) -> None:
    clause = caps["import.tsrequire"][0]
    spec = string_value(caps["source"][0]) or ""
    local = text_of(caps["name"][0])
    c.imports.append((spec, "require", ("*",), span_of(clause), (local,), False))
    c.cjs = True


def _declared_names(decl: Node) -> list[tuple[str, str]]:
    """(name, kind) of what an exported declaration defines."""
    if decl.type in _DECLARATIONS:
        out = []
        for child in decl.named_children:
            name = (
                child.child_by_field_name("name") if child.type == "variable_declarator" else None
            )
            if name is not None:
                value = child.child_by_field_name("value")
                is_fn = value is not None and value.type in FUNCTION_TYPES
                out.append((text_of(name), "function" if is_fn else "variable"))
        return out
    name = decl.child_by_field_name("name")
    kind = decl.type.replace("_declaration", "").replace("generator_function", "function")
    return [(text_of(name), kind.replace("abstract_", ""))] if name is not None else []


def _export_clause(c: Collected, stmt: Node, clause: Node, source: str | None) -> None:
    names: list[str] = []
    aliases: list[str] = []
    for spec in clause.named_children:
        if spec.type != "export_specifier":
            continue
        name = spec.child_by_field_name("name")
        alias = spec.child_by_field_name("alias")
        if name is None:
            continue
        names.append(text_of(name))
        aliases.append(text_of(alias if alias is not None else name))
        local = None if source else names[-1]
        c.exports.append((aliases[-1], "reexport" if source else "named", span_of(stmt), local))
    if source is not None:
        c.imports.append((source, "import", tuple(names), span_of(stmt), tuple(aliases), True))


def _on_export(c: Collected, caps: Captures) -> None:
    stmt = caps["export.statement"][0]
    c.esm = True
    span = span_of(stmt)
    source_node = stmt.child_by_field_name("source")
    source = string_value(source_node) if source_node is not None else None
    decl = stmt.child_by_field_name("declaration")
    if any(child.type == "default" for child in stmt.children):
        _default_export(c, stmt, decl, span)
        return
    if decl is not None:
        c.exports.extend((name, kind, span, name) for name, kind in _declared_names(decl))
        return
    for child in stmt.named_children:
        if child.type == "export_clause":
            _export_clause(c, stmt, child, source)
        elif child.type == "namespace_export":
            alias = text_of(child.named_children[-1]) if child.named_children else "*"
            c.exports.append((alias, "reexport", span, None))
            c.imports.append((source or "", "import", ("*",), span, (alias,), True))
    if source is not None and not any(
        ch.type in ("export_clause", "namespace_export") for ch in stmt.named_children
    ):
        c.exports.append(("*", "reexport", span, None))
        c.imports.append((source, "import", ("*",), span, ("*",), True))


def _default_export(c: Collected, stmt: Node, decl: Node | None, span: RawSpan) -> None:
    value = stmt.child_by_field_name("value")
    local = _local_name(decl if decl is not None else value)
    if value is not None and value.type in FUNCTION_TYPES and local is None:
        params = function_params(value)
        jsdoc = doc_comment(stmt, c.data)
        c.symbols.append(("default", "function", span_of(value), params, jsdoc, None, None))
        local = "default"
    c.exports.append(("default", "default", span, local))


def _local_name(value: Node | None) -> str | None:
    """The local name an exported value refers to: an identifier, or a named declaration."""
    if value is None:
        return None
    if value.type == "identifier":
        return text_of(value)
    name = value.child_by_field_name("name")
    return text_of(name) if name is not None else None


def _object_keys(value: Node) -> list[tuple[str, str | None]]:
    """(key, local name) of each property of an exported object literal."""
    keys: list[tuple[str, str | None]] = []
    for child in value.named_children:
        if child.type == "shorthand_property_identifier":
            keys.append((text_of(child), text_of(child)))
        elif child.type in ("pair", "method_definition"):
            key_node = child.child_by_field_name("key") or child.child_by_field_name("name")
            if key_node is None:
                continue
            key = text_of(key_node).strip("'\"")
            target = child.child_by_field_name("value")
            is_fn = child.type == "method_definition" or (
                target is not None and target.type in FUNCTION_TYPES
            )
            keys.append((key, key if is_fn else _local_name(target)))
    return keys


def _on_module_exports(c: Collected, caps: Captures) -> None:
    assign = caps["export.module"][0]
    value = caps["value"][0]
    c.cjs = True
    span = span_of(assign)
    if value.type == "object":
        c.exports.extend((key, "cjs", span, local) for key, local in _object_keys(value))
    else:
        c.exports.append(("default", "cjs", span, _local_name(value)))


def _on_named_export(c: Collected, caps: Captures) -> None:
    assign = caps["export.named"][0]
    name_node = caps["name"][0]
    value = caps["value"][0]
    c.cjs = True
    name = text_of(name_node)
    is_fn = value.type in FUNCTION_TYPES
    c.exports.append((name, "cjs", span_of(assign), name if is_fn else _local_name(value)))
    if is_fn:
        params = function_params(value)
        symbol = (
            name,
            "function",
            span_of(assign),
            params,
            doc_comment(assign, c.data),
            None,
            span_of(name_node),
        )
        c.symbols.append(symbol)


IMPORT_EXPORT_HANDLERS = {
    "import.static": _on_static,
    "import.dynamic": _on_dynamic,
    "import.require": _on_require,
    "import.tsrequire": _on_ts_require,
    "export.statement": _on_export,
    "export.module": _on_module_exports,
    "export.named": _on_named_export,
}
