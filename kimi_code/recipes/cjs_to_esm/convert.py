"""Convert one CommonJS file to an ES module (recipe layer; pure: text in, text out).

Runs the require pass and the export pass, replaces `__dirname`/`__filename` with
`import.meta.url` equivalents, drops `'use strict'` (modules are strict), adds explicit
file names to relative specifiers (and follows `.cjs` renames), then assembles the text:
generated imports before the first statement, generated declarations after the leading
imports, generated exports at the end. A file with blocking issues is left unchanged and
the issues say why, with line numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

from kimi_code.recipes.cjs_to_esm.exports import convert_exports
from kimi_code.recipes.cjs_to_esm.requires import convert_requires
from kimi_code.recipes.cjs_to_esm.resolve import Resolver
from kimi_code.recipes.cjs_to_esm.shape import ExportShape
from kimi_code.recipes.cjs_to_esm.state import FileState, line_of
from kimi_code.recipes.cjs_to_esm.syntax import (
    Edit,
    apply_edits,
    declared_names,
    node_text,
    parse,
    string_value,
    walk,
)

__all__ = ["Conversion", "convert_source"]

_NOT_STATEMENTS = ("comment", "hash_bang_line")


@dataclass(frozen=True, slots=True)
class Conversion:
    """The result of converting one file."""

    path: str
    new_path: str | None
    """Rename target (`.cjs` → `.js`), or None."""
    text: str
    changed: bool
    notes: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    """Blocking problems; when present the text is the original."""


def convert_source(
    path: str,
    text: str,
    resolver: Resolver,
    shape_of: Callable[[str], ExportShape],
    *,
    want_default: bool = False,
) -> Conversion:
    """Convert the CommonJS module `text` at workspace path `path` to an ES module.

    Args:
        path: The file's workspace path in the current view.
        text: Its current text.
        resolver: Resolves specifiers against the workspace's current view.
        shape_of: Export shape of another workspace file (decides default vs named imports).
        want_default: Also give a module of `exports.x` assignments a default export object
            (for an entry point or a module that ES modules import by default).

    Returns:
        The conversion (unchanged text and `issues` when the file cannot be converted).
    """
    source = text.encode("utf-8")
    tree = parse(source)
    final = resolver.final(path)
    st = FileState(path, final, source, tree.root_node, resolver, shape_of, want_default)
    if tree.root_node.has_error:
        bad = next(n for n in walk(tree.root_node) if n.type == "ERROR" or n.is_missing)
        st.issues.append(f"line {line_of(bad)}: syntax error; fix the file before converting it")
    elif own := sorted(declared_names(tree.root_node) & {"require", "module", "exports"}):
        st.issues.append(
            f"declares its own top-level `{own[0]}`; convert this file by hand or with the model"
        )
    else:
        _drop_use_strict(st)
        convert_requires(st)
        convert_exports(st)
        _file_globals(st)
        _rewrite_specifiers(st)
    issues = tuple(dict.fromkeys(st.issues))
    if issues:
        return Conversion(path, None, text, False, tuple(st.notes), issues)
    new_text = _assemble(st, tree.root_node)
    new_path = final if final != path else None
    return Conversion(
        path,
        new_path,
        new_text,
        new_text != text or new_path is not None,
        tuple(dict.fromkeys(st.notes)),
    )


def _statements(program: tree_sitter.Node) -> list[tree_sitter.Node]:
    return [s for s in program.named_children if s.type not in _NOT_STATEMENTS]


def _is_directive(stmt: tree_sitter.Node) -> bool:
    first = stmt.named_children[0] if stmt.named_children else None
    return stmt.type == "expression_statement" and string_value(first) == "use strict"


def _drop_use_strict(st: FileState) -> None:
    for stmt in _statements(st.program):
        if not _is_directive(stmt):
            break
        end = stmt.end_byte
        while end < len(st.source) and st.source[end : end + 1] in (b" ", b"\t", b"\r"):
            end += 1
        for _ in range(2):
            if st.source[end : end + 1] == b"\n":
                end += 1
        st.edits.append(Edit(stmt.start_byte, end, ""))
        st.handled.add((stmt.start_byte, stmt.end_byte))


def _file_globals(st: FileState) -> None:
    declared = declared_names(st.program)
    found = {
        node_text(n)
        for n in walk(st.program)
        if n.type == "identifier"
        and node_text(n) in ("__dirname", "__filename")
        and not st.is_handled(n)
    } - declared
    if not found:
        return
    url = st.helper("fileURLToPath", lambda n: _named_import("node:url", "fileURLToPath", n))
    if "__filename" in found:
        st.consts.append(f"const __filename = {url}(import.meta.url);")
    if "__dirname" in found:
        dirname = st.helper("dirname", lambda n: _named_import("node:path", "dirname", n))
        source = "__filename" if "__filename" in found else f"{url}(import.meta.url)"
        st.consts.append(f"const __dirname = {dirname}({source});")


def _named_import(module: str, name: str, local: str) -> str:
    inner = name if name == local else f"{name} as {local}"
    return f"import {{ {inner} }} from '{module}';"


def _rewrite_specifiers(st: FileState) -> None:
    """Give relative specifiers of ES imports, re-exports and import() their full file name."""
    for node in list(walk(st.program)):
        if st.is_handled(node):
            continue
        string_node = None
        if node.type in ("import_statement", "export_statement"):
            string_node = node.child_by_field_name("source")
        elif node.type == "call_expression":
            fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            if fn is not None and fn.type == "import" and args is not None and args.named_children:
                string_node = args.named_children[0]
        spec = string_value(string_node)
        if string_node is None or spec is None or not spec.startswith("."):
            continue
        target = st.resolver.resolve(st.path, spec)
        if target.kind not in ("workspace", "json"):
            st.notes.append(f"line {line_of(node)}: cannot resolve {spec!r}; left as written")
            continue
        new_spec = st.resolver.esm_specifier(st.final, target)
        if new_spec != spec:
            quote = st.quote(string_node)
            st.replace(string_node, f"{quote}{new_spec}{quote}")


def _assemble(st: FileState, program: tree_sitter.Node) -> str:
    statements = [s for s in _statements(program) if not _is_directive(s)]
    replaced = {(e.start, e.end): e.text for e in st.edits}
    edits = list(st.edits)
    if statements and st.imports:
        first = statements[0]
        gap = "\n" if _import_like(first, replaced) else "\n\n"
        at = _outside_edits(first.start_byte, st.edits)
        edits.append(Edit(at, at, "\n".join(st.imports) + gap))
    if st.consts:
        body = next((s for s in statements if not _import_like(s, replaced)), None)
        block = "\n".join(st.consts)
        if body is not None:
            at = _outside_edits(body.start_byte, st.edits)
            lead = "" if st.source[:at].endswith(b"\n\n") or at == 0 else "\n"
            edits.append(Edit(at, at, lead + block + "\n\n"))
        else:
            st.tail.insert(0, block)
    out = apply_edits(st.source, edits).decode("utf-8")
    if not statements and st.imports:
        out = "\n".join(st.imports) + "\n" + out
    if st.export_names:
        st.tail.append(_export_clause(st.export_names))
    if st.tail:
        out = out.rstrip("\n") + "\n\n" + "\n".join(st.tail) + "\n"
    return out


def _export_clause(names: list[tuple[str, str]]) -> str:
    parts = [local if local == name else f"{local} as {name}" for local, name in names]
    one_line = f"export {{ {', '.join(parts)} }};"
    if len(one_line) <= 100:
        return one_line
    return "export {\n" + "".join(f"  {part},\n" for part in parts) + "};"


def _outside_edits(position: int, edits: list[Edit]) -> int:
    """Move an insertion point out of any replaced range (to its start)."""
    for edit in edits:
        if edit.start < position < edit.end or (
            edit.start < position == edit.end and not edit.text
        ):
            position = edit.start
    return position


def _import_like(stmt: tree_sitter.Node, replaced: dict[tuple[int, int], str]) -> bool:
    if stmt.type == "import_statement":
        return True
    text = replaced.get((stmt.start_byte, stmt.end_byte))
    return text is not None and text.startswith("import ")
