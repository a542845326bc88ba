"""The export shape of a module, CommonJS or ES (recipe layer).

An importer's conversion depends on what the module it requires will export once it is an
ES module: `module.exports = <object literal>` gives named exports plus a default object,
`module.exports = <anything else>` gives a default (plus named exports for properties
assigned onto it), and `exports.x = ...` gives named exports only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import tree_sitter

from kimi_code.recipes.cjs_to_esm.syntax import node_text, parse, string_value, walk

__all__ = [
    "ExportShape",
    "export_shape",
    "exports_member_name",
    "is_module_exports",
    "object_keys",
    "top_level_assignment",
]

ModuleKind = Literal["cjs", "esm", "none"]
_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
"""An export name: any identifier name, reserved words included (`export { x as new }`)."""


@dataclass(frozen=True, slots=True)
class ExportShape:
    """What a module exports (after conversion, for a CommonJS module)."""

    kind: ModuleKind
    named: frozenset[str]
    has_default: bool


def is_module_exports(node: tree_sitter.Node | None) -> bool:
    """Whether `node` is the expression `module.exports`."""
    if node is None or node.type != "member_expression":
        return False
    obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
    return (
        obj is not None
        and obj.type == "identifier"
        and node_text(obj) == "module"
        and prop is not None
        and node_text(prop) == "exports"
    )


def exports_member_name(node: tree_sitter.Node | None) -> str | None:
    """`N` for `exports.N` / `module.exports.N`, else None."""
    if node is None or node.type != "member_expression":
        return None
    obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
    if obj is None or prop is None or prop.type != "property_identifier":
        return None
    if (obj.type == "identifier" and node_text(obj) == "exports") or is_module_exports(obj):
        return node_text(prop)
    return None


def top_level_assignment(stmt: tree_sitter.Node) -> tree_sitter.Node | None:
    """The assignment of an expression statement `a = b;` at top level, else None."""
    if stmt.type != "expression_statement" or not stmt.named_children:
        return None
    expr = stmt.named_children[0]
    return expr if expr.type == "assignment_expression" else None


def assignment_chain(assign: tree_sitter.Node) -> tuple[list[tree_sitter.Node], tree_sitter.Node]:
    """Targets and final value of `a = b = value` (targets in source order)."""
    targets: list[tree_sitter.Node] = []
    node = assign
    while node.type == "assignment_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        assert left is not None and right is not None
        targets.append(left)
        node = right
    return targets, node


def object_keys(obj: tree_sitter.Node) -> list[tuple[str, tree_sitter.Node]]:
    """Static keys of an object literal that can be export names, with their property node."""
    keys: list[tuple[str, tree_sitter.Node]] = []
    for prop in obj.named_children:
        key_node = None
        if prop.type == "shorthand_property_identifier":
            keys.append((node_text(prop), prop))
            continue
        if prop.type in ("pair", "method_definition"):
            key_node = prop.child_by_field_name("key") or prop.child_by_field_name("name")
        if key_node is None:
            continue
        name = string_value(key_node) if key_node.type == "string" else node_text(key_node)
        plain = name is not None and bool(_NAME.match(name)) and name != "default"
        if key_node.type in ("property_identifier", "string") and name and plain:
            keys.append((name, prop))
    return keys


def export_shape(source: bytes) -> ExportShape:
    """The export shape of `source` (for CommonJS: the shape its conversion will have)."""
    program = parse(source).root_node
    if any(s.type in ("import_statement", "export_statement") for s in program.named_children):
        return _esm_shape(program)
    named: set[str] = set()
    has_default = False
    is_cjs = False
    for node in walk(program):
        if node.type == "member_expression" and (
            is_module_exports(node) or exports_member_name(node) is not None
        ):
            is_cjs = True
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            is_cjs = is_cjs or (fn is not None and node_text(fn) == "require")
    for stmt in program.named_children:
        assign = top_level_assignment(stmt)
        if assign is None:
            continue
        targets, value = assignment_chain(assign)
        for target in targets:
            name = exports_member_name(target)
            if name is not None:
                named.add(name)
            elif is_module_exports(target):
                has_default = True
                if value.type == "object":
                    named.update(key for key, _ in object_keys(value))
    return ExportShape("cjs" if is_cjs else "none", frozenset(named), has_default)


def _esm_shape(program: tree_sitter.Node) -> ExportShape:
    named: set[str] = set()
    has_default = False
    for stmt in program.named_children:
        if stmt.type != "export_statement":
            continue
        if any(c.type == "default" for c in stmt.children):
            has_default = True
            continue
        declaration = stmt.child_by_field_name("declaration")
        if declaration is not None:
            name = declaration.child_by_field_name("name")
            if name is not None:
                named.add(node_text(name))
            for declarator in declaration.named_children:
                if declarator.type == "variable_declarator":
                    pattern = declarator.child_by_field_name("name")
                    if pattern is not None and pattern.type == "identifier":
                        named.add(node_text(pattern))
            continue
        for spec in walk(stmt):
            if spec.type == "export_specifier":
                alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                if alias is not None:
                    named.add(string_value(alias) or node_text(alias))
    has_default = has_default or "default" in named
    named.discard("default")
    return ExportShape("esm", frozenset(named), has_default)
