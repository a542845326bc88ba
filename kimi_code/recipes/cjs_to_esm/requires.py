"""The require pass of the CJS→ESM conversion: `require()` becomes `import` (recipe layer).

Top-level `const x = require('m')`, destructuring requires, `require('m').p` and bare
`require('m');` become import declarations chosen by what `m` exports (default, named or
namespace). Requires inside functions of workspace modules are hoisted to imports; the
rest (JSON, computed specifiers, `require.resolve`, package subpaths) keep working through
`createRequire(import.meta.url)`. `require.main === module` becomes a main-module check.
"""

from __future__ import annotations

import posixpath
import re

import tree_sitter

from kimi_code.recipes.cjs_to_esm.resolve import Target
from kimi_code.recipes.cjs_to_esm.state import FileState, line_of
from kimi_code.recipes.cjs_to_esm.syntax import node_text, string_value, walk

__all__ = ["convert_requires", "require_specifier"]

_PACKAGE_SUBPATH = re.compile(r"^(@[^/]+/)?[^/@.][^/]*/.+")


def require_specifier(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The string argument node of `require('x')`, or None if `node` is not such a call."""
    if node.type != "call_expression":
        return None
    fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    if fn is None or fn.type != "identifier" or node_text(fn) != "require" or args is None:
        return None
    if len(args.named_children) != 1 or args.named_children[0].type != "string":
        return None
    return args.named_children[0]


def convert_requires(st: FileState) -> None:
    """Run the require pass over `st.program`."""
    for stmt in st.program.named_children:
        if stmt.type == "expression_statement" and stmt.named_children:
            _bare_require(st, stmt)
        elif stmt.type in ("lexical_declaration", "variable_declaration"):
            _declaration(st, stmt)
    for node in list(walk(st.program)):
        if st.is_handled(node):
            continue
        if (
            node.type == "call_expression"
            and node_text(node.child_by_field_name("function") or node) == "require"
        ):
            _nested_require(st, node)
        elif node.type == "binary_expression":
            _main_check(st, node)
    for node in walk(st.program):
        if node.type == "identifier" and node_text(node) == "require" and not st.is_handled(node):
            st.needs_require = True  # require.resolve, require.cache, require passed as a value
    if st.needs_require:
        create = st.helper("createRequire", lambda n: _named("node:module", "createRequire", n))
        st.consts.insert(0, f"const require = {create}(import.meta.url);")


def _named(module: str, name: str, local: str) -> str:
    inner = name if name == local else f"{name} as {local}"
    return f"import {{ {inner} }} from '{module}';"


def _spec(st: FileState, target: Target, string_node: tree_sitter.Node) -> str:
    quote = st.quote(string_node)
    text = st.resolver.esm_specifier(st.final, target)
    return f"{quote}{text}{quote}"


def _keeps_require(target: Target) -> bool:
    """Targets that stay on createRequire: JSON, unresolved, extensionless package subpaths."""
    if target.kind in ("json", "unresolved"):
        return True
    spec = target.specifier
    return (
        target.kind == "package"
        and bool(_PACKAGE_SUBPATH.match(spec))
        and "." not in spec.rsplit("/", 1)[-1]
    )


def _target(st: FileState, string_node: tree_sitter.Node) -> Target:
    target = st.resolver.resolve(st.path, string_value(string_node) or "")
    if target.kind == "unresolved" and target.specifier.startswith("."):
        st.issues.append(
            f"line {line_of(string_node)}: cannot resolve {target.specifier!r} ({target.reason})"
        )
    return target


def _bare_require(st: FileState, stmt: tree_sitter.Node) -> None:
    string_node = require_specifier(stmt.named_children[0])
    if string_node is None:
        return
    target = _target(st, string_node)
    if _keeps_require(target):
        return
    st.replace(stmt, f"import {_spec(st, target, string_node)};")


def _declaration(st: FileState, stmt: tree_sitter.Node) -> None:
    declarators = [d for d in stmt.named_children if d.type == "variable_declarator"]
    lines: list[str] = []
    for declarator in declarators:
        converted = _declarator_imports(st, declarator, node_text(stmt.children[0]))
        if converted is None:
            return  # not a pure require declaration: its calls are handled as nested ones
        lines.extend(converted)
    if lines:
        st.replace(stmt, "\n".join(lines))


def _declarator_imports(
    st: FileState, declarator: tree_sitter.Node, keyword: str
) -> list[str] | None:
    pattern, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
    if pattern is None or value is None:
        return None
    member = None
    if value.type == "member_expression" and require_specifier(
        value.child_by_field_name("object") or value
    ):
        prop = value.child_by_field_name("property")
        if prop is None or prop.type != "property_identifier":
            return None
        member, value = node_text(prop), value.child_by_field_name("object")
    string_node = require_specifier(value) if value is not None else None
    if string_node is None:
        return None
    target = _target(st, string_node)
    if _keeps_require(target):
        st.needs_require = True
        return None
    if member is not None:
        if pattern.type != "identifier":
            return None
        return _destructure(st, target, string_node, [(member, node_text(pattern))], None, keyword)
    if pattern.type == "identifier":
        return _whole(st, target, string_node, node_text(pattern), keyword)
    if pattern.type == "object_pattern":
        return _destructure(st, target, string_node, _simple_names(pattern), pattern, keyword)
    return None


def _simple_names(pattern: tree_sitter.Node) -> list[tuple[str, str]] | None:
    """[(imported, local)] for `{ a, b: c }`; None when the pattern needs a real destructure."""
    names: list[tuple[str, str]] = []
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            names.append((node_text(child), node_text(child)))
            continue
        key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
        if child.type != "pair_pattern" or key is None or value is None:
            return None
        if key.type != "property_identifier" or value.type != "identifier":
            return None
        names.append((node_text(key), node_text(value)))
    return names


def _is_reassigned(st: FileState, name: str) -> bool:
    for node in walk(st.program):
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier" and node_text(left) == name:
                return True
        if node.type == "update_expression" and any(
            c.type == "identifier" and node_text(c) == name for c in node.children
        ):
            return True
    return False


def _module_binding(
    st: FileState, target: Target, string_node: tree_sitter.Node, local: str
) -> str:
    """`import local from` (default) or `import * as local from` (namespace), by target shape."""
    spec = _spec(st, target, string_node)
    is_workspace = target.kind == "workspace" and target.path is not None
    if is_workspace and target.path and not st.shape_of(target.path).has_default:
        return f"import * as {local} from {spec};"
    return f"import {local} from {spec};"


def _whole(
    st: FileState, target: Target, string_node: tree_sitter.Node, local: str, keyword: str
) -> list[str]:
    if keyword != "const" and _is_reassigned(st, local):
        hidden = st.fresh(local)
        return [_module_binding(st, target, string_node, hidden), f"{keyword} {local} = {hidden};"]
    return [_module_binding(st, target, string_node, local)]


def _destructure(
    st: FileState,
    target: Target,
    string_node: tree_sitter.Node,
    names: list[tuple[str, str]] | None,
    pattern: tree_sitter.Node | None,
    keyword: str,
) -> list[str]:
    named_ok = names is not None and (
        target.kind == "builtin"
        or (
            target.kind == "workspace"
            and target.path is not None
            and {n for n, _ in names} <= st.shape_of(target.path).named
        )
    )
    reassigned = names is not None and any(_is_reassigned(st, local) for _, local in names)
    if names is not None and named_ok and (keyword == "const" or not reassigned):
        inner = ", ".join(n if n == local else f"{n} as {local}" for n, local in names)
        return [f"import {{ {inner} }} from {_spec(st, target, string_node)};"]
    base = posixpath.splitext(posixpath.basename(target.path or target.specifier))[0]
    hidden = st.fresh(_camel(base) or "module")
    if pattern is not None:
        binding = node_text(pattern)
    else:
        assert names is not None
        binding = (
            "{ " + ", ".join(n if n == local else f"{n}: {local}" for n, local in names) + " }"
        )
    decl = "const" if keyword == "const" else keyword
    return [_module_binding(st, target, string_node, hidden), f"{decl} {binding} = {hidden};"]


def _camel(name: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else ""


def _nested_require(st: FileState, call: tree_sitter.Node) -> None:
    string_node = require_specifier(call)
    if string_node is None:
        st.needs_require = True
        st.notes.append(
            f"line {line_of(call)}: computed require() kept through createRequire; "
            "it cannot load modules that are now ES modules"
        )
        return
    target = _target(st, string_node)
    if target.kind != "workspace" or target.path is None:
        st.needs_require = True
        return
    key = f"hoisted:{target.path}"
    if key not in st.helpers:
        base = posixpath.splitext(posixpath.basename(target.path))[0]
        st.helpers[key] = st.fresh(_camel(base) or "module")
        st.add_import(_module_binding(st, target, string_node, st.helpers[key]))
        st.notes.append(
            f"line {line_of(call)}: require of {target.specifier!r} hoisted to an import"
        )
    st.replace(call, st.helpers[key])


def _is_require_main(node: tree_sitter.Node | None) -> bool:
    return (
        node is not None and node.type == "member_expression" and node_text(node) == "require.main"
    )


def _main_check(st: FileState, node: tree_sitter.Node) -> None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    if left is None or right is None or operator is None:
        return
    sides = {node_text(left), node_text(right)}
    if sides != {"require.main", "module"} or not (
        _is_require_main(left) or _is_require_main(right)
    ):
        return
    op = node_text(operator)
    if op not in ("===", "==", "!==", "!="):
        return
    url = st.helper("fileURLToPath", lambda n: _named("node:url", "fileURLToPath", n))
    real = st.helper("realpathSync", lambda n: _named("node:fs", "realpathSync", n))
    check = st.fresh("isMainModule")
    st.consts.append(
        f"function {check}() {{\n"
        f"  // ES modules have no require.main: compare this file with the script node started.\n"
        f"  try {{\n"
        f"    return {real}(process.argv[1]) === {url}(import.meta.url);\n"
        f"  }} catch {{\n"
        f"    return false;\n"
        f"  }}\n"
        f"}}"
    )
    st.replace(node, f"{check}()" if op.startswith("=") else f"!{check}()")
