"""The planner: import cycles grouped, dependency order, critical path, mode, context."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from swarmkit import ShoutRecipe, index_dir, make_tree

from kimi_code.errors import BackendError, UserInputError
from kimi_code.llm.scripted import ScriptedBackend, Turn
from kimi_code.plan import Plan, plan_recipe
from kimi_code.plan.graph import critical_path, strongly_connected
from kimi_code.plan.instruction import parse_picks, plan_instruction

TREE = {
    "util.js": "function add(a, b) { return a + b; }\n",
    "a.js": "require('./b.js'); require('./util.js'); function fa(x) {}\n",
    "b.js": "require('./a.js'); function fb(y) {}\n",
    "c.js": "require('./a.js'); function fc() {}\n",
    "d.js": "function fd() {}\n",
    "e.js": "require('./c.js'); function fe() {}\n",
}


def plan_for(tmp_path: Path, tree: dict[str, str], **kwargs: object) -> Plan:
    make_tree(tmp_path, tree)
    return plan_recipe(ShoutRecipe(), index_dir(tmp_path), **kwargs)  # type: ignore[arg-type]


def test_cycles_become_one_task_and_edges_point_to_dependencies(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, TREE)
    by_files = {t.files: t for t in plan.tasks}
    cycle = by_files[("a.js", "b.js")]
    util = by_files[("util.js",)]
    c = by_files[("c.js",)]
    assert cycle.depends_on == (util.id,)
    assert c.depends_on == (cycle.id,)
    order = [t.id for t in plan.tasks]
    assert order.index(util.id) < order.index(cycle.id) < order.index(c.id)
    assert plan.mode == "swarm" and len(plan.tasks) == 5


def test_critical_path_follows_the_longest_chain(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, TREE)
    files = [plan.task(t).files for t in plan.critical_path]
    assert files == [("util.js",), ("a.js", "b.js"), ("c.js",), ("e.js",)]
    assert plan.critical_path_steps == 2 + 4 + 2 + 2  # two recipe steps per file
    assert plan.total_steps == 12


def test_context_has_imported_signatures_and_export_usages(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, TREE)
    cycle = next(t for t in plan.tasks if t.files == ("a.js", "b.js"))
    assert "function add(a, b)  [util.js]" in cycle.context.imported_signatures
    assert any(u.startswith("fa at c.js:1 (1, 2)") for u in cycle.context.export_usages)
    assert dict(cycle.context.source_hashes).keys() == {"a.js", "b.js"}


def test_plan_is_deterministic_and_round_trips_json(tmp_path: Path) -> None:
    first = plan_for(tmp_path, TREE)
    second = plan_recipe(ShoutRecipe(), index_dir(tmp_path))  # type: ignore[arg-type]
    assert first == second
    assert Plan.from_json(json.loads(json.dumps(first.to_json()))) == first


def test_a_handful_of_files_runs_as_one_agent(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, {"x.js": "function x() {}\n", "y.js": "function y() {}\n"})
    assert plan.mode == "single" and "2 files" in plan.mode_reason
    assert [t.files for t in plan.tasks] == [("x.js", "y.js")]


def test_scope_limits_the_plan_and_unknown_scope_is_an_error(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, TREE, scope=["d.js"])
    assert plan.files == ("d.js",) and plan.mode == "single"
    with pytest.raises(UserInputError, match="nope.js"):
        plan_recipe(ShoutRecipe(), index_dir(tmp_path), scope=["nope.js"])  # type: ignore[arg-type]


def test_graph_algorithms_handle_deep_chains_without_recursion() -> None:
    chain = {f"n{i:05d}": [f"n{i - 1:05d}"] if i else [] for i in range(5000)}
    comps = strongly_connected(chain)
    assert len(comps) == 5000 and comps[0] == ("n00000",)
    path, weight = critical_path(chain, dict.fromkeys(chain, 1))
    assert weight == 5000 and path[0] == "n00000"


def test_model_plans_free_form_instructions_within_the_index(tmp_path: Path) -> None:
    make_tree(tmp_path, TREE)
    answer = {
        "files": [
            {"path": "util.js", "task": "rename add to sum"},
            {"path": "../etc/passwd", "task": "steal"},
            {"path": "c.js", "task": "update the call"},
        ]
    }
    backend = ScriptedBackend(lambda m: Turn(content=json.dumps(answer)))
    import asyncio

    plan = asyncio.run(plan_instruction(backend, index_dir(tmp_path), "rename add to sum"))  # type: ignore[arg-type]
    assert plan.files == ("c.js", "util.js") and plan.recipe is None
    assert "rename add to sum" in (plan.tasks[0].instruction or "")
    with pytest.raises(BackendError):
        parse_picks("not json", {"a.js"})
