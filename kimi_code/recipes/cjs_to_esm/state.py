"""Per-file conversion state shared by the require and export passes (recipe layer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import tree_sitter

from kimi_code.recipes.cjs_to_esm.resolve import Resolver
from kimi_code.recipes.cjs_to_esm.shape import ExportShape
from kimi_code.recipes.cjs_to_esm.syntax import Edit, fresh_name, node_text, walk

__all__ = ["FileState", "line_of"]


def line_of(node: tree_sitter.Node) -> int:
    """1-based line of `node`, for messages."""
    return node.start_point[0] + 1


@dataclass(slots=True)
class FileState:
    """Everything one file's conversion accumulates before the text is assembled."""

    path: str
    """Workspace path in the current view."""
    final: str
    """Workspace path after the conversion (differs for `.cjs` files)."""
    source: bytes
    program: tree_sitter.Node
    resolver: Resolver
    shape_of: Callable[[str], ExportShape]
    """Export shape of a workspace file (by current path)."""
    want_default: bool = False
    """Give a module of only `exports.x` assignments a default export object too."""
    used: set[str] = field(default_factory=set)
    edits: list[Edit] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    """Generated import declarations, placed before the first statement."""
    consts: list[str] = field(default_factory=list)
    """Generated declarations, placed after the leading imports."""
    tail: list[str] = field(default_factory=list)
    """Generated export declarations, appended at the end."""
    export_names: list[tuple[str, str]] = field(default_factory=list)
    """(local, exported name) pairs for the final `export { ... }` clause."""
    notes: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    """Problems that block the conversion (the file is left unchanged)."""
    handled: set[tuple[int, int]] = field(default_factory=set)
    """Byte ranges of nodes a pass has rewritten (other passes leave them alone)."""
    generated: set[str] = field(default_factory=set)
    """Names this conversion introduced."""
    needs_require: bool = False
    helpers: dict[str, str] = field(default_factory=dict)
    """Helper binding names by role (createRequire, fileURLToPath, ...)."""

    def __post_init__(self) -> None:
        """Record every identifier so generated names never shadow one."""
        self.used.update(
            node_text(n)
            for n in walk(self.program)
            if n.type
            in (
                "identifier",
                "shorthand_property_identifier_pattern",
                "shorthand_property_identifier",
            )
        )

    def fresh(self, base: str) -> str:
        """A new binding name derived from `base`."""
        name = fresh_name(base, self.used)
        self.generated.add(name)
        return name

    def helper(self, role: str, import_line: Callable[[str], str]) -> str:
        """The local name of helper `role`, importing it once (`import_line(name)`)."""
        if role not in self.helpers:
            name = self.fresh(role)
            self.helpers[role] = name
            self.add_import(import_line(name))
        return self.helpers[role]

    def add_import(self, line: str) -> None:
        """Add a generated import declaration once."""
        if line not in self.imports:
            self.imports.append(line)

    def replace(self, node: tree_sitter.Node, text: str) -> None:
        """Replace `node`'s text and mark it handled."""
        self.edits.append(Edit(node.start_byte, node.end_byte, text))
        self.handled.add((node.start_byte, node.end_byte))

    def remove_statement(self, stmt: tree_sitter.Node) -> None:
        """Delete a whole statement and, when it stands alone on its line, the line."""
        start, end = stmt.start_byte, stmt.end_byte
        line_start = self.source.rfind(b"\n", 0, start) + 1
        if self.source[line_start:start].strip() == b"":
            newline = self.source.find(b"\n", end)
            if newline != -1 and self.source[end:newline].strip() == b"":
                start, end = line_start, newline + 1
        self.edits.append(Edit(start, end, ""))
        self.handled.add((stmt.start_byte, stmt.end_byte))

    def is_handled(self, node: tree_sitter.Node) -> bool:
        """Whether `node` or one of its ancestors was rewritten already."""
        current: tree_sitter.Node | None = node
        while current is not None:
            if (current.start_byte, current.end_byte) in self.handled:
                return True
            current = current.parent
        return False

    def quote(self, string_node: tree_sitter.Node | None) -> str:
        """The quote character a string literal uses (single quotes by default)."""
        if string_node is not None and node_text(string_node)[:1] == '"':
            return '"'
        return "'"
