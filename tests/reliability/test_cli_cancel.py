"""SIGINT and SIGKILL to a real `kimi-code refactor ... --yes` at random points, then
`kimi-code recover` (and `resume`): the workspace is the original or the fully applied
result, and nothing outside it changed."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from .cli_driver import applied_changes, cli, env_for, interrupt_run, refactor
from .faultserver import FaultConfig, FaultServer, agent_responder
from .harness import Arena

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ not present"),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigint_at_a_random_point(tmp_path: Path, seed: int) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    config = FaultConfig(rates={"latency": 0.5}, seed=seed, latency_s=0.1)
    with FaultServer(config, agent_responder) as server:
        result = interrupt_run(arena, server, random.Random(seed), kill=False)
    assert not result.traceback
    assert result.returncode in (0, 1, 130), result
    assert result.verdict.ok, result.verdict
    if result.returncode == 130:
        assert result.verdict.state == "original"


@pytest.mark.parametrize("seed", [4, 5])
def test_sigkill_at_a_random_point_then_recover_and_resume(tmp_path: Path, seed: int) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    with FaultServer(FaultConfig(), agent_responder) as server:
        result = interrupt_run(arena, server, random.Random(seed), kill=True)
    assert result.verdict.ok, result.verdict
    # killed before the plan was saved, resume refuses with a one-line error (exit 2)
    assert result.resume_rc in (None, 0, 2), result
    if result.resume_rc == 0:
        assert result.verdict.state == "applied"


def test_completed_cli_run_is_undone_exactly(tmp_path: Path) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    with FaultServer(FaultConfig(), agent_responder) as server:
        proc = refactor(arena, server)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()[-2000:]
    last = json.loads(out.decode().strip().splitlines()[-1])
    assert arena.judge(applied_changes(arena.root)).state == "applied", last
    undo = subprocess.run(
        cli("undo", "-C", str(arena.root)), env=env_for(arena), capture_output=True
    )
    assert undo.returncode == 0, undo.stderr.decode()
    assert arena.judge(None).state == "original"
