"""Drive the real `kimi-code` CLI as a subprocess and interrupt it (SIGINT or SIGKILL) at a
random point, then `recover` and, when the run was left unfinished, `resume` it.

Shared by `test_cli_cancel.py` and `benchmarks/fault_bench.py`.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from kimi_code.edits.journal import JournalStore, runs_dir
from kimi_code.model.changes import ChangeSet, FileChange

from .faultserver import FaultServer
from .harness import Arena, Verdict


def cli(*args: str) -> list[str]:
    """The command line of `kimi-code ARGS` with this interpreter."""
    return [sys.executable, "-m", "kimi_code", *args]


def env_for(arena: Arena) -> dict[str, str]:
    """The environment of a CLI run: no KIMI_CODE_* settings, HOME in the arena."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIMI_CODE_")}
    env["HOME"] = str(arena.home)
    return env


def model_flags(server: FaultServer, agents: int = 100) -> list[str]:
    """Flags pointing a run at the fault server, model-driven, `agents` wide, no prompt."""
    return [
        "--yes", "--events", "--policy", "model", "--agents", str(agents),
        "--model", f"{server.base_url}#fault-model",
    ]  # fmt: skip


def refactor(arena: Arena, server: FaultServer, agents: int = 100) -> subprocess.Popen[bytes]:
    """Start `kimi-code refactor js-to-ts ROOT` against the fault server."""
    args = cli("refactor", "js-to-ts", str(arena.root), *model_flags(server, agents))
    return subprocess.Popen(
        args, env=env_for(arena), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def wait_started(proc: subprocess.Popen[bytes]) -> None:
    """Wait for the run's first event (the CLI is past its imports and set-up)."""
    assert proc.stdout is not None
    first = proc.stdout.readline()
    if not first.startswith(b"{"):
        raise AssertionError(f"no event from the CLI: {first!r}")


def applied_changes(root: Path) -> ChangeSet | None:
    """The ChangeSet of the applied run in `root`, rebuilt from its journal (None if none)."""
    store = JournalStore(root)
    for journal in store.all():
        if journal.state != "applied":
            continue
        changes = []
        for e in journal.entries:
            text = store.blob(journal.run_id, e.after).decode() if e.after else None
            new_path = e.target if e.target != e.path else None
            changes.append(FileChange(e.path, text, e.before, new_path))
        return ChangeSet(tuple(changes))
    return None


def unfinished_runs(root: Path) -> list[str]:
    """Runs whose swarm state says they never finished (candidates for `resume`)."""
    found = []
    base = runs_dir(root)
    for state_file in sorted(base.glob("*/state.json")) if base.is_dir() else []:
        state = json.loads(state_file.read_text()).get("state")
        if state not in ("done", "cancelled"):
            found.append(state_file.parent.name)
    return found


@dataclass(frozen=True, slots=True)
class Interruption:
    """What one interrupted CLI run did, and the workspace afterwards."""

    signal: str
    returncode: int
    traceback: bool
    """A Python traceback reached the user's terminal."""
    resumed: bool
    resume_rc: int | None
    """Exit code of `kimi-code resume` (None when there was nothing to resume)."""
    verdict: Verdict


def interrupt_run(
    arena: Arena, server: FaultServer, rng: random.Random, *, kill: bool, agents: int = 100
) -> Interruption:
    """Start a CLI run, interrupt it after a random delay, recover, resume if unfinished."""
    proc = refactor(arena, server, agents)
    wait_started(proc)
    time.sleep(rng.uniform(0.0, 3.0))
    if kill:
        proc.kill()
    else:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    env = env_for(arena)
    subprocess.run(cli("recover", "-C", str(arena.root)), env=env, check=True, capture_output=True)
    resumed, resume_rc = False, None
    if kill:
        for run_id in unfinished_runs(arena.root):
            flags = ["--yes", "--events", "--model", f"{server.base_url}#fault-model"]
            args = cli("resume", run_id, str(arena.root), *flags)
            done = subprocess.run(args, env=env, capture_output=True, timeout=300, check=False)
            resumed, resume_rc = True, done.returncode
    verdict = arena.judge(applied_changes(arena.root))
    name = "SIGKILL" if kill else "SIGINT"
    return Interruption(name, proc.returncode, b"Traceback" in err, resumed, resume_rc, verdict)
