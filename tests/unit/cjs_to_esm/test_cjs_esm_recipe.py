"""End-to-end: convert a copy of examples/ with the recipe's own tools and real node."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes.base import ToolContext
from kimi_code.recipes.cjs_to_esm import CjsToEsmRecipe, leftover_commonjs
from kimi_code.recipes.cjs_to_esm.project import select_modules
from kimi_code.recipes.cjs_to_esm.shape import export_shape

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


async def convert_examples(tmp_path: Path) -> tuple[StagedWorkspace, CjsToEsmRecipe, list[str]]:
    """Copy examples/, run prepare and every recipe step sequentially, staging the changes."""
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("node_modules"))
    workspace = StagedWorkspace(root)
    recipe = CjsToEsmRecipe(test_timeout_s=120)
    files = select_modules(workspace.files(), workspace.read_text)
    for change in await recipe.prepare(workspace, None):  # type: ignore[arg-type]
        workspace.stage(change)
    tools = {tool.name: tool for tool in recipe.tools()}
    for name, args in recipe.steps(files):
        ctx = ToolContext(workspace, None, None, "agent-1", tuple(files))
        result = await tools[name].handler(ctx, args)
        assert result.ok, result.content
        for change in result.changes:
            workspace.stage(change, owner="agent-1")
    return workspace, recipe, files


async def node_stdout(cwd: Path, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        "node", *args, cwd=cwd, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return out.decode()


async def test_examples_convert_and_keep_tests_exports_and_behaviour(tmp_path: Path) -> None:
    workspace, recipe, files = await convert_examples(tmp_path)
    assert {"src/index.js", "src/money.js", "src/cli.js", "test/shop.test.js"} <= set(files)
    assert "src/report/summary.js" not in files  # already an ES module

    verification = await recipe.verify(workspace, None)  # type: ignore[arg-type]
    assert verification.ok, verification.summary
    assert verification.tests_before is not None and verification.tests_after is not None
    assert verification.tests_before.passed >= 17
    assert verification.tests_after.passed == verification.tests_before.passed
    assert verification.tests_after.failed == 0
    assert verification.errors_after == 0
    assert verification.metrics["missing_exports"] == []
    assert "quote" in verification.metrics["exports_after"]["named"]

    for change in workspace.changeset().changes:
        if change.path.endswith(".js"):
            assert change.new_text is not None
            assert leftover_commonjs(change.new_text) == [], change.path
            assert export_shape(change.new_text.encode()).kind in ("esm", "none"), change.path
    manifest = json.loads(workspace.read_text("package.json"))
    assert manifest["type"] == "module"
    assert manifest["exports"]["."] == "./src/index.js"

    after = workspace.materialize(tmp_path / "after")
    args = ("src/cli.js", "--json", "--discount", "0.1", "TEA-001:2", "KET-100")
    assert await node_stdout(after, *args) == await node_stdout(workspace.root, *args)
    text = ("src/cli.js", "MUG-010:3")
    assert await node_stdout(after, *text) == await node_stdout(workspace.root, *text)


async def test_verification_catches_a_worse_result(tmp_path: Path) -> None:
    workspace, recipe, _ = await convert_examples(tmp_path)
    clean = await recipe.verify(workspace, None)  # type: ignore[arg-type]
    assert clean.ok, clean.summary
    index_js = workspace.read_text("src/index.js")
    sabotaged = index_js.replace("  quote,\n", "")
    assert sabotaged != index_js
    workspace.stage(FileChange("src/index.js", sabotaged, content_hash(index_js)))
    test_js = workspace.read_text("test/money.test.js")
    broken = test_js + "\nexport {;\n"
    workspace.stage(FileChange("test/money.test.js", broken, content_hash(test_js)))

    verification = await recipe.verify(workspace, None)  # type: ignore[arg-type]
    assert not verification.ok
    assert verification.tests_before is clean.tests_before  # the baseline ran once per run
    assert verification.errors_before == 0
    assert verification.errors_after == 1
    assert verification.diagnostics[0].file == "test/money.test.js"
    assert verification.diagnostics[0].message.startswith("SyntaxError")
    assert verification.tests_after is not None and not verification.tests_after.ok
    assert verification.metrics["missing_exports"] == ["quote"]
    assert "fail `node --check`" in verification.summary
    assert "exports lost: quote" in verification.summary
