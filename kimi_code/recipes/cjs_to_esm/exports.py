"""The export pass of the CJS→ESM conversion (recipe layer).

Keeps the module's public shape for every kind of consumer:
- `exports.x = v` / `module.exports.x = v` become named exports (`export const x = v`, or
  `export { local as x }` when `v` is a top-level binding); later writes and reads of
  `exports.x` use the local binding;
- `module.exports = <object literal>` becomes `export default {...}` plus a named export
  per static key, so both `import api from` and `import { a } from` keep working;
- `module.exports = <value>` becomes `export default <value>`; properties assigned onto it
  later stay on the value and are also exported by name.
"""

from __future__ import annotations

import tree_sitter

from kimi_code.recipes.cjs_to_esm.shape import (
    assignment_chain,
    exports_member_name,
    is_module_exports,
    object_keys,
    top_level_assignment,
)
from kimi_code.recipes.cjs_to_esm.state import FileState, line_of
from kimi_code.recipes.cjs_to_esm.syntax import Edit, declared_names, is_identifier, node_text, walk

__all__ = ["convert_exports"]


def convert_exports(st: FileState) -> None:
    """Run the export pass over `st.program`."""
    top = declared_names(st.program)
    defaults, named = _collect(st)
    if len(defaults) > 1:
        st.issues.append(f"line {line_of(defaults[1])}: module.exports is assigned more than once")
        return
    needs_binding = bool(named) or _refers_to_module_exports(st, defaults)
    default_local = _convert_default(st, defaults[0], top, needs_binding) if defaults else None
    if "default" in named:
        st.issues.append(
            f"line {line_of(named['default'][0])}: exports.default (transpiled interop); "
            "decide by hand what the default export should be"
        )
        return
    exported: dict[str, str] = {}
    for name, stmts in named.items():
        exported[name] = _convert_named(st, name, stmts, top, default_local)
    _rewrite_references(st, exported, default_local)
    if default_local is None and named and st.want_default:
        members = ", ".join(n if n == local else f"{n}: {local}" for n, local in exported.items())
        st.tail.append(f"export default {{ {members} }};")


def _collect(st: FileState) -> tuple[list[tree_sitter.Node], dict[str, list[tree_sitter.Node]]]:
    defaults: list[tree_sitter.Node] = []
    named: dict[str, list[tree_sitter.Node]] = {}
    for stmt in st.program.named_children:
        assign = top_level_assignment(stmt)
        if assign is None:
            continue
        targets, _ = assignment_chain(assign)
        if any(is_module_exports(t) for t in targets):
            defaults.append(stmt)
            continue
        name = exports_member_name(targets[0]) if len(targets) == 1 else None
        if name is not None:
            named.setdefault(name, []).append(stmt)
    return defaults, named


def _is_stable_binding(st: FileState, name: str, top: set[str]) -> bool:
    """A top-level binding never reassigned, so a live export equals the CommonJS snapshot."""
    if name not in top:
        return False
    for node in walk(st.program):
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier" and node_text(left) == name:
                return False
    return True


def _refers_to_module_exports(st: FileState, defaults: list[tree_sitter.Node]) -> bool:
    """Whether code besides the `module.exports =` statement itself reads module.exports."""
    inside = [(d.start_byte, d.end_byte) for d in defaults]
    return any(
        is_module_exports(node) and not any(s <= node.start_byte < e for s, e in inside)
        for node in walk(st.program)
    )


def _convert_default(
    st: FileState, stmt: tree_sitter.Node, top: set[str], needs_binding: bool
) -> str | None:
    assign = top_level_assignment(stmt)
    assert assign is not None
    _, value = assignment_chain(assign)
    if value.type == "object":
        return _default_object(st, stmt, value, top, needs_binding)
    if value.type == "identifier" and node_text(value) in top:
        st.replace(stmt, f"export default {node_text(value)};")
        return node_text(value)
    name = value.child_by_field_name("name")
    if value.type in ("function_expression", "function", "class") and name is not None:
        _rewrite_head(st, stmt, value, "export default ")
        if node_text(stmt).endswith(";"):  # a declaration now: no empty statement after it
            st.edits.append(Edit(stmt.end_byte - 1, stmt.end_byte, ""))
        return node_text(name)
    if not needs_binding:
        _rewrite_head(st, stmt, value, "export default ")
        return None
    local = st.fresh("moduleExports")
    _rewrite_head(st, stmt, value, f"const {local} = ", f"\nexport default {local};")
    return local


def _rewrite_head(
    st: FileState, stmt: tree_sitter.Node, value: tree_sitter.Node, head: str, after: str = ""
) -> None:
    """Replace `<targets> = ` before `value` with `head` (the value stays editable)."""
    st.edits.append(Edit(stmt.start_byte, value.start_byte, head))
    assign = top_level_assignment(stmt)
    targets, _ = assignment_chain(assign) if assign is not None else ([], value)
    st.handled.update((t.start_byte, t.end_byte) for t in targets)
    if after:
        st.edits.append(Edit(stmt.end_byte, stmt.end_byte, after))


def _default_object(
    st: FileState, stmt: tree_sitter.Node, obj: tree_sitter.Node, top: set[str], needs_binding: bool
) -> str | None:
    keys = object_keys(obj)
    direct: dict[str, str] = {}
    for key, prop in keys:
        if prop.type == "shorthand_property_identifier" and _is_stable_binding(st, key, top):
            direct[key] = key
        value = prop.child_by_field_name("value") if prop.type == "pair" else None
        if (
            value is not None
            and value.type == "identifier"
            and _is_stable_binding(st, node_text(value), top)
        ):
            direct[key] = node_text(value)
    skipped = [
        c
        for c in obj.named_children
        if c.type not in ("shorthand_property_identifier", "pair", "method_definition", "comment")
    ]
    skipped += [
        c
        for c in obj.named_children
        if c.type in ("pair", "method_definition") and c not in [p for _, p in keys]
    ]
    for child in skipped:
        st.notes.append(
            f"line {line_of(child)}: no named export for `{node_text(child)[:40]}` "
            "(spread or computed key); the default export still carries it"
        )
    if len(direct) == len(keys) and not needs_binding:
        _rewrite_head(st, stmt, obj, "export default ")
        holder = None
    else:
        holder = st.fresh("moduleExports")
        _rewrite_head(st, stmt, obj, f"const {holder} = ", f"\nexport default {holder};")
    for key, _ in keys:
        if key in direct:
            st.export_names.append((direct[key], key))
        else:
            assert holder is not None
            _export_copy(st, key, f"{holder}.{key}")
    return holder


def _export_copy(st: FileState, name: str, expression: str) -> None:
    if name in st.used or not is_identifier(name):
        local = st.fresh(name)
        st.tail.append(f"const {local} = {expression};")
        st.export_names.append((local, name))
    else:
        st.used.add(name)
        st.generated.add(name)
        st.tail.append(f"export const {name} = {expression};")


def _convert_named(
    st: FileState,
    name: str,
    stmts: list[tree_sitter.Node],
    top: set[str],
    default_local: str | None,
) -> str:
    first = top_level_assignment(stmts[0])
    assert first is not None
    value = first.child_by_field_name("right")
    assert value is not None
    if default_local is not None:
        for stmt in stmts:
            assign = top_level_assignment(stmt)
            left = assign.child_by_field_name("left") if assign else None
            if left is not None:
                st.replace(left, f"{default_local}.{name}")
        _export_copy(st, name, f"{default_local}.{name}")
        return f"{default_local}.{name}"
    written_elsewhere = len(stmts) > 1 or _nested_writes(st, name)
    if (
        value.type == "identifier"
        and not written_elsewhere
        and _is_stable_binding(st, node_text(value), top)
    ):
        st.remove_statement(stmts[0])
        st.export_names.append((node_text(value), name))
        return node_text(value)
    keyword = "let" if written_elsewhere else "const"
    if not is_identifier(name) or _collides(st, name, value):
        local = st.fresh(name)
        _rewrite_head(st, stmts[0], value, f"{keyword} {local} = ")
        st.export_names.append((local, name))
    else:
        local = name
        st.used.add(name)
        st.generated.add(name)
        _rewrite_head(st, stmts[0], value, f"export {keyword} {name} = ")
    for stmt in stmts[1:]:
        assign = top_level_assignment(stmt)
        left = assign.child_by_field_name("left") if assign else None
        if left is not None:
            st.replace(left, local)
    return local


def _collides(st: FileState, name: str, value: tree_sitter.Node) -> bool:
    """Whether declaring `name` at top level could clash with a binding or a reference."""
    if name in st.generated:
        return True
    own = value.child_by_field_name("name")
    return any(
        node.type == "identifier" and node_text(node) == name and node != own
        for node in walk(st.program)
    )


def _nested_writes(st: FileState, name: str) -> bool:
    for node in walk(st.program):
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if (
                exports_member_name(left) == name
                and node.parent is not None
                and node.parent.parent != st.program
            ):
                return True
    return False


def _rewrite_references(st: FileState, exported: dict[str, str], default_local: str | None) -> None:
    for node in list(walk(st.program)):
        if st.is_handled(node):
            continue
        name = exports_member_name(node)
        if name is not None:
            if name in exported:
                st.replace(node, exported[name])
            elif default_local is not None:
                st.replace(node.child_by_field_name("object") or node, default_local)
            else:
                st.issues.append(
                    f"line {line_of(node)}: exports.{name} is never assigned at top level"
                )
        elif is_module_exports(node):
            if default_local is not None:
                st.replace(node, default_local)
            else:
                st.issues.append(f"line {line_of(node)}: module.exports used as a value")
        elif node.type == "identifier" and node_text(node) in ("exports", "module"):
            st.issues.append(f"line {line_of(node)}: `{node_text(node)}` used outside an export")
