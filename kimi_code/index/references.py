"""Find where an exported name is used across the workspace (index layer).

Follows the import bindings of every file that imports the exporting file: named and
default imports (`f(...)`), namespaces and CommonJS module objects (`m.f(...)`),
destructured requires (`const {f} = require(...)`), and re-exports (`export {f} from`,
`export * from`) transitively. Each use records whether it is called (`f()`, `new F()`)
and the source text of each argument. Uses are matched by name within the importing
file, without scope analysis: a local that shadows an import is counted too.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import TYPE_CHECKING

from tree_sitter import Node, Query, QueryCursor, Tree

from kimi_code.index.extract import hash_bytes, parse
from kimi_code.index.languages import grammar
from kimi_code.index.model import LanguageName, Reference
from kimi_code.index.nodes import span_of, text_of
from kimi_code.index.records import RawImport, decode_span

if TYPE_CHECKING:
    from kimi_code.index.workspace import WorkspaceIndex

__all__ = ["find_references"]

_TREES: OrderedDict[tuple[str, str], Tree] = OrderedDict()
_TREE_CACHE_SIZE = 64
_DECLARING_PARENTS = frozenset({"variable_declarator", "pair_pattern", "import_specifier"})

Binding = tuple[str, bool]  # local name, used as `local.name` (True) or `local` itself


def _tree_of(index: WorkspaceIndex, path: str) -> tuple[Tree, LanguageName]:
    """The tree of `path`: the open document's, else a (cached) parse of the disk text."""
    language: LanguageName = index.records[path][0]  # type: ignore[assignment]
    tree = index.document_tree(path)
    if tree is not None:
        return tree, language
    data = (index.root / path).read_bytes()
    key = (path, hash_bytes(data))
    tree = _TREES.get(key)
    if tree is None:
        tree = parse(data, language)
        _TREES[key] = tree
        if len(_TREES) > _TREE_CACHE_SIZE:
            _TREES.popitem(last=False)
    return tree, language


def _bindings(imp: RawImport, name: str, target_kind: str) -> list[Binding]:
    out: list[Binding] = []
    for imported, local in zip(imp[2], imp[4], strict=False):
        if not local or imported == "" or local == "*":
            continue
        if imported == name or (imported == "*" and name == "default" and imp[1] == "require"):
            out.append((local, False))
        elif imported == "*" or (imported == "default" and target_kind in ("cjs", "mixed")):
            out.append((local, True))
    return out


def _reexported_as(imp: RawImport, name: str) -> list[str]:
    out = []
    for imported, alias in zip(imp[2], imp[4], strict=False):
        if imported == name:
            out.append(alias)
        elif imported == "*" and alias == "*" and name != "default":
            out.append(name)
    return out


def _query(language: LanguageName, bindings: list[Binding], name: str) -> Query:
    direct = [json.dumps(local) for local, member in bindings if not member]
    members = [json.dumps(local) for local, member in bindings if member]
    ident = (
        "[(identifier) (type_identifier)]"
        if language in ("typescript", "tsx")
        else ("(identifier)")
    )
    patterns = []
    if direct:
        patterns.append(f"({ident} @use (#any-of? @use {' '.join(direct)}))")
    if members:
        patterns.append(
            "((member_expression object: (identifier) @obj property: (property_identifier) @prop)"
            f" @use (#any-of? @obj {' '.join(members)}) (#eq? @prop {json.dumps(name)}))"
        )
    return Query(grammar(language), "\n".join(patterns))


def _is_declaration(node: Node) -> bool:
    parent = node.parent
    if parent is None or parent.type not in _DECLARING_PARENTS:
        return False
    field = "value" if parent.type == "pair_pattern" else "name"
    declared = parent.child_by_field_name(field)
    return declared is not None and declared.start_byte == node.start_byte


def _reference(path: str, node: Node) -> Reference:
    parent = node.parent
    call_args: tuple[str, ...] = ()
    is_call = False
    if parent is not None and parent.type in ("call_expression", "new_expression"):
        callee = parent.child_by_field_name(
            "function" if parent.type == "call_expression" else "constructor"
        )
        args = parent.child_by_field_name("arguments")
        is_call = (
            callee is not None
            and callee.start_byte == node.start_byte
            and callee.end_byte == node.end_byte
        )
        if is_call and args is not None:
            call_args = tuple(text_of(a) for a in args.named_children if a.type != "comment")
    return Reference(path, decode_span(span_of(node)), is_call, call_args)


def _uses(index: WorkspaceIndex, path: str, bindings: list[Binding], name: str) -> list[Reference]:
    tree, language = _tree_of(index, path)
    if language == "python":
        return []
    import_spans = [(imp[3][4], imp[3][5]) for imp in index.records[path][6]]
    out = []
    for _, caps in QueryCursor(_query(language, bindings, name)).matches(tree.root_node):
        node = caps["use"][0]
        start = node.start_byte
        if any(lo <= start < hi for lo, hi in import_spans) or _is_declaration(node):
            continue
        out.append(_reference(path, node))
    return out


def find_references(
    index: WorkspaceIndex, path: str, name: str, seen: set[tuple[str, str]] | None = None
) -> list[Reference]:
    """Return the uses of export `name` of `path` in other workspace files, in file order."""
    seen = seen if seen is not None else set()
    if (path, name) in seen or path not in index.records:
        return []
    seen.add((path, name))
    target_kind = index.records[path][4]
    out: list[Reference] = []
    for importer in index.dependents(path):
        record = index.records[importer]
        bindings: list[Binding] = []
        aliases: list[str] = []
        for imp, res in zip(record[6], index.resolutions(importer), strict=False):
            if res[0] != path:
                continue
            if imp[5]:
                aliases.extend(_reexported_as(imp, name))
            else:
                bindings.extend(_bindings(imp, name, target_kind))
        if bindings:
            out.extend(_uses(index, importer, bindings, name))
        for alias in aliases:
            out.extend(find_references(index, importer, alias, seen))
    return out
