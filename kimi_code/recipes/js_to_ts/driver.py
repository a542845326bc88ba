"""A plain sequential driver of the JS->TS recipe (core layer).

Runs the recipe's steps in order on one `StagedWorkspace` (one agent, no model unless a
backend is given), verifies, runs fix-up rounds on files with compiler errors, and applies
the changeset all-or-nothing when verification passes. The swarm (`kimi-code refactor`)
is the parallel front door; this driver backs `python -m kimi_code.recipes.js_to_ts DIR`
and the corpus benchmark.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kimi_code.edits.apply import apply_changeset
from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.errors import KimiError
from kimi_code.llm.types import ChatBackend
from kimi_code.recipes.base import ToolContext, Verification
from kimi_code.recipes.js_to_ts import paths
from kimi_code.recipes.js_to_ts.helper import shutdown_helpers
from kimi_code.recipes.js_to_ts.recipe import JsToTsRecipe

__all__ = ["DriverReport", "convert"]

_AGENT = "jsts-1"


@dataclass(frozen=True, slots=True)
class DriverReport:
    """What one sequential run did."""

    files: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]
    verification: Verification
    applied: bool
    wall_seconds: float

    def to_json(self) -> dict[str, Any]:
        """The `--json` form (same keys as `kimi-code refactor --json`)."""
        v = self.verification
        tests = "not run"
        if v.tests_after is not None:
            tests = f"{v.tests_after.passed} passed, {v.tests_after.failed} failed"
        return {
            "recipe": "js-to-ts",
            "files": len(self.files),
            "converted": len(self.files) - len(self.failed),
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "tsc_errors_before": v.errors_before,
            "tsc_errors_after": v.errors_after,
            "any_count": v.metrics.get("any_count", 0),
            "suppressions": v.metrics.get("suppressions", 0),
            "tests": tests,
            "applied": self.applied,
            "summary": v.summary,
            "wall_seconds": round(self.wall_seconds, 2),
        }


async def _run_steps(
    recipe: JsToTsRecipe, ctx: ToolContext, ws: StagedWorkspace, steps: Any
) -> list[tuple[str, str]]:
    tools = {t.name: t for t in recipe.tools()}
    failed: dict[str, str] = {}  # path -> why (a file left as JavaScript too), first reason
    for name, args in steps:
        result = await tools[name].handler(ctx, args)
        if not result.ok or "left" in result.data:
            failed.setdefault(args["path"], result.content)
        for change in result.changes:
            ws.stage(change, owner=_AGENT)
    return list(failed.items())


def _readable(ws: StagedWorkspace) -> Callable[[str], str]:
    """`ws.read_text`, with "" for a file that is not text (its rename step says why)."""

    def read(path: str) -> str:
        try:
            return ws.read_text(path)
        except KimiError:
            return ""

    return read


async def convert(
    root: Path,
    *,
    backend: ChatBackend | None = None,
    apply: bool = True,
    run_tests: bool = True,
    fix_rounds: int = 3,
) -> DriverReport:
    """Convert the project at `root`; apply only when verification passes.

    Raises:
        UserInputError: `root` is not a directory.
        HelperError, ConfigError: the Node helper or TypeScript is missing or failed.
    """
    start = time.monotonic()
    recipe = JsToTsRecipe(run_tests=run_tests)
    ws = StagedWorkspace(root)
    files = paths.dependency_order(paths.select(ws.files()), _readable(ws))
    ctx = ToolContext(
        workspace=ws, index=None, backend=backend, agent_id=_AGENT, files=tuple(files)
    )
    try:
        for change in await recipe.prepare(ws, None):
            ws.stage(change, owner=_AGENT)
        failed = await _run_steps(recipe, ctx, ws, recipe.steps(files))
        failed += await _run_steps(recipe, ctx, ws, recipe.polish_steps(files))
        for change in await recipe.conclude(ws):
            ws.stage(change, owner=_AGENT)
        verification = await recipe.verify(ws, None)
        for _ in range(fix_rounds):
            if verification.ok or not verification.diagnostics:
                break
            fixups = recipe.fixup_steps(files, verification.diagnostics)
            failed += await _run_steps(recipe, ctx, ws, fixups)
            verification = await recipe.verify(ws, None)
    finally:
        await recipe.aclose()
        await shutdown_helpers()
    first: dict[str, str] = {}  # a file left as JavaScript is reported by every step
    for path, reason in failed:
        first.setdefault(path, reason)
    applied = False
    # a tsconfig.json alone, with every file failed, would be a half-done run on disk
    if apply and verification.ok and not (first and len(first) == len(files)):
        apply_changeset(ws.root, ws.changeset(), run_id=f"jsts-{uuid.uuid4().hex[:8]}")
        applied = True
    return DriverReport(
        tuple(files), tuple(first.items()), verification, applied, time.monotonic() - start
    )
