"""Partial apply: the files that verified, when the user explicitly chose that (core layer).

A run is all-or-nothing by default. With `RunRequest.apply_only_verified` a run whose
verification failed may still apply the files that verified: every staged change whose
file (by its original or new name) has no diagnostic left, made by an agent that
finished. When the failure cannot be pinned on files (the project's tests regressed, a
project-level error such as a broken `tsconfig.json`), no file counts as verified.
"""

from __future__ import annotations

from dataclasses import replace

from kimi_code.model.changes import ChangeSet, FileChange
from kimi_code.recipes.base import Verification
from kimi_code.swarm.coordinator import Coordinator
from kimi_code.swarm.report import FileOutcome
from kimi_code.swarm.synthesis import unowned

__all__ = ["mark_unverified", "verified_subset"]


def _tests_regressed(verification: Verification) -> bool:
    before, after = verification.tests_before, verification.tests_after
    if before is None:
        return False
    if after is None:
        return True
    return (before.ok and not after.ok) or after.failed > before.failed


def verified_subset(
    coord: Coordinator, changes: ChangeSet, verification: Verification
) -> tuple[ChangeSet, dict[str, str]]:
    """Split `changes` into the files that verified and the others (path -> why not).

    Returns an empty change set when the failure is not tied to files.
    """
    diagnostics = verification.diagnostics
    if _tests_regressed(verification) or not diagnostics:
        why = "the project's tests regressed" if diagnostics else verification.summary
        return ChangeSet(), {c.path: f"not verified: {why}" for c in changes.changes}
    if unowned(coord, diagnostics):
        why = "project-level errors no agent can fix"
        return ChangeSet(), {c.path: f"not verified: {why}" for c in changes.changes}
    counts: dict[str, int] = {}
    for d in diagnostics:
        counts[d.file] = counts.get(d.file, 0) + 1
    kept: list[FileChange] = []
    left: dict[str, str] = {}
    for change in changes.changes:
        errors = counts.get(change.path, 0) + (
            counts.get(change.new_path, 0) if change.new_path else 0
        )
        owner = coord.ctx.workspace.owner_of(change.path)
        outcome = coord.outcomes.get(owner) if owner else None
        if errors:
            left[change.path] = f"not applied: {errors} error(s) left after verification"
        elif outcome is not None and outcome.status != "done":
            left[change.path] = f"not applied: its agent {outcome.status}"
        else:
            kept.append(change)
    return ChangeSet(tuple(kept)), left


def mark_unverified(
    files: tuple[FileOutcome, ...], left: dict[str, str]
) -> tuple[FileOutcome, ...]:
    """Mark the converted files left out of a partial apply as failed, with the reason."""
    return tuple(
        replace(f, status="failed", reason=left[f.path], new_path=None)
        if f.path in left and f.status in ("converted", "unchanged")
        else f
        for f in files
    )
