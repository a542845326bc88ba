"""Apply-level chaos on a copy of examples/: original or fully applied, never mixed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from .chaos import SCENARIOS, run_scenario, synthetic_changeset
from .harness import Arena

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("seed", [1, 2])
def test_scenario_leaves_original_or_applied(tmp_path: Path, scenario: str, seed: int) -> None:
    arena = Arena.create(tmp_path, EXAMPLES if EXAMPLES.is_dir() else None)
    outcome = run_scenario(arena, scenario, random.Random(seed), run_id=f"{scenario}-{seed}")
    verdict = outcome.verdict
    assert verdict.lost_or_corrupted == ()
    assert verdict.outside_writes == ()
    expected = {
        "clean": "applied",
        "stale": "original",
        "io_error": "original",
        "interrupt": "original",
        "apply_then_undo": "original",
    }
    if scenario in expected:
        assert verdict.state == expected[scenario]
    else:
        assert verdict.state in ("original", "applied")
    assert verdict.files_checked > 10


def test_judge_detects_a_mixed_workspace(tmp_path: Path) -> None:
    arena = Arena.create(tmp_path, EXAMPLES if EXAMPLES.is_dir() else None)
    cs = synthetic_changeset(arena.root, random.Random(0))
    first = next(c for c in cs.changes if c.old_hash and c.new_text)
    (arena.root / first.path).write_text(first.new_text or "")
    (arena.outside / "secret.txt").write_text("changed\n")
    verdict = arena.judge(cs)
    assert verdict.state == "mixed" and verdict.lost_or_corrupted
    assert len(verdict.outside_writes) == 1
    assert verdict.outside_writes[0].startswith("outside/secret.txt:")
    assert not verdict.ok
