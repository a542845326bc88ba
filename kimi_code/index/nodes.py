"""Small helpers over tree-sitter nodes shared by the extractors (index layer).

They turn nodes into the raw tuples of `records.py`: spans, texts, parameters and the doc
comment attached to a definition. Kept free of any language dispatch.
"""

from __future__ import annotations

from tree_sitter import Node

from kimi_code.index.records import RawParam, RawSpan

__all__ = [
    "doc_comment",
    "ecma_params",
    "function_params",
    "span_of",
    "string_value",
    "text_of",
]

# Statements that wrap a definition: its doc comment sits before the outermost wrapper.
_WRAPPERS = frozenset(
    {"export_statement", "lexical_declaration", "variable_declaration", "expression_statement"}
)


# Wrapper keywords (`export default async function`, `static`, ...) fit in this many bytes.
_DOC_REACH = 96


def span_of(node: Node) -> RawSpan:
    """Return the raw span of `node`."""
    start = node.start_point
    end = node.end_point
    return (start[0], start[1], end[0], end[1], node.start_byte, node.end_byte)


def text_of(node: Node) -> str:
    """Return the source text of `node` (invalid UTF-8 is replaced, never fatal)."""
    data = node.text
    return data.decode("utf-8", "replace") if data is not None else ""


def string_value(node: Node) -> str | None:
    """Return the value of a string literal node, or None when it is not a plain literal."""
    kind = node.type
    if kind == "string":
        raw = text_of(node)
        return raw[1:-1] if len(raw) >= 2 else ""
    if kind == "template_string" and node.named_child_count == 0:
        return text_of(node)[1:-1]
    if kind == "template_string":
        parts = node.named_children
        if all(part.type == "string_fragment" for part in parts):
            return text_of(node)[1:-1]
    return None


def doc_comment(node: Node, data: bytes) -> str | None:
    """Return the `/** ... */` comment right before the definition `node`, if any.

    `data` is the parsed source: when no `*/` ends shortly before the node (the usual
    case) there is no attached comment and the tree is not consulted.
    """
    start = node.start_byte
    if data.rfind(b"*/", start - _DOC_REACH if start > _DOC_REACH else 0, start) < 0:
        return None
    anchor = node
    parent = anchor.parent
    while parent is not None and parent.type in _WRAPPERS:
        anchor = parent
        parent = anchor.parent
    prev = anchor.prev_named_sibling
    if prev is None or prev.type != "comment":
        return None
    if prev.end_point[0] < anchor.start_point[0] - 1:
        return None
    text = text_of(prev)
    return text if text.startswith("/**") else None


def _annotation(node: Node | None) -> str | None:
    if node is None:
        return None
    text = text_of(node)
    return text[1:].strip() if text.startswith(":") else text


def _ecma_param(child: Node) -> RawParam | None:
    kind = child.type
    if kind == "identifier":
        return (text_of(child), None, None)
    if kind == "assignment_pattern":
        left = child.child_by_field_name("left")
        right = child.child_by_field_name("right")
        name = text_of(left) if left is not None else text_of(child)
        return (name, text_of(right) if right is not None else None, None)
    if kind in ("required_parameter", "optional_parameter"):
        pattern = child.child_by_field_name("pattern")
        value = child.child_by_field_name("value")
        name = text_of(pattern) if pattern is not None else text_of(child)
        annotation = _annotation(child.child_by_field_name("type"))
        return (name, text_of(value) if value is not None else None, annotation)
    if kind == "comment":
        return None
    return (text_of(child), None, None)


def ecma_params(node: Node | None) -> tuple[RawParam, ...]:
    """Return the raw parameters of a `formal_parameters` node or an arrow's single parameter."""
    if node is None:
        return ()
    if node.type == "identifier":
        return ((text_of(node), None, None),)
    out: list[RawParam] = []
    for child in node.named_children:
        param = _ecma_param(child)
        if param is not None:
            out.append(param)
    return tuple(out)


def function_params(fn: Node) -> tuple[RawParam, ...]:
    """Return the raw parameters of a function, method or arrow function node."""
    params = fn.child_by_field_name("parameters")
    if params is None:
        params = fn.child_by_field_name("parameter")
    return ecma_params(params)
