"""Run state on disk: `<root>/.kimi/runs/<id>/` (core layer).

    request.json        the RunRequest
    plan.json           the Plan
    agents/<task>.json  one AgentOutcome per finished agent, written as it finishes
    report.json         the final report
    state.json          {"state": running|done|cancelled|failed, "applied": bool}

Every write goes to a temporary file first and is renamed into place, so a killed run
leaves whole files only. `.kimi/.gitignore` keeps run state out of the user's commits.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from kimi_code.errors import UserInputError
from kimi_code.swarm.outcome import AgentOutcome

__all__ = ["RunStore", "new_run_id"]

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def new_run_id() -> str:
    """A sortable, unique run id such as `20261129-103512-a3f9`."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(2)


class RunStore:
    """Reads and writes one run's state directory."""

    def __init__(self, root: Path, run_id: str) -> None:
        """Point at `<root>/.kimi/runs/<run_id>/` (not created yet).

        Raises:
            UserInputError: the run id is not a plain name.
        """
        if not _ID.match(run_id):
            raise UserInputError(f"bad run id {run_id!r}")
        self.root = root
        self.run_id = run_id
        self.dir = root / ".kimi" / "runs" / run_id

    def exists(self) -> bool:
        """Whether the run's state directory exists."""
        return (self.dir / "request.json").is_file()

    def create(self) -> None:
        """Create the directory (and `.kimi/.gitignore`)."""
        (self.dir / "agents").mkdir(parents=True, exist_ok=True)
        ignore = self.root / ".kimi" / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")

    def _write(self, name: str, data: Any) -> None:
        path = self.dir / name
        tmp = path.with_name(path.name + ".tmp")
        # compact: indented output takes json's pure-Python encoder (5x the time of a plan)
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def _read(self, name: str) -> Any:
        path = self.dir / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserInputError(f"run {self.run_id} has no {name}", path=str(path)) from None
        except json.JSONDecodeError as exc:
            raise UserInputError(f"corrupt run state: {exc}", path=str(path)) from None

    def save(self, name: str, data: Any) -> None:
        """Write `<name>.json` atomically."""
        self._write(f"{name}.json", data)

    def has(self, name: str) -> bool:
        """Whether `<name>.json` was saved."""
        return (self.dir / f"{name}.json").is_file()

    def load(self, name: str) -> Any:
        """Read `<name>.json`.

        Raises:
            UserInputError: missing or corrupt.
        """
        return self._read(f"{name}.json")

    def save_agent(self, outcome: AgentOutcome) -> None:
        """Record a finished agent."""
        self._write(f"agents/{outcome.task_id}.json", outcome.to_json())

    def load_agents(self) -> dict[str, AgentOutcome]:
        """Every recorded agent outcome, by task id (corrupt files are skipped: rerun)."""
        out: dict[str, AgentOutcome] = {}
        for path in sorted((self.dir / "agents").glob("*.json")):
            try:
                outcome = AgentOutcome.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, KeyError, TypeError):
                continue
            out[outcome.task_id] = outcome
        return out

    def set_state(self, state: str, **fields: Any) -> None:
        """Record the run's lifecycle state."""
        self._write("state.json", {"state": state, **fields})
