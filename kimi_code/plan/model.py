"""Plan values: per-file agent tasks, their context and dependency edges (core layer).

A `Plan` is what the planner hands the swarm: one `FileTask` per file (or per tightly
coupled group, such as an import cycle), each with the context an agent needs and the
tasks it depends on, plus the critical path and the chosen mode (single agent or swarm).
Plans serialise to JSON so a run's plan is kept under `.kimi/runs/<id>/plan.json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["FileTask", "Mode", "Plan", "TaskContext"]

Mode = Literal["single", "swarm"]


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What an agent is told about its files beyond their text."""

    source_hashes: tuple[tuple[str, str], ...] = ()
    """(path, sha256) of each file as indexed; the agent's reads are checked against them."""
    imported_signatures: tuple[str, ...] = ()
    """Signatures of the workspace symbols the files import, e.g. `add(a, b = 0)  [src/math.js]`."""
    export_usages: tuple[str, ...] = ()
    """How the files' exports are used elsewhere, e.g. `add at src/app.js:12 (1, 2)`."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "source_hashes": [list(pair) for pair in self.source_hashes],
            "imported_signatures": list(self.imported_signatures),
            "export_usages": list(self.export_usages),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskContext:
        """Rebuild a context from `to_json` output."""
        return cls(
            source_hashes=tuple((str(p), str(h)) for p, h in data.get("source_hashes", ())),
            imported_signatures=tuple(data.get("imported_signatures", ())),
            export_usages=tuple(data.get("export_usages", ())),
        )


@dataclass(frozen=True, slots=True)
class FileTask:
    """One agent's work: a file, or a group of files that import each other."""

    id: str
    """Task id, also the id of the agent that runs it (e.g. `a003`)."""
    files: tuple[str, ...]
    """Workspace-relative files the agent owns, in a stable order."""
    depends_on: tuple[str, ...] = ()
    """Ids of the tasks whose files these files import (types flow from them)."""
    context: TaskContext = TaskContext()
    """Signatures and usages the agent needs."""
    steps: int = 1
    """Estimated tool calls (the recipe's step count, or a default for free-form tasks)."""
    instruction: str | None = None
    """The task text for a free-form (model-planned) run; None for recipe runs."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "id": self.id,
            "files": list(self.files),
            "depends_on": list(self.depends_on),
            "context": self.context.to_json(),
            "steps": self.steps,
            "instruction": self.instruction,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileTask:
        """Rebuild a task from `to_json` output."""
        return cls(
            id=str(data["id"]),
            files=tuple(data["files"]),
            depends_on=tuple(data.get("depends_on", ())),
            context=TaskContext.from_json(data.get("context", {})),
            steps=int(data.get("steps", 1)),
            instruction=data.get("instruction"),
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """A whole run's work, ready for the swarm."""

    recipe: str | None
    """Recipe name, or None for a free-form instruction."""
    tasks: tuple[FileTask, ...]
    """Tasks in a dependency-respecting (topological) order."""
    mode: Mode
    """`single` runs one agent over every file; `swarm` runs one agent per task."""
    mode_reason: str
    """Why the planner chose the mode."""
    critical_path: tuple[str, ...] = ()
    """Task ids on the longest dependency chain (by estimated tool calls)."""
    critical_path_steps: int = 0
    """Estimated tool calls on the critical path: the lower bound on sequential steps."""
    instruction: str | None = None
    """The user's free-form instruction, if any."""

    @property
    def files(self) -> tuple[str, ...]:
        """Every file of every task."""
        return tuple(f for task in self.tasks for f in task.files)

    @property
    def total_steps(self) -> int:
        """Estimated tool calls of the whole plan."""
        return sum(task.steps for task in self.tasks)

    def task(self, task_id: str) -> FileTask:
        """The task with id `task_id`.

        Raises:
            KeyError: no such task.
        """
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "recipe": self.recipe,
            "instruction": self.instruction,
            "mode": self.mode,
            "mode_reason": self.mode_reason,
            "files": len(self.files),
            "total_steps": self.total_steps,
            "critical_path": list(self.critical_path),
            "critical_path_steps": self.critical_path_steps,
            "tasks": [task.to_json() for task in self.tasks],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        """Rebuild a plan from `to_json` output."""
        mode: Mode = "single" if data.get("mode") == "single" else "swarm"
        return cls(
            recipe=data.get("recipe"),
            tasks=tuple(FileTask.from_json(t) for t in data["tasks"]),
            mode=mode,
            mode_reason=str(data.get("mode_reason", "")),
            critical_path=tuple(data.get("critical_path", ())),
            critical_path_steps=int(data.get("critical_path_steps", 0)),
            instruction=data.get("instruction"),
        )
