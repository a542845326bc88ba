"""Real runs in a git repository: dirty files refuse the run; an applied run is
checkpointed without moving HEAD/index/branch and `undo` restores it exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimi_code.edits.checkpoint import undo
from kimi_code.edits.gitstate import DirtyWorkspaceError
from kimi_code.swarm.api import RunRequest, start_run

from .faultserver import FaultConfig, FaultServer, agent_responder
from .fsutil import git, init_repo
from .harness import Arena
from .runs import fault_backend, real_run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ not present")


async def test_dirty_file_refuses_the_run_by_name(tmp_path: Path) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    init_repo(arena.root)
    (arena.root / "src/money.js").write_text("// my uncommitted work\n")
    arena.retake()
    with FaultServer(FaultConfig(), agent_responder) as server:
        backend = fault_backend(server, 8)
        request = RunRequest(root=arena.root, recipe="js-to-ts", policy="model", allow_dirty=False)
        handle = await start_run(request, backend=backend)
        with pytest.raises(DirtyWorkspaceError, match=r"src/money\.js"):
            await handle.wait()
        await backend.aclose()
    assert arena.judge(None).state == "original"


async def test_applied_run_is_checkpointed_and_undone_exactly(tmp_path: Path) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    init_repo(arena.root)
    head = git(arena.root, "rev-parse", "HEAD")
    index = git(arena.root, "ls-files", "-s")
    arena.retake()
    with FaultServer(FaultConfig(), agent_responder) as server:
        outcome = await real_run(arena, server, max_agents=100)
    assert outcome.report is not None and outcome.report.applied, outcome.report
    assert outcome.verdict.state == "applied"
    run_id = outcome.report.run_id
    assert git(arena.root, "rev-parse", "HEAD") == head
    assert git(arena.root, "ls-files", "-s") == index
    assert git(arena.root, "rev-parse", "--verify", f"refs/kimi/checkpoints/{run_id}")
    assert undo(arena.root).run_id == run_id
    assert arena.judge(None).state == "original"
    assert git(arena.root, "status", "--porcelain") == ""
