"""The swarm: coordinator, agents, tools, budgets and synthesis behind the run API."""

from kimi_code.swarm.api import (
    FileOutcome,
    RunHandle,
    RunReport,
    RunRequest,
    apply_report,
    resume_run,
    start_run,
)

__all__ = [
    "FileOutcome",
    "RunHandle",
    "RunReport",
    "RunRequest",
    "apply_report",
    "resume_run",
    "start_run",
]
