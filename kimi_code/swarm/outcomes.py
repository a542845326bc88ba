"""Per-file outcomes for the report, from agent outcomes and the staged changes."""

from __future__ import annotations

from kimi_code.model.changes import ChangeSet
from kimi_code.plan.model import Plan
from kimi_code.swarm.coordinator import Coordinator
from kimi_code.swarm.report import FileOutcome

__all__ = ["file_outcomes"]


def file_outcomes(
    plan: Plan, coord: Coordinator | None, changes: ChangeSet
) -> tuple[FileOutcome, ...]:
    """One `FileOutcome` per planned file: converted, unchanged, failed, cancelled or not run.

    A file its agent's tools left as it was, saying why (`AgentOutcome.left`), failed.
    """
    by_path = {c.path: c for c in changes.changes}
    out: list[FileOutcome] = []
    for task in plan.tasks:
        outcome = coord.outcomes.get(task.id) if coord else None
        for path in task.files:
            change = by_path.get(path)
            note = coord.notes.get(path, "") if coord else ""
            if outcome is None:
                out.append(FileOutcome(path, None, "not_run", "the agent did not run", task.id))
            elif outcome.status != "done":
                out.append(FileOutcome(path, None, outcome.status, outcome.reason, task.id))
            elif change is None and path in outcome.left:
                out.append(FileOutcome(path, None, "failed", outcome.left[path], task.id))
            elif change is None:
                out.append(FileOutcome(path, None, "unchanged", note or outcome.summary, task.id))
            else:
                reason = note or outcome.summary or outcome.reason
                out.append(FileOutcome(path, change.new_path, "converted", reason, task.id))
    return tuple(out)
