"""The run's request and final report: the values front ends consume (core layer)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from kimi_code.errors import UserInputError
from kimi_code.model.changes import ChangeSet
from kimi_code.recipes.base import Verification

__all__ = ["FileOutcome", "PolicyChoice", "RunReport", "RunRequest", "RunStatus", "unified_diff"]

PolicyChoice = Literal["auto", "model", "recipe"]
RunStatus = Literal["applied", "ready", "not_applied", "cancelled", "failed"]
FileStatus = Literal["converted", "unchanged", "failed", "cancelled", "not_run"]


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What the user asked for."""

    root: Path
    recipe: str | None
    instruction: str | None = None
    paths: tuple[str, ...] = ()
    """Scope: workspace-relative files or folders (empty: the whole workspace)."""
    max_agents: int = 8
    dry_run: bool = False
    model: str | None = "local"
    """Backend spec (`local`, `moonshot`, a URL#model...); None: KIMI_CODE_MODEL or kimi.toml."""
    policy: PolicyChoice = "auto"
    max_tool_calls: int = 1500
    max_tokens: int | None = None
    wall_seconds: float | None = None
    apply: bool = True
    """Write the result to disk when verification passes (False: report only)."""
    agent_timeout: float = 600.0
    allow_dirty: bool = False
    """Run even if files it touches have uncommitted git changes (default: refuse, naming
    them). The CLI sets it with `--allow-dirty`; a front end that applies through the
    editor's undoable buffers rather than the disk writer may set it."""
    apply_only_verified: bool = False
    """The user's explicit choice: when verification fails, still apply the files whose
    agents finished and that have no diagnostics left (the rest are left untouched)."""

    def validate(self) -> None:
        """Check the request.

        Raises:
            UserInputError: a field is out of range (the message names it).
        """
        if not self.root.is_dir():
            raise UserInputError("workspace is not a directory", path=str(self.root))
        if not 1 <= self.max_agents <= 100:
            raise UserInputError(f"--agents must be between 1 and 100, not {self.max_agents}")
        if self.recipe is None and not (self.instruction or "").strip():
            raise UserInputError("give a recipe or an instruction")
        if self.max_tool_calls < 1:
            raise UserInputError("the tool-call budget must be at least 1")
        if self.policy not in ("auto", "model", "recipe"):
            raise UserInputError(f"--policy must be auto, model or recipe, not {self.policy!r}")

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["root"] = str(self.root)
        data["paths"] = list(self.paths)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRequest:
        """Rebuild a request from `to_json` output."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["root"] = Path(values["root"])
        values["paths"] = tuple(values.get("paths", ()))
        return cls(**values)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file."""

    path: str
    new_path: str | None
    status: FileStatus
    reason: str
    agent_id: str | None


@dataclass(frozen=True, slots=True)
class RunReport:
    """The final report of a run."""

    run_id: str
    root: Path
    recipe: str | None
    mode: str
    mode_reason: str
    policy: str
    backend: str
    changeset: ChangeSet
    files: tuple[FileOutcome, ...]
    verification: Verification | None
    applied: bool
    status: RunStatus
    reason: str
    """Why the result was (not) applied."""
    tool_calls: int
    tokens: int
    wall_seconds: float
    budgets: dict[str, Any] = field(default_factory=dict)
    fixup_rounds: int = 0
    agents: int = 0
    diff_text: str | None = None
    """The diff, computed when the report was made (before any apply changed the disk)."""
    only: tuple[str, ...] | None = None
    """Set when the user chose to apply only the files that verified: their paths (the
    change set then holds just those); None means all-or-nothing."""

    def diff(self) -> str:
        """The unified diff of every staged change against the files as the run found them."""
        return (
            self.diff_text
            if self.diff_text is not None
            else unified_diff(self.root, self.changeset)
        )

    def to_json(self) -> dict[str, Any]:
        """The summary object of `--json` (recipe metrics come from the verification)."""
        ver = self.verification
        metrics = dict(ver.metrics) if ver else {}
        return {
            "run_id": self.run_id,
            "recipe": self.recipe,
            "mode": self.mode,
            "mode_reason": self.mode_reason,
            "policy": self.policy,
            "backend": self.backend,
            "status": self.status,
            "reason": self.reason,
            "files": len(self.files),
            "converted": sum(1 for f in self.files if f.status == "converted"),
            "failed": sum(1 for f in self.files if f.status in ("failed", "cancelled", "not_run")),
            "tsc_errors_before": ver.errors_before if ver else None,
            "tsc_errors_after": ver.errors_after if ver else None,
            "any_count": metrics.get("any_count"),
            "suppressions": metrics.get("suppressions"),
            "tests": _tests(ver),
            "applied": self.applied,
            "only_verified": list(self.only) if self.only is not None else None,
            "wall_seconds": round(self.wall_seconds, 3),
            "tool_calls": self.tool_calls,
            "tokens": self.tokens,
            "agents": self.agents,
            "fixup_rounds": self.fixup_rounds,
            "budgets": self.budgets,
            "verification": _verification(ver),
            "metrics": metrics,
            "per_file": [
                {
                    "path": f.path,
                    "new_path": f.new_path,
                    "status": f.status,
                    "reason": f.reason,
                    "agent_id": f.agent_id,
                }
                for f in self.files
            ],
        }


def unified_diff(root: Path, changeset: ChangeSet) -> str:
    """The unified diff of `changeset` against the files on disk under `root`."""
    chunks: list[str] = []
    for change in changeset.changes:
        old_file = root / change.path
        old = "" if change.is_creation or not old_file.is_file() else old_file.read_text("utf-8")
        new = change.new_text or ""
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile="/dev/null" if change.is_creation else f"a/{change.path}",
                tofile=f"b/{change.target}" if change.new_text is not None else "/dev/null",
            )
        )
        if chunks and not chunks[-1].endswith("\n"):
            chunks[-1] += "\n\\ No newline at end of file\n"
    return "".join(chunks)


def _tests(ver: Verification | None) -> str:
    if ver is None or ver.tests_after is None:
        return "not run"
    return "passed" if ver.tests_after.ok else "failed"


def _verification(ver: Verification | None) -> dict[str, Any] | None:
    if ver is None:
        return None
    return {
        "ok": ver.ok,
        "summary": ver.summary,
        "errors_before": ver.errors_before,
        "errors_after": ver.errors_after,
        "diagnostics": [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "code": d.code,
                "message": d.message,
            }
            for d in ver.diagnostics[:200]
        ],
    }
