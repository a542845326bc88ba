"""Terminal rendering of a run's events and report with rich (adapter layer).

`LiveBoard` keeps one row per agent (state, file, current tool, tool calls, elapsed) and
a total progress bar, redrawn a few times a second; it writes to stderr so stdout stays
free for diffs and JSON. `JsonLines` prints each event as one JSON line (`--events`).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from kimi_code.model.events import AgentEvent, AgentState
from kimi_code.swarm.report import RunReport
from kimi_code.verify.tests import could_not_run_note

__all__ = ["JsonLines", "LiveBoard", "print_report"]

FINAL = {AgentState.DONE, AgentState.FAILED, AgentState.CANCELLED}
STYLE = {
    "done": "green",
    "failed": "red",
    "cancelled": "yellow",
    "suspended": "magenta",
    "retried": "magenta",
    "queued": "dim",
}
MAX_ROWS = 24


@dataclass(slots=True)
class _Row:
    state: str
    file: str
    tool: str
    tool_calls: int
    elapsed: float
    message: str


class JsonLines:
    """Print every event as a JSON line."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        """Write to `stream` (default stdout)."""
        self._stream = stream or sys.stdout

    def __call__(self, event: AgentEvent) -> None:
        """Print one event."""
        self._stream.write(json.dumps(event.to_json(), default=str) + "\n")
        self._stream.flush()


class LiveBoard:
    """A live table of agents and a total progress bar."""

    def __init__(self, console: Console) -> None:
        """Render on `console` (use `with board:` around the run)."""
        self._console = console
        self._rows: dict[str, _Row] = {}
        self._phase = "starting"
        self._total = 0
        self._live = Live(console=console, refresh_per_second=8, transient=False)
        self._live.update(self._render())

    def __enter__(self) -> LiveBoard:
        """Start redrawing."""
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        """Draw once more and stop."""
        self._live.update(self._render(), refresh=True)
        self._live.__exit__(None, None, None)

    def __call__(self, event: AgentEvent) -> None:
        """Fold one event into the board."""
        if event.agent_id == "run":
            self._phase = event.message
            self._total = int(event.extra.get("tasks", self._total) or self._total)
        else:
            row = self._rows.get(event.agent_id)
            tool = event.tool or (row.tool if row else "")
            if event.state in FINAL or event.state is AgentState.TOOL_FINISHED:
                tool = "" if event.state in FINAL else tool
            self._rows[event.agent_id] = _Row(
                state=event.state.value,
                file=event.file or "",
                tool=tool,
                tool_calls=event.tool_calls,
                elapsed=event.elapsed,
                message=event.message,
            )
        self._live.update(self._render())

    def _render(self) -> RenderableType:
        finished = sum(1 for r in self._rows.values() if r.state in {s.value for s in FINAL})
        total = max(self._total, len(self._rows), 1)
        table = Table(expand=False, box=None, header_style="bold")
        for column in ("agent", "state", "file", "tool", "calls", "elapsed", "note"):
            table.add_column(column, no_wrap=True, overflow="ellipsis", max_width=48)
        order = sorted(
            self._rows.items(), key=lambda kv: (kv[1].state in ("done", "queued"), kv[0])
        )
        for agent_id, row in order[:MAX_ROWS]:
            table.add_row(
                agent_id,
                Text(row.state, style=STYLE.get(row.state, "cyan")),
                row.file,
                row.tool,
                str(row.tool_calls),
                f"{row.elapsed:.1f}s",
                row.message[:60],
            )
        if len(order) > MAX_ROWS:
            table.add_row("…", f"{len(order) - MAX_ROWS} more", "", "", "", "", "")
        calls = sum(r.tool_calls for r in self._rows.values())
        bar = ProgressBar(total=total, completed=finished, width=40)
        line = Text(f" {finished}/{total} agents finished · {calls} tool calls · {self._phase}")
        return Group(table, Group(bar, line))


def _metric(report: RunReport) -> str:
    data = report.to_json()
    tests_before = report.verification.tests_before if report.verification else None
    parts = [
        f"errors {data['tsc_errors_before']} -> {data['tsc_errors_after']}",
        # why they did not run, when the command could not run on the original either
        could_not_run_note(tests_before) or f"tests {data['tests']}",
    ]
    if data["any_count"] is not None:
        parts.append(f"any {data['any_count']}, suppressions {data['suppressions']}")
    return "; ".join(parts)


def print_report(report: RunReport, console: Console) -> None:
    """Print the per-file outcome table and a summary line."""
    table = Table(title=f"run {report.run_id} · {report.recipe or 'instruction'}", box=None)
    for column in ("file", "new path", "status", "reason"):
        table.add_column(column, overflow="fold")
    for f in report.files:
        table.add_row(
            f.path, f.new_path or "", Text(f.status, style=STYLE.get(f.status, "")), f.reason
        )
    console.print(table)
    summary: dict[str, Any] = report.to_json()
    console.print(
        f"[bold]{summary['converted']}/{summary['files']} converted[/], "
        f"{summary['failed']} failed · "
        f"mode {report.mode} · policy {report.policy} · {report.tool_calls} tool calls · "
        f"{report.tokens} tokens · {report.wall_seconds:.1f}s"
    )
    if report.verification is not None:
        console.print(f"verification: {_metric(report)}")
    console.print(f"[bold]{report.status}[/]: {report.reason}")
