"""The `cjs-to-esm` recipe: CommonJS to ES modules, verified by node and the project's tests.

Recipe layer. Tools return `FileChange`s and never write; the coordinator stages them.
Per file: `convert_module` (the whole conversion of one file, renaming `.cjs` to `.js`),
`check_module` (what in the staged text is still CommonJS or does not parse) and
`module_info` (what a file requires and exports, for the model). `prepare` edits
package.json (`"type": "module"`, `exports`); `verify` compares the result with the
original side by side (see `verify.py`).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.errors import UserInputError
from kimi_code.llm.types import ToolSpec
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes.base import (
    Diagnostic,
    Tool,
    ToolContext,
    ToolResult,
    Verification,
    Workspace,
)
from kimi_code.recipes.cjs_to_esm.convert import convert_source
from kimi_code.recipes.cjs_to_esm.project import (
    entry_module,
    is_source,
    package_changes,
    select_modules,
)
from kimi_code.recipes.cjs_to_esm.resolve import Resolver
from kimi_code.recipes.cjs_to_esm.shape import ExportShape, export_shape
from kimi_code.recipes.cjs_to_esm.syntax import declared_names, node_text, parse, walk
from kimi_code.recipes.cjs_to_esm.verify import Baseline, verify_conversion

if TYPE_CHECKING:
    from kimi_code.index import WorkspaceIndex

__all__ = ["CjsToEsmRecipe"]

_PATH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"path": {"type": "string", "description": "Workspace-relative file path."}},
    "required": ["path"],
    "additionalProperties": False,
}
_LEFTOVER = ("require", "module", "exports", "__dirname", "__filename")


class CjsToEsmRecipe:
    """Convert a CommonJS package to ES modules without changing what it exports."""

    name = "cjs-to-esm"
    description = (
        "Convert CommonJS modules to ES modules: require -> import, module.exports -> export "
        "(named and default kept for consumers), explicit file extensions, import.meta for "
        "__dirname/__filename, package.json type/exports; verified with node and the tests."
    )

    def __init__(self, *, test_command: str | None = None, test_timeout_s: float = 300.0) -> None:
        """Configure verification (`test_command` overrides package.json `scripts.test`)."""
        self.test_command = test_command
        self.test_timeout_s = test_timeout_s
        self._selected: list[str] = []
        self._default_imported: set[str] | None = None
        self._baselines: dict[str, Baseline] = {}

    def select_files(self, index: WorkspaceIndex, scope: Sequence[str] | None) -> list[str]:
        """CommonJS files under `scope` (and ES modules naming a `.cjs` file)."""
        selected: list[str] = []
        for path, info in sorted(index.files.items()):
            if not is_source(path, scope):
                continue
            names_cjs = any(str(i.specifier).endswith(".cjs") for i in info.imports)
            if path.endswith(".cjs") or info.module_kind in ("cjs", "mixed") or names_cjs:
                selected.append(path)
        self._selected = selected
        return list(selected)

    def tools(self) -> Sequence[Tool]:
        """convert_module, check_module and module_info."""
        return (
            Tool(ToolSpec("convert_module", _CONVERT_DOC, _PATH_SCHEMA), self._convert),
            Tool(ToolSpec("check_module", _CHECK_DOC, _PATH_SCHEMA), _check_module),
            Tool(ToolSpec("module_info", _INFO_DOC, _PATH_SCHEMA), _module_info),
        )

    async def _convert(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        def defaults(resolver: Resolver) -> set[str]:
            # ES modules that import a file by default predate the run: scan them once.
            if self._default_imported is None:
                self._default_imported = default_imported(ctx.workspace, resolver)
            return self._default_imported

        return await _convert_module(ctx, args, defaults)

    def steps(self, files: Sequence[str]) -> Sequence[tuple[str, dict[str, Any]]]:
        """Convert each file, then check it."""
        calls: list[tuple[str, dict[str, Any]]] = []
        for path in files:
            calls.append(("convert_module", {"path": path}))
            calls.append(("check_module", {"path": path}))
        return calls

    def fixup_steps(
        self, files: Sequence[str], diagnostics: Sequence[Diagnostic]
    ) -> Sequence[tuple[str, dict[str, Any]]]:
        """Re-run the (idempotent) conversion on files with diagnostics, then check them."""
        flagged = {d.file for d in diagnostics}
        return self.steps([f for f in files if f in flagged or _renamed_from(f, flagged)])

    async def prepare(self, workspace: Workspace, index: WorkspaceIndex) -> Sequence[FileChange]:
        """package.json: `"type": "module"` and an `exports` map matching `main`."""
        files = workspace.files()
        selected = self._selected or select_modules(files, workspace.read_text)
        self._selected = selected
        resolver = Resolver(set(files), workspace.read_text)
        self._default_imported = default_imported(workspace, resolver)
        return package_changes(workspace, selected, resolver)

    async def verify(self, workspace: Workspace, index: WorkspaceIndex) -> Verification:
        """Syntax, tests and exports of the staged result against the original."""
        changeset = getattr(workspace, "changeset", None)
        if callable(changeset):
            pairs = [(c.path, c.target) for c in changeset().changes if c.new_text is not None]
        else:
            pairs = [(p, p) for p in self._selected]
        pairs = [(o, n) for o, n in pairs if not n.endswith(".json")]
        selected = self._selected or select_modules(
            StagedWorkspace(workspace.root).files(), workspace.read_text
        )
        return await verify_conversion(
            workspace,
            pairs,
            leftovers=_leftover_diagnostics(workspace, selected),
            test_command=self.test_command,
            test_timeout_s=self.test_timeout_s,
            baseline_cache=self._baselines,
        )


def _leftover_diagnostics(workspace: Workspace, selected: Sequence[str]) -> list[Diagnostic]:
    """Selected files that are still CommonJS in the staged view (they break as ESM)."""
    found: list[Diagnostic] = []
    for original in selected:
        path = _current_path(workspace, original)
        try:
            text = workspace.read_text(path)
        except UserInputError as exc:
            found.append(Diagnostic(original, 1, 0, "cjs-leftover", str(exc)))
            continue
        # Syntax errors are node --check's to count; here only what is still CommonJS.
        problems = [p for p in leftover_commonjs(text) if not p.endswith("syntax error")]
        if not problems and export_shape(text.encode("utf-8")).kind == "cjs":
            problems = ["line 1: still a CommonJS module"]
        for problem in problems[:5]:
            line = int(problem.split(":")[0].removeprefix("line "))
            found.append(Diagnostic(path, line, 0, "cjs-leftover", problem.split(": ", 1)[1]))
    return found


def _renamed_from(path: str, flagged: set[str]) -> bool:
    stem = posixpath.splitext(path)[0]
    return path.endswith(".cjs") and any(f in flagged for f in (f"{stem}.js", f"{stem}.mjs"))


def _current_path(workspace: Workspace, path: str) -> str:
    """`path` in the current view, following a `.cjs` rename made earlier in the run."""
    if workspace.exists(path) or not path.endswith(".cjs"):
        return path
    stem = path[: -len(".cjs")]
    for candidate in (f"{stem}.js", f"{stem}.mjs"):
        if workspace.exists(candidate):
            return candidate
    return path


def _context(ctx: ToolContext) -> tuple[Resolver, dict[str, ExportShape]]:
    resolver = Resolver(set(ctx.workspace.files()), ctx.workspace.read_text)
    return resolver, {}


def default_imported(workspace: Workspace, resolver: Resolver) -> set[str]:
    """Workspace files that some ES module imports by default (`import x from './f.js'`)."""
    found: set[str] = set()
    default_import = re.compile(r"import\s+[A-Za-z_$][\w$]*\s*(,|from)")
    for other in sorted(resolver.files):
        if not other.endswith((".mjs", ".js", ".jsx")) or "node_modules/" in other:
            continue
        text = workspace.read_text(other)
        if not default_import.search(text):
            continue
        for node in parse(text.encode("utf-8")).root_node.named_children:
            source = node.child_by_field_name("source") if node.type == "import_statement" else None
            clause = next((c for c in node.named_children if c.type == "import_clause"), None)
            if source is None or clause is None:
                continue
            if any(c.type == "identifier" for c in clause.named_children):
                target = resolver.resolve(other, node_text(source)[1:-1])
                if target.path is not None:
                    found.add(target.path)
    return found


async def _convert_module(
    ctx: ToolContext, args: dict[str, Any], defaults: Callable[[Resolver], set[str]]
) -> ToolResult:
    path = _current_path(ctx.workspace, str(args["path"]))
    if ctx.files and path not in ctx.files and str(args["path"]) not in ctx.files:
        return ToolResult(False, f"{path}: not one of your files; its owner converts it")
    try:
        text = ctx.workspace.read_text(path)
    except UserInputError as exc:
        return ToolResult(False, str(exc))
    resolver, shapes = _context(ctx)

    def shape_of(target: str) -> ExportShape:
        if target not in shapes:
            shapes[target] = export_shape(ctx.workspace.read_text(target).encode("utf-8"))
        return shapes[target]

    result = convert_source(
        path,
        text,
        resolver,
        shape_of,
        want_default=path in defaults(resolver) or entry_module(ctx.workspace, resolver) == path,
    )
    report = {"path": path, "new_path": result.new_path, "notes": list(result.notes)}
    if result.issues:
        report["issues"] = list(result.issues)
        return ToolResult(False, json.dumps(report), data=report)
    if not result.changed:
        return ToolResult(True, json.dumps({**report, "changed": False}), data=report)
    change = FileChange(
        path, result.text, content_hash(text), new_path=result.new_path, owner=ctx.agent_id
    )
    return ToolResult(True, json.dumps({**report, "changed": True}), changes=(change,), data=report)


def leftover_commonjs(text: str) -> list[str]:
    """Problems that keep `text` from being a working ES module, with line numbers."""
    program = parse(text.encode("utf-8")).root_node
    declared = declared_names(program)
    problems: list[str] = []
    for node in walk(program):
        if node.type == "ERROR" or node.is_missing:
            problems.append(f"line {node.start_point[0] + 1}: syntax error")
        elif node.type == "identifier" and node_text(node) in _LEFTOVER:
            name = node_text(node)
            if name not in declared:
                problems.append(f"line {node.start_point[0] + 1}: CommonJS `{name}` remains")
    return list(dict.fromkeys(problems))


async def _check_module(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    path = _current_path(ctx.workspace, str(args["path"]))
    try:
        text = ctx.workspace.read_text(path)
    except UserInputError as exc:
        return ToolResult(False, str(exc))
    problems = leftover_commonjs(text)
    report = {"path": path, "problems": problems}
    return ToolResult(not problems, json.dumps(report), data=report)


async def _module_info(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    path = _current_path(ctx.workspace, str(args["path"]))
    try:
        text = ctx.workspace.read_text(path)
    except UserInputError as exc:
        return ToolResult(False, str(exc))
    resolver, _ = _context(ctx)
    shape = export_shape(text.encode("utf-8"))
    requires = []
    for node in walk(parse(text.encode("utf-8")).root_node):
        fn = node.child_by_field_name("function") if node.type == "call_expression" else None
        args_node = node.child_by_field_name("arguments")
        if fn is None or args_node is None or node_text(fn) not in ("require", "import"):
            continue
        first = args_node.named_children[0] if args_node.named_children else None
        if first is not None and first.type == "string":
            target = resolver.resolve(path, node_text(first)[1:-1])
            requires.append(
                {"specifier": target.specifier, "kind": target.kind, "path": target.path}
            )
    report = {
        "path": path,
        "module_kind": shape.kind,
        "named_exports": sorted(shape.named),
        "has_default": shape.has_default,
        "requires": requires,
        "final_path": resolver.final(path),
    }
    return ToolResult(True, json.dumps(report), data=report)


_CONVERT_DOC = (
    "Convert one CommonJS file to an ES module and stage the result (renames .cjs to .js). "
    "Keeps the module's exports for every consumer. Returns notes, or issues that block it."
)
_CHECK_DOC = "List what in the staged file is still CommonJS or fails to parse."
_INFO_DOC = "Describe a file: module kind, exports, and what each require/import resolves to."
