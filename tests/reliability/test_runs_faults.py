"""Real runs on a copy of examples/ against the fault-injecting server, at 100 agents.

After every run the workspace is byte-for-byte the original or the fully applied result,
consistent with the report, and nothing outside the workspace changed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .faultserver import FAULT_KINDS, FaultConfig, FaultServer, agent_responder
from .harness import Arena, plant_hostile
from .runs import real_run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ not present"),
]
# Faults a well-written client retries or reports; transport cuts are tested separately.
SOFT = tuple(k for k in FAULT_KINDS if k not in ("reset", "cut_stream"))


async def test_clean_run_applies_everything(tmp_path: Path) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    with FaultServer(FaultConfig(), agent_responder) as server:
        outcome = await real_run(arena, server)
    assert outcome.error is None and outcome.crash is None, (outcome.error, outcome.crash)
    assert outcome.report is not None and outcome.report.applied, outcome.report
    assert outcome.verdict.ok and outcome.consistent, outcome.verdict


@pytest.mark.slow
@pytest.mark.e2e
async def test_misbehaving_model_loses_nothing(tmp_path: Path) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    with FaultServer(FaultConfig.uniform(0.35, seed=11, kinds=SOFT), agent_responder) as server:
        outcome = await real_run(arena, server)
        faults = server.stats()["faults"]
    assert {"loop", "invented_tool", "rate_limit"} <= set(faults)
    assert outcome.crash is None, outcome.crash
    assert outcome.verdict.ok, outcome.verdict
    assert outcome.consistent, (outcome.verdict.state, outcome.report, outcome.error)


@pytest.mark.parametrize("kind", ["reset", "cut_stream"])
async def test_transport_cuts_never_corrupt_the_workspace(tmp_path: Path, kind: str) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    with FaultServer(FaultConfig(rates={kind: 0.3}, seed=5), agent_responder) as server:
        outcome = await real_run(arena, server)
    assert outcome.crash is None, outcome.crash
    assert outcome.verdict.ok and outcome.consistent, outcome.verdict


async def test_transport_cuts_are_reported_not_crashes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    config = FaultConfig(rates={"reset": 0.15, "cut_stream": 0.15}, seed=5)
    with FaultServer(config, agent_responder) as server:
        outcome = await real_run(arena, server)
    assert outcome.verdict.ok and outcome.crash is None
    crashed = [r.getMessage() for r in caplog.records if r.exc_info]
    assert crashed == []


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
async def test_cancel_at_any_point_applies_nothing(tmp_path: Path, delay: float) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    config = FaultConfig(rates={"latency": 0.5}, seed=3, latency_s=0.2)
    with FaultServer(config, agent_responder) as server:
        outcome = await real_run(arena, server, cancel_after=delay)
    assert outcome.crash is None, outcome.crash
    assert outcome.verdict.ok and outcome.consistent, outcome.verdict
    if outcome.cancelled:
        assert outcome.report is not None and outcome.report.status == "cancelled"
        assert outcome.verdict.state == "original"


@pytest.mark.slow
@pytest.mark.e2e
async def test_hostile_workspace_and_model_change_nothing_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    monkeypatch.setenv("HOME", str(arena.home))
    plant_hostile(arena)
    config = FaultConfig(rates={"escape_path": 0.5, "invented_tool": 0.1}, seed=9)
    with FaultServer(config, agent_responder) as server:
        outcome = await real_run(arena, server)
        assert server.stats()["faults"].get("escape_path", 0) > 0
    assert outcome.crash is None, outcome.crash
    assert outcome.verdict.outside_writes == ()
    assert outcome.verdict.ok and outcome.consistent, outcome.verdict
    assert os.readlink(arena.root / "vendor") == str(arena.outside)
    assert (arena.home / ".bashrc").read_text() == "# the user's bashrc\n"
