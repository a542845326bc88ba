"""Domain values of the workspace index (index layer; frozen, no tree-sitter objects).

Everything here is a plain frozen dataclass so the planner, the agents and the language
server can hold and compare index results without touching tree-sitter. Positions are
0-based with byte columns, as tree-sitter reports them; the language server converts them
to UTF-16 at its boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Export",
    "FileIndex",
    "Import",
    "ImportKind",
    "LanguageName",
    "ModuleKind",
    "Param",
    "Reference",
    "Span",
    "Symbol",
]

LanguageName = Literal["javascript", "jsx", "typescript", "tsx", "python"]
ModuleKind = Literal["esm", "cjs", "mixed", "none"]
ImportKind = Literal["import", "dynamic", "require"]


@dataclass(frozen=True, slots=True)
class Span:
    """A source range: 0-based lines, byte columns and byte offsets, end exclusive."""

    start_line: int
    """Line of the first character."""
    start_col: int
    """Byte column of the first character."""
    end_line: int
    """Line just after the last character (same line for single-line ranges)."""
    end_col: int
    """Byte column just after the last character."""
    start_byte: int
    """Byte offset of the first character."""
    end_byte: int
    """Byte offset just after the last character."""


@dataclass(frozen=True, slots=True)
class Param:
    """One formal parameter of a function or method."""

    name: str
    """The parameter's name, `...name` for a rest parameter, or the pattern's source text."""
    default: str | None = None
    """Source text of the default value, if any."""
    annotation: str | None = None
    """Source text of the type annotation (TypeScript, Python), if any."""


@dataclass(frozen=True, slots=True)
class Symbol:
    """A definition: function, class, method, variable, interface, type, enum or property."""

    name: str
    """The defined name (`constructor` for constructors)."""
    kind: str
    """One of function, class, method, variable, property, interface, type, enum."""
    span: Span
    """Range of the whole definition."""
    params: tuple[Param, ...] = ()
    """Formal parameters (functions and methods only)."""
    jsdoc: str | None = None
    """The attached doc comment (`/** ... */`, or the docstring for Python)."""
    parent: str | None = None
    """Name of the enclosing definition (class, function or object variable), if any."""
    name_span: Span | None = None
    """Range of the name itself (for go-to-definition and document symbols)."""


@dataclass(frozen=True, slots=True)
class Import:
    """One import of another module: ES `import`, dynamic `import()` or CommonJS `require`."""

    specifier: str
    """The module specifier as written (`./util`, `lodash`, `node:fs`)."""
    kind: ImportKind
    """import (static, including `export ... from`), dynamic or require."""
    names: tuple[str, ...]
    """Imported names: `default`, `*` for the whole module/namespace, or the exported name."""
    span: Span
    """Range of the import statement or call."""
    resolved: str | None = None
    """Workspace-relative path of the imported file, when it resolves to one."""
    external: bool = False
    """True for packages outside the workspace and Node builtins."""
    unresolved_reason: str | None = None
    """Why a relative/workspace specifier did not resolve."""
    locals: tuple[str, ...] = ()
    """Local binding of each entry of `names` (same length; "" where nothing is bound)."""
    reexport: bool = False
    """True for `export ... from`: `locals` then holds the names exported under."""


@dataclass(frozen=True, slots=True)
class Export:
    """One exported name (ES `export` or CommonJS `module.exports` / `exports.x`)."""

    name: str
    """The exported name; `default` for default exports and `module.exports = value`."""
    kind: str
    """function, class, variable, default, named, reexport, cjs, ..."""
    span: Span
    """Range of the export statement or assignment."""
    local: str | None = None
    """The local definition it exports (`export { a as b }` -> `a`), when known."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One use of an exported name in another workspace file."""

    file: str
    """Workspace-relative path of the file that uses the name."""
    span: Span
    """Range of the identifier or member expression."""
    is_call: bool
    """True when the use is called (`f(...)`, `m.f(...)` or `new C(...)`)."""
    call_args: tuple[str, ...] = ()
    """Source text of each call argument."""


@dataclass(frozen=True, slots=True)
class FileIndex:
    """Everything the index knows about one source file."""

    path: str
    """Workspace-relative POSIX path."""
    language: LanguageName
    """Grammar used to parse the file."""
    content_hash: str
    """blake2b (128-bit) hex digest of the file's bytes."""
    size: int
    """Size in bytes."""
    has_errors: bool
    """True when the syntax tree holds ERROR or MISSING nodes (the file is still indexed)."""
    module_kind: ModuleKind
    """esm, cjs, mixed (both) or none."""
    symbols: tuple[Symbol, ...] = field(default_factory=tuple)
    """Definitions in source order."""
    imports: tuple[Import, ...] = field(default_factory=tuple)
    """Imports in source order."""
    exports: tuple[Export, ...] = field(default_factory=tuple)
    """Exports in source order."""
