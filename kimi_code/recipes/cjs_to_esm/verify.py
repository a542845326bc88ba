"""Verification of a CJS→ESM conversion against the original project (recipe layer).

Both the original and the staged result are materialized into temporary directories
(node_modules linked, not copied). Then, side by side:
1. `node --check` on every converted file (original vs converted form);
2. the project's own test command (`kimi_code.verify.tests`);
3. the public API: the package entry is imported in both trees and the export names are
   compared — every name a consumer could `require` before must still be importable, by
   name and on the default export when the entry used to export an object.
The result is `ok` only when nothing got worse.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.recipes.base import Diagnostic, TestOutcome, Verification, Workspace
from kimi_code.recipes.cjs_to_esm.project import SOURCE_SUFFIXES, entry_module
from kimi_code.recipes.cjs_to_esm.resolve import Resolver
from kimi_code.verify.tests import (
    could_not_run_note,
    regression_reason,
    run_tests,
    safe_environment,
)

__all__ = ["Baseline", "verify_conversion"]

_PROBE = """
import { pathToFileURL } from 'node:url';
const ns = await import(pathToFileURL(process.argv[1]).href);
const value = ns.default;
const keys = value !== null && (typeof value === 'object' || typeof value === 'function')
  ? Object.keys(value) : [];
process.stdout.write(JSON.stringify({
  named: Object.keys(ns).filter((k) => k !== 'default'),
  hasDefault: 'default' in ns, defaultType: typeof value, defaultKeys: keys,
}));
"""
_CHECK_TIMEOUT_S = 30.0
_LOCATION = re.compile(r"^(?P<file>/[^\n]*?):(?P<line>\d+)$", re.M)


@dataclass(frozen=True, slots=True)
class Baseline:
    """The original project's test outcome and entry exports."""

    tests: TestOutcome | None
    exports: dict[str, Any] | None


async def verify_conversion(
    workspace: Workspace,
    converted: Sequence[tuple[str, str]],
    *,
    leftovers: Sequence[Diagnostic] = (),
    test_command: str | None = None,
    test_timeout_s: float = 300.0,
    baseline_cache: dict[str, Baseline] | None = None,
) -> Verification:
    """Verify the staged conversion in `workspace` against the files on disk.

    Args:
        workspace: The staged view (a `StagedWorkspace`, or any view with `materialize`).
        converted: (original path, converted path) of every converted file.
        leftovers: Selected files still CommonJS in the result (each counts as an error).
        test_command: Explicit test command (default: the project's `scripts.test`).
        test_timeout_s: Time limit of each test run.
        baseline_cache: Where to keep the original's test and export results between calls
            (the files on disk do not change during a run), keyed by workspace root.

    Returns:
        The verification; `ok` only if syntax, tests and exports are no worse.
    """
    with tempfile.TemporaryDirectory(prefix="kimi-cjs-esm-") as tmp:
        before_dir = StagedWorkspace(workspace.root).materialize(Path(tmp) / "before")
        after_dir = _materialize(workspace, Path(tmp) / "after")
        errors_before, _ = await _check_all(before_dir, [o for o, _ in converted])
        errors_after, diagnostics = await _check_all(after_dir, [n for _, n in converted])
        errors_after += len(leftovers)
        diagnostics.extend(leftovers)
        cache = {} if baseline_cache is None else baseline_cache
        base = cache.get(str(workspace.root))
        if base is None:
            tests = await run_tests(before_dir, test_command, timeout_s=test_timeout_s)
            base = cache[str(workspace.root)] = Baseline(tests, await _probe_entry(before_dir))
        tests_before, api_before = base.tests, base.exports
        tests_after = (
            None  # a command that could not run on the original would not run here either
            if tests_before is not None and tests_before.could_not_run
            else await run_tests(after_dir, test_command, timeout_s=test_timeout_s)
        )
        api_after = await _probe_entry(after_dir)
    missing = _missing_exports(api_before, api_after)
    syntax_worse = errors_after - len(leftovers) > errors_before
    problems = [
        f"{errors_after - len(leftovers)} file(s) fail `node --check`" if syntax_worse else "",
        f"{len({d.file for d in leftovers})} file(s) still CommonJS" if leftovers else "",
        regression_reason(tests_before, tests_after) or "",
        f"exports lost: {', '.join(missing)}" if missing else "",
    ]
    problems = [p for p in problems if p]
    summary = _summary(problems, len(converted), tests_before)
    return Verification(
        ok=not problems,
        errors_before=errors_before,
        errors_after=errors_after,
        diagnostics=tuple(diagnostics),
        tests_before=tests_before,
        tests_after=tests_after,
        summary=summary,
        metrics={
            "files_checked": len(converted),
            "exports_before": api_before,
            "exports_after": api_after,
            "missing_exports": missing,
        },
    )


def _summary(problems: list[str], converted: int, tests_before: TestOutcome | None) -> str:
    summary = (
        "; ".join(problems) or f"{converted} file(s) converted; syntax, tests and exports no worse"
    )
    if note := could_not_run_note(tests_before):
        summary += f" ({note})"
    elif tests_before is not None and not tests_before.ok:
        summary += f" (the tests already failed before: {tests_before.failed} failing)"
    return summary


def _materialize(workspace: Workspace, dest: Path) -> Path:
    materialize = getattr(workspace, "materialize", None)
    if callable(materialize):
        materialize(dest)
        return dest
    for rel in workspace.files():  # a plain view: copy what it shows, text only
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(workspace.read_text(rel), encoding="utf-8")
    return dest


async def _check_all(root: Path, paths: Sequence[str]) -> tuple[int, list[Diagnostic]]:
    checkable = [p for p in paths if p.endswith(SOURCE_SUFFIXES) and not p.endswith(".jsx")]
    limit = asyncio.Semaphore(max(1, (os.cpu_count() or 2)))

    async def check(path: str) -> Diagnostic | None:
        async with limit:
            return await _node_check(root, path)

    results = await asyncio.gather(*(check(p) for p in checkable))
    diagnostics = [d for d in results if d is not None]
    return len(diagnostics), diagnostics


async def _node_check(root: Path, path: str) -> Diagnostic | None:
    """`node --check` one file; a Diagnostic when it fails."""
    code, output = await _run_node(root, ["--check", path], _CHECK_TIMEOUT_S)
    if code == 0:
        return None
    line = 1
    located = _LOCATION.search(output)
    if located is not None:
        line = int(located.group("line"))
    message = next(
        (ln.strip() for ln in output.splitlines() if re.match(r"^\w*Error\b", ln.strip())),
        output.strip().splitlines()[-1] if output.strip() else f"node exited with {code}",
    )
    return Diagnostic(file=path, line=line, column=0, code="node-check", message=message)


async def _run_node(root: Path, args: list[str], timeout_s: float) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        "node",
        *args,
        cwd=root,
        env=safe_environment(root),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout_s):
            out, err = await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return 124, f"node {' '.join(args)} timed out after {timeout_s:g}s"
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode("utf-8", errors="replace")


async def _probe_entry(root: Path) -> dict[str, Any] | None:
    """Import the package entry in `root` and describe its exports (None: no entry)."""
    view = StagedWorkspace(root)
    resolver = Resolver(set(view.files()), view.read_text)
    entry = entry_module(view, resolver)
    if entry is None:
        return None
    code, output = await _run_node(
        root, ["--input-type=module", "-e", _PROBE, str(root / entry)], _CHECK_TIMEOUT_S
    )
    if code != 0:
        return {"entry": entry, "error": output.strip()[-500:]}
    shape: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    shape["entry"] = entry
    return shape


def _missing_exports(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Names consumers could reach before and cannot after."""
    if before is None or "error" in before:
        return []
    if after is None or "error" in after:
        return ["<entry no longer loads>"]
    old_keys = set(before["defaultKeys"])
    missing = old_keys - set(after["defaultKeys"])
    if before["defaultType"] == "object":
        missing |= old_keys - set(after["named"])
    elif before["defaultType"] != after["defaultType"]:
        missing.add(f"<default export is a {after['defaultType']}, was a {before['defaultType']}>")
    missing |= set(before["named"]) - set(after["named"])
    return sorted(missing)
