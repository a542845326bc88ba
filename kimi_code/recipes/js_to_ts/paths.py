"""Which files the JS->TS recipe converts and what they are renamed to (core layer, pure).

`.js`→`.ts` (`.tsx` when the file holds JSX), `.jsx`→`.tsx`, `.mjs`→`.mts`, `.cjs`→`.cts`.
Import specifiers need no rewrite: TypeScript resolves `./x.js`, `./x.mjs`, `./x.cjs` and
`./x.jsx` to the renamed `.ts`/`.mts`/`.cts`/`.tsx` files, and emits the original `.js`
specifiers, so the compiled output keeps the original paths.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Sequence

from kimi_code.index.languages import parser_for

__all__ = ["JS_SUFFIXES", "dependency_order", "is_convertible", "select", "ts_path"]

JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs")
_RENAMES = {".jsx": ".tsx", ".mjs": ".mts", ".cjs": ".cts"}
_TEST_DIRS = {
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "spec",
    "fixtures",
    "coverage",
    "dist",
    "build",
}
_NOT_SOURCE = re.compile(
    r"(\.(test|spec)\.[cm]?jsx?$|\.min\.js$|\.d\.[cm]?ts$|\.config\.[cm]?js$|"
    r"(^|/)(\.?eslintrc|\.?prettierrc|babel\.config|jest\.config|webpack\.config|rollup\.config|"
    r"vite\.config|karma\.conf|gulpfile|Gruntfile)[^/]*$)"
)
# What a JSX element or fragment looks like in expression position (`<Tag` / `</Tag>` / `<>`):
# a quick test before the parse that decides (a comment or a string may look the same).
_JSX = re.compile(r"(return|[=(,?:&|]|=>)\s*<(/?[A-Za-z][\w.:-]*[\s/>]|>)")
_JSX_NODES = frozenset({"jsx_element", "jsx_self_closing_element"})


def has_jsx(text: str) -> bool:
    """Whether JavaScript source `text` holds a JSX element or fragment."""
    if not _JSX.search(text):
        return False
    cursor = parser_for("jsx").parse(text.encode("utf-8")).walk()
    while True:
        if cursor.node is not None and cursor.node.type in _JSX_NODES:
            return True
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while cursor.goto_parent():
            if cursor.goto_next_sibling():
                break
        else:
            return False


def is_convertible(path: str) -> bool:
    """Whether `path` is a JavaScript source file the recipe converts (not a test or config)."""
    if not path.endswith(JS_SUFFIXES) or _NOT_SOURCE.search(path):
        return False
    return not any(part in _TEST_DIRS for part in path.split("/")[:-1])


def select(paths: Iterable[str], scope: Sequence[str] | None = None) -> list[str]:
    """The convertible files among `paths`, within `scope` (paths or folders) when given."""
    chosen = []
    for path in paths:
        if not is_convertible(path):
            continue
        if scope and not any(path == s or path.startswith(s.rstrip("/") + "/") for s in scope):
            continue
        chosen.append(path)
    return sorted(chosen)


def ts_path(path: str, text: str = "") -> str:
    """The TypeScript path of JavaScript file `path` (`text` decides `.tsx` for `.js`)."""
    for js, ts in _RENAMES.items():
        if path.endswith(js):
            return path[: -len(js)] + ts
    if path.endswith(".js"):
        return path[:-3] + (".tsx" if has_jsx(text) else ".ts")
    return path


_SPECIFIER = re.compile(r"""(?:require\(\s*|from\s+|import\s*\(\s*)['"](\.{1,2}/[^'"]+)['"]""")
_TRY = ("", ".js", ".jsx", ".mjs", ".cjs", "/index.js", "/index.mjs")


def dependency_order(files: Sequence[str], read: Callable[[str], str]) -> list[str]:
    """`files` with each file's relative imports (among `files`) before it: leaves first.

    Types flow from a module to its importers, so converting leaves first lets each
    importer see typed dependencies. Cycles keep their input order.
    """
    known = set(files)
    deps: dict[str, list[str]] = {}
    for path in files:
        base = posixpath.dirname(path)
        found = []
        for spec in _SPECIFIER.findall(read(path)):
            target = posixpath.normpath(posixpath.join(base, spec))
            found += [target + s for s in _TRY if target + s in known][:1]
        deps[path] = found
    ordered: list[str] = []
    state: dict[str, int] = {}

    def visit(path: str) -> None:
        if state.get(path):
            return
        state[path] = 1
        for dep in deps[path]:
            visit(dep)
        ordered.append(path)

    for path in files:
        visit(path)
    return ordered
