"""`JsToTsRecipe`: JavaScript to strict TypeScript, verified by tsc and the project's tests.

Core layer. Per file the agents run (recipe-driven policy): rename, module syntax, types
from TypeScript's code fixes, types chosen by the model, finalize. Renames and module syntax
come first for every file of an agent so later type passes see TypeScript importers.
`verify` materializes the staged view, counts tsc errors against the original project's
(see `kimi_code.verify.tsc` for the baseline), strips the types back to JavaScript at the
original paths in a copy and runs the project's own tests there.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimi_code.errors import KimiError
from kimi_code.model.changes import ChangeSet, FileChange
from kimi_code.recipes.base import Diagnostic, TestOutcome, Tool, Verification, Workspace
from kimi_code.recipes.js_to_ts import paths
from kimi_code.recipes.js_to_ts.helper import helper_for, shutdown_helpers
from kimi_code.recipes.js_to_ts.project import (
    declaration_changes,
    javascript_change,
    narrowed_declarations,
    tsconfig_change,
)
from kimi_code.recipes.js_to_ts.tools import build_tools
from kimi_code.verify.tests import (
    could_not_run_note,
    detect_test_command,
    regression_reason,
    run_tests,
)
from kimi_code.verify.tsc import check_project, strip_types

if TYPE_CHECKING:
    from kimi_code.index import WorkspaceIndex

__all__ = ["JsToTsRecipe"]

_PER_FILE = ("jsts_infer", "jsts_model_types", "jsts_finalize")


class JsToTsRecipe:
    """JavaScript to TypeScript with real types (see the module docstring)."""

    name = "js-to-ts"
    description = (
        "Convert JavaScript to strict TypeScript with real types, verified by tsc and tests."
    )

    def __init__(self, *, run_tests: bool = True) -> None:
        """Create the recipe; `run_tests=False` skips the project's tests in `verify`."""
        self.run_tests = run_tests
        self._roots: set[Path] = set()
        self._before: dict[Path, asyncio.Task[_Before]] = {}

    async def aclose(self) -> None:
        """Stop the Node helpers and checks this recipe's runs started (the swarm calls it)."""
        roots, self._roots = self._roots, set()
        tasks, self._before = list(self._before.values()), {}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for root in roots:
            await shutdown_helpers(root)

    def _original(self, root: Path) -> asyncio.Task[_Before]:
        """The checks of the original project at `root`: started once, shared by every verify.

        Nothing writes to the original before the result is applied, so its tsc errors and
        test results are measured once, while the agents work, not again in each verify.
        """
        task = self._before.get(root)
        if task is None:
            task = asyncio.create_task(_check_original(root, self.run_tests))
            self._before[root] = task
        return task

    async def warm_up(self, root: Path) -> None:
        """Start a Node helper for `root` (TypeScript loads while the run indexes and plans).

        Raises:
            ConfigError: node or TypeScript is missing, or the tsconfig.json is unreadable.
            HelperError: the helper failed to start.
        """
        self._roots.add(root)
        await helper_for(root).prestart()

    def select_files(self, index: WorkspaceIndex, scope: Sequence[str] | None) -> list[str]:
        """JavaScript sources of the workspace (tests, configs and bundles are left alone)."""
        return paths.select(index.files.keys(), scope)

    def tools(self) -> Sequence[Tool]:
        """The recipe's per-file operations."""
        return build_tools()

    def steps(self, files: Sequence[str]) -> Sequence[tuple[str, dict[str, Any]]]:
        """Rename and convert every file first, then type each one."""
        out: list[tuple[str, dict[str, Any]]] = [("jsts_rename", {"path": f}) for f in files]
        out += [("jsts_module", {"path": f}) for f in files]
        out += [(step, {"path": f}) for f in files for step in _PER_FILE]
        return out

    def polish_steps(self, files: Sequence[str]) -> Sequence[tuple[str, dict[str, Any]]]:
        """Once every file is typed: call-site and usage types again, then the casts."""
        return [("jsts_polish", {"path": f}) for f in files]

    def fixup_steps(
        self, files: Sequence[str], diagnostics: Sequence[Diagnostic]
    ) -> Sequence[tuple[str, dict[str, Any]]]:
        """Finalize again (last resort on what is left) each file that still has errors."""
        flagged = {d.file for d in diagnostics}
        chosen = [f for f in files if f in flagged or paths.ts_path(f) in flagged] or list(files)
        return [("jsts_finalize", {"path": f}) for f in chosen]

    async def prepare(
        self, workspace: Workspace, index: WorkspaceIndex | None
    ) -> Sequence[FileChange]:
        """tsconfig.json (unless the project has one) and declarations of untyped dependencies.

        Raises:
            HelperError: the Node helper failed.
            ConfigError: the project's tsconfig.json cannot be read.
        """
        self._roots.add(workspace.root)
        self._original(workspace.root)
        sources = paths.select(workspace.files())
        found = await declaration_changes(workspace, sources)
        config = tsconfig_change(workspace, node_types=found.node_types is not False)
        return ([config] if config is not None else []) + found.changes

    async def conclude(self, workspace: Workspace) -> Sequence[FileChange]:
        """The generated dependency declarations, cut to the API the typed code uses; and the
        recipe's tsconfig.json reading JavaScript, when some sources stay JavaScript.

        Raises:
            HelperError: the Node helper failed.
        """
        changes = list(await narrowed_declarations(workspace))
        config = javascript_change(workspace, paths.select(workspace.files()))
        return changes + ([config] if config is not None else [])

    async def verify(self, workspace: Workspace, index: WorkspaceIndex | None) -> Verification:
        """Compare the staged result with the original project: tsc errors and tests.

        Raises:
            ConfigError: node, TypeScript or the project's package.json is broken.
        """
        self._roots.add(workspace.root)  # its helper counts the metrics; `aclose` stops it
        materialize = getattr(workspace, "materialize", None)
        changeset = getattr(workspace, "changeset", lambda: ChangeSet())()
        if materialize is None:
            raise KimiError("verify needs a StagedWorkspace (with materialize)")
        original = self._original(workspace.root)
        with tempfile.TemporaryDirectory(prefix="kimi-jsts-") as tmp:
            after_dir = materialize(Path(tmp) / "after")
            tests_copy = None
            if self.run_tests and detect_test_command(workspace.root) is not None:
                # the tests run on a copy of their own: stripping writes JavaScript next to
                # the TypeScript that tsc checks at the same time
                tests_copy = partial(materialize, Path(tmp) / "tests")
            # the compiler run, the metrics and the test runs are independent: run together
            after, metrics, (before, tests_after) = await asyncio.gather(
                check_project(after_dir),
                _metrics(workspace, after_dir),
                _tests_after(original, tests_copy, changeset),
            )
        return _verdict(
            before.errors, after.diagnostics, after.fatal, metrics, before.tests, tests_after
        )


async def _metrics(workspace: Workspace, project: Path) -> dict[str, int]:
    """`any` keywords and suppressions in `project`'s TypeScript, counted by the run's helper.

    The same count as `verify.tsc.type_metrics`, without starting Node and TypeScript again.
    """
    result = await helper_for(workspace.root).call(workspace, "metrics", dir=str(project))
    return {k: int(v) for k, v in result.items()}


@dataclass(frozen=True, slots=True)
class _Before:
    """The original project's tsc errors and test outcome (None: no test command)."""

    errors: int
    tests: TestOutcome | None


async def _check_original(root: Path, with_tests: bool) -> _Before:
    """tsc errors and (`with_tests`) the tests of the original project, on a copy of it."""
    with tempfile.TemporaryDirectory(prefix="kimi-jsts-before-") as tmp:
        before_dir = Path(tmp) / "before"
        await asyncio.to_thread(_materialize_original, root, before_dir)
        errors, tests = await asyncio.gather(
            _baseline_errors(before_dir), run_tests(before_dir) if with_tests else _none()
        )
    return _Before(errors, tests)


async def _none() -> None:
    return None


async def _tests_after(
    original: asyncio.Task[_Before],
    tests_copy: Callable[[], Path] | None,
    changeset: ChangeSet,
) -> tuple[_Before, TestOutcome | None]:
    """The original's checks, then (when it has tests) the tests on the stripped result, in
    the folder `tests_copy()` makes.

    Not when the test command could not run on the original (a program it runs is not
    installed): it would not run on the result either, and no copy is made.
    """
    before = await asyncio.shield(original)
    if tests_copy is None or before.tests is None or before.tests.could_not_run:
        return before, None
    return before, await _tests_on_stripped(tests_copy(), changeset)


def _materialize_original(root: Path, dest: Path) -> None:
    from kimi_code.edits.overlay import StagedWorkspace

    StagedWorkspace(root).materialize(dest)


def _has_own_typescript(project: Path) -> bool:
    return any(
        p.suffix in (".ts", ".tsx", ".mts", ".cts")
        for p in project.rglob("*")
        if "node_modules" not in p.parts and not p.name.endswith(".d.ts")
    )


async def _baseline_errors(project: Path) -> int:
    """tsc errors of the original project: 0 when it has no TypeScript of its own to check."""
    has_ts = await asyncio.to_thread(_has_own_typescript, project)
    if not (has_ts and (project / "tsconfig.json").is_file()):
        return 0
    return (await check_project(project)).errors


def _package_is_esm(project: Path) -> bool:
    try:
        data = json.loads((project / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("type") == "module"


async def _tests_on_stripped(project: Path, changeset: ChangeSet) -> TestOutcome | None:
    """Strip types back to JavaScript at the original paths, then run the project's tests."""
    await strip_types(project, esm=_package_is_esm(project))
    for change in changeset.changes:
        if change.new_path is None or change.new_text is None:
            continue
        stripped = project / _stripped_name(change.new_path)
        if stripped.is_file() and stripped != project / change.path:
            stripped.replace(project / change.path)
    return await run_tests(project)


def _stripped_name(ts_name: str) -> str:
    for ts, js in ((".tsx", ".js"), (".mts", ".mjs"), (".cts", ".cjs"), (".ts", ".js")):
        if ts_name.endswith(ts):
            return ts_name[: -len(ts)] + js
    return ts_name


def _verdict(
    before: int,
    diagnostics: Sequence[Diagnostic],
    fatal: str | None,
    metrics: dict[str, int],
    tests_before: TestOutcome | None,
    tests_after: TestOutcome | None,
) -> Verification:
    after = len(diagnostics) + (1 if fatal else 0)
    reasons = []
    if after > before:
        per_file: dict[str, int] = {}
        for d in diagnostics:
            per_file[d.file] = per_file.get(d.file, 0) + 1
        listed = ", ".join(f"{f} ({n})" for f, n in sorted(per_file.items()))
        reasons.append(f"tsc errors went from {before} to {after}: {listed or fatal}")
    regression = regression_reason(tests_before, tests_after)
    if regression:
        reasons.append(regression)
    summary = "; ".join(reasons) or (
        f"tsc errors {before} -> {after}; any {metrics.get('any', 0)}, "
        f"suppressions {metrics.get('suppressions', 0)}"
    )
    if note := could_not_run_note(tests_before):
        summary += f"; {note}"
    return Verification(
        ok=not reasons,
        errors_before=before,
        errors_after=after,
        diagnostics=tuple(diagnostics),
        tests_before=tests_before,
        tests_after=tests_after,
        summary=summary,
        metrics={
            "any_count": metrics.get("any", 0),
            "suppressions": metrics.get("suppressions", 0),
            "ts_files": metrics.get("ts_files", 0),
        },
    )
