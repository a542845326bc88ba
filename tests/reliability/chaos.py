"""Apply-level chaos: synthetic run results applied under injected failures, kills and undo.

Shared by `test_chaos_apply.py` (a few seeds) and `benchmarks/fault_bench.py` (many).
"""

from __future__ import annotations

import contextlib
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kimi_code.edits.apply import apply_changeset, recover
from kimi_code.edits.checkpoint import undo
from kimi_code.edits.journal import AtomicFileOps
from kimi_code.errors import ApplyError, StaleWriteError
from kimi_code.model.changes import ChangeSet, FileChange, content_hash

from .harness import Arena, Verdict
from .killapply import dump_changeset

SCENARIOS = ("clean", "io_error", "interrupt", "kill_then_recover", "stale", "apply_then_undo")
KILLER = Path(__file__).with_name("killapply.py")


@dataclass(frozen=True, slots=True)
class ChaosOutcome:
    """One scenario's verdict and the faults it injected."""

    scenario: str
    verdict: Verdict
    faults: tuple[str, ...]
    changeset: ChangeSet


def synthetic_changeset(root: Path, rng: random.Random) -> ChangeSet:
    """A JS->TS-like result: renames with edits, edits, a deletion or two, and creations."""
    changes: list[FileChange] = []
    files = sorted(p for p in root.rglob("*") if p.is_file() and ".kimi" not in p.parts)
    for path in files:
        rel = path.relative_to(root).as_posix()
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        roll = rng.random()
        new = f"// converted by run\n{text}"
        if roll < 0.45 and rel.endswith(".js"):
            changes.append(FileChange(rel, new, content_hash(data), rel[:-3] + ".ts"))
        elif roll < 0.8:
            changes.append(FileChange(rel, new, content_hash(data)))
        elif roll < 0.87:
            changes.append(FileChange(rel, None, content_hash(data)))
    for n in range(rng.randint(1, 3)):
        changes.append(FileChange(f"types/generated/t{n}.d.ts", f"export type T{n} = {n};\n", None))
    return ChangeSet(tuple(changes))


class _FailOps:
    def __init__(self, at: int, exc: BaseException) -> None:
        self.inner, self.at, self.exc, self.n = AtomicFileOps(), at, exc, 0

    def _tick(self) -> None:
        self.n += 1
        if self.n == self.at:
            raise self.exc

    def write(self, path: Path, data: bytes, mode: int) -> None:
        self._tick()
        self.inner.write(path, data, mode)

    def remove(self, path: Path) -> None:
        self._tick()
        self.inner.remove(path)


def run_scenario(arena: Arena, scenario: str, rng: random.Random, run_id: str) -> ChaosOutcome:
    """Run one scenario on `arena` and judge the workspace afterwards."""
    cs = synthetic_changeset(arena.root, rng)
    n_ops = len(cs.changes) + sum(1 for c in cs.changes if c.new_path or c.new_text is None)
    at = rng.randint(1, max(1, n_ops))
    faults: tuple[str, ...] = ()
    if scenario == "clean":
        apply_changeset(arena.root, cs, run_id=run_id)
    elif scenario in ("io_error", "interrupt"):
        exc: BaseException = (
            OSError(5, "I/O error") if scenario == "io_error" else KeyboardInterrupt()
        )
        faults = (scenario,)
        with contextlib.suppress(ApplyError, KeyboardInterrupt):
            apply_changeset(arena.root, cs, run_id=run_id, ops=_FailOps(at, exc))
    elif scenario == "kill_then_recover":
        faults = ("sigkill_during_apply",)
        dump = arena.base / f"{run_id}.json"
        dump_changeset(cs, dump)
        args = [sys.executable, str(KILLER), str(dump), str(arena.root), run_id, str(at)]
        subprocess.run(args, check=False, capture_output=True)
        recover(arena.root, forward=rng.random() < 0.5)
    elif scenario == "stale":
        faults = ("stale_write",)
        victim = next((c for c in cs.changes if c.old_hash), None)
        if victim is not None:
            (arena.root / victim.path).write_text("// the user's edit during the run\n")
            arena.retake()
        with contextlib.suppress(StaleWriteError):
            apply_changeset(arena.root, cs, run_id=run_id)
    elif scenario == "apply_then_undo":
        apply_changeset(arena.root, cs, run_id=run_id)
        undo(arena.root, run_id)
    return ChaosOutcome(scenario, arena.judge(cs), faults, cs)
