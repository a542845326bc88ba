"""Rate limits, cancellation (whole run and one agent) and resume, with a scripted model."""

from __future__ import annotations

import asyncio
import json
import re

from swarmkit import WEAK, Runner, ShoutRecipe, index_dir, js_files, snapshot

from kimi_code.llm.scripted import ScriptedBackend, Turn, rate_limit_storm, sequence_script
from kimi_code.model.events import AgentState
from kimi_code.swarm.api import resume_run

FILE_RE = re.compile(r"^- (\S+\.js)$", re.M)


def edit_turns(task: str) -> list[Turn]:
    """A capable model's script: read, edit, finish."""
    path = FILE_RE.search(task).group(1)  # type: ignore[union-attr]
    return [
        Turn(tool_calls=(("read_file", {"path": path}),)),
        Turn(
            tool_calls=(
                ("propose_edit", {"path": path, "search": "return", "replace": "return 0 +"}),
            )
        ),
        Turn(tool_calls=(("done", {"summary": f"edited {path}"}),)),
    ]


def model(latency: float = 0.0, **kwargs: object) -> ScriptedBackend:
    return ScriptedBackend(sequence_script(edit_turns), latency=latency, **kwargs)  # type: ignore[arg-type]


async def test_429_storm_suspends_shrinks_and_recovers(runner: Runner, recipe: ShoutRecipe) -> None:
    backend = model(failures=rate_limit_storm(range(0, 12), retry_after=0.01))
    handle = await runner.start(js_files(12), backend, max_agents=8)
    report = await handle.wait()
    assert report.policy == "model"
    assert [f.status for f in report.files] == ["converted"] * 12
    limiter = handle._state.coordinator.ctx.limiter  # type: ignore[union-attr]
    assert limiter.decreases >= 1 and limiter.min_seen < 8
    assert runner.count(lambda e: e.state is AgentState.SUSPENDED) >= 8
    assert runner.count(lambda e: e.state is AgentState.RETRIED) >= 8
    assert report.tool_calls == 36  # suspended calls were not counted twice


async def test_endless_rate_limits_fail_the_agents_after_bounded_retries(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    backend = model(failures=rate_limit_storm(range(0, 10_000), retry_after=0.001))
    report = await runner.run(js_files(4), backend, max_agents=4)
    assert all(f.status == "failed" and "rate limited 9 times" in f.reason for f in report.files)
    assert report.status == "not_applied"


async def test_cancel_mid_run_applies_nothing(runner: Runner, recipe: ShoutRecipe) -> None:
    files = js_files(10)
    handle = await runner.start(files, model(latency=0.05), max_agents=3, dry_run=False)
    await runner.wait_for(lambda e: e.state is AgentState.DONE and e.agent_id != "run", 2)
    assert handle.cancel()
    report = await handle.wait()
    assert report.status == "cancelled" and not report.applied
    assert not report.changeset.changes
    assert snapshot(runner.root) == files
    state = json.loads((runner.root / ".kimi/runs" / report.run_id / "state.json").read_text())
    assert state == {"applied": False, "state": "cancelled"}
    assert runner.events[-1].state is AgentState.CANCELLED


async def test_a_cancel_after_the_apply_cannot_drop_the_applied_report(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    """The run applied, then waits on its helpers' shutdown; a cancel now is refused."""
    closing, release = asyncio.Event(), asyncio.Event()

    async def aclose() -> None:
        closing.set()
        await release.wait()

    recipe.aclose = aclose  # type: ignore[attr-defined]
    handle = await runner.start(js_files(3), dry_run=False)
    await asyncio.wait_for(closing.wait(), timeout=30)
    assert not handle.cancel()
    release.set()
    report = await handle.wait()
    assert report.status == "applied" and report.applied
    assert sorted(snapshot(runner.root)) == ["src/m00.ts", "src/m01.ts", "src/m02.ts"]


async def test_cancel_one_agent_keeps_the_others(runner: Runner, recipe: ShoutRecipe) -> None:
    handle = await runner.start(js_files(6), model(latency=0.05), max_agents=6)
    await runner.wait_for(lambda e: e.agent_id == "a002" and e.state is AgentState.RUNNING)
    assert handle.cancel("a002")
    report = await handle.wait()
    statuses = {f.agent_id: f.status for f in report.files}
    assert statuses.pop("a002") == "cancelled"
    assert runner.states("a002")[-1] == "cancelled"
    assert set(statuses.values()) == {"converted"}
    assert report.status == "ready"


async def test_resume_continues_without_redoing_finished_agents(
    runner: Runner, recipe: ShoutRecipe
) -> None:
    files = js_files(8)
    recipe.delay = 0.03
    handle = await runner.start(files, max_agents=2, dry_run=False)
    await runner.wait_for(lambda e: e.state is AgentState.DONE and e.agent_id != "run", 3)
    handle.cancel()
    first = await handle.wait()
    assert first.status == "cancelled" and snapshot(runner.root) == files
    agents = runner.root / ".kimi/runs" / first.run_id / "agents"
    saved = [json.loads(p.read_text()) for p in agents.glob("*.json")]
    finished = {c["path"] for a in saved if a["status"] == "done" for c in a["changes"]}
    assert len(finished) >= 3
    resumed = await resume_run(
        runner.root,
        first.run_id,
        backend=ScriptedBackend(lambda m: Turn(), info=WEAK),
        index=index_dir(runner.root),
    )
    report = await resumed.wait()
    assert report.applied and report.run_id == first.run_id
    assert sorted(snapshot(runner.root)) == sorted(p[:-3] + ".ts" for p in files)
    assert all(recipe.calls[p] == 1 for p in finished)  # not redone
    assert {p for p in files if recipe.calls[p] == 1} >= finished
