"""package.json handling, file selection and the recipe's tools (kimi_code.recipes.cjs_to_esm)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.errors import ConfigError
from kimi_code.recipes.base import Diagnostic, ToolContext
from kimi_code.recipes.cjs_to_esm import CjsToEsmRecipe
from kimi_code.recipes.cjs_to_esm.project import package_changes, select_modules
from kimi_code.recipes.cjs_to_esm.resolve import Resolver


def make(root: Path, files: dict[str, str]) -> StagedWorkspace:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return StagedWorkspace(root)


def changes_of(ws: StagedWorkspace) -> dict[str, dict[str, object]]:
    selected = select_modules(ws.files(), ws.read_text)
    resolver = Resolver(set(ws.files()), ws.read_text)
    return {c.path: json.loads(c.new_text or "") for c in package_changes(ws, selected, resolver)}


def test_select_modules(tmp_path: Path) -> None:
    ws = make(
        tmp_path,
        {
            "a.js": "module.exports = 1;\n",
            "b.cjs": "exports.b = 2;\n",
            "c.mjs": "import b from './b.cjs';\nexport default b;\n",
            "d.mjs": "export const d = 1;\n",
            "script.js": "console.log('no module system');\n",
            "lib/e.js": "const a = require('../a');\n",
            "node_modules/x/index.js": "module.exports = 1;\n",
        },
    )
    assert select_modules(ws.files(), ws.read_text) == ["a.js", "b.cjs", "c.mjs", "lib/e.js"]
    assert select_modules(ws.files(), ws.read_text, ["lib"]) == ["lib/e.js"]


def test_root_manifest_gets_type_and_exports_following_renames(tmp_path: Path) -> None:
    manifest = {"name": "p", "main": "lib/main.cjs", "bin": {"p": "./lib/main.cjs"}}
    ws = make(
        tmp_path,
        {"package.json": json.dumps(manifest, indent=4), "lib/main.cjs": "exports.x = 1;\n"},
    )
    change = changes_of(ws)["package.json"]
    assert list(change) == ["name", "main", "type", "exports", "bin"]
    assert change["main"] == "lib/main.js"
    assert change["bin"] == {"p": "./lib/main.js"}
    assert change["exports"] == {
        ".": "./lib/main.js",
        "./package.json": "./package.json",
        "./*.js": "./*.js",
        "./*.json": "./*.json",
        "./*": "./*.js",
    }
    text = package_changes(ws, ["lib/main.cjs"], Resolver(set(ws.files()), ws.read_text))[
        0
    ].new_text
    assert text is not None and text.startswith('{\n    "name"')


def test_nested_packages_and_existing_exports(tmp_path: Path) -> None:
    ws = make(
        tmp_path,
        {
            "package.json": json.dumps({"main": "index.js", "exports": {"require": "./x.cjs"}}),
            "index.js": "module.exports = require('./x.cjs');\n",
            "x.cjs": "exports.x = 1;\n",
            "sub/package.json": json.dumps({"type": "commonjs"}),
            "sub/s.js": "exports.s = 1;\n",
            "esm/package.json": json.dumps({"type": "module"}),
            "esm/e.js": "export const e = 1;\n",
        },
    )
    changes = changes_of(ws)
    assert changes["package.json"]["exports"] == {"require": "./x.js"}
    assert changes["package.json"]["type"] == "module"
    assert changes["sub/package.json"] == {"type": "module"}
    assert "esm/package.json" not in changes


def test_bad_manifest_is_a_clear_error(tmp_path: Path) -> None:
    ws = make(tmp_path, {"package.json": "{ nope", "a.js": "module.exports = 1;\n"})
    with pytest.raises(ConfigError, match=r"package\.json: not valid JSON"):
        changes_of(ws)


async def test_tools_convert_check_and_describe(tmp_path: Path) -> None:
    ws = make(
        tmp_path,
        {
            "a.js": "const b = require('./b');\nmodule.exports = () => b.value;\n",
            "b.cjs": "exports.value = 42;\n",
            "bad.js": "const c = require('./missing');\n",
        },
    )
    recipe = CjsToEsmRecipe()
    tools = {tool.name: tool for tool in recipe.tools()}
    ctx = ToolContext(ws, None, None, "agent-1", ("a.js", "b.cjs", "bad.js"))

    check = await tools["check_module"].handler(ctx, {"path": "a.js"})
    assert not check.ok
    assert check.data["problems"] == [
        "line 1: CommonJS `require` remains",
        "line 2: CommonJS `module` remains",
    ]
    info = await tools["module_info"].handler(ctx, {"path": "a.js"})
    assert info.data["module_kind"] == "cjs"
    assert info.data["has_default"] is True
    assert info.data["requires"] == [{"specifier": "./b", "kind": "unresolved", "path": None}]

    converted = await tools["convert_module"].handler(ctx, {"path": "b.cjs"})
    assert converted.ok and converted.changes[0].new_path == "b.js"
    ws.stage(converted.changes[0], owner="agent-1")
    after = await tools["check_module"].handler(ctx, {"path": "b.cjs"})  # follows the rename
    assert after.ok and after.data["path"] == "b.js"

    bad = await tools["convert_module"].handler(ctx, {"path": "bad.js"})
    assert not bad.ok and bad.changes == ()
    assert "cannot resolve './missing'" in bad.content


def test_steps_and_fixup_steps() -> None:
    recipe = CjsToEsmRecipe()
    assert recipe.steps(["a.js"]) == [
        ("convert_module", {"path": "a.js"}),
        ("check_module", {"path": "a.js"}),
    ]
    diagnostics = [Diagnostic("b.js", 3, 0, "node-check", "SyntaxError: x")]
    assert recipe.fixup_steps(["a.js", "b.cjs"], diagnostics) == [
        ("convert_module", {"path": "b.cjs"}),
        ("check_module", {"path": "b.cjs"}),
    ]


async def test_verify_flags_files_left_as_commonjs(tmp_path: Path) -> None:
    ws = make(
        tmp_path,
        {
            "package.json": json.dumps({"name": "p", "main": "a.js"}),
            "a.js": "exports.a = 1;\n",
            "b.js": "var require = (f) => f;\nmodule.exports = require(1);\n",
        },
    )
    recipe = CjsToEsmRecipe()
    for change in await recipe.prepare(ws, None):  # type: ignore[arg-type]
        ws.stage(change)
    tools = {tool.name: tool for tool in recipe.tools()}
    ctx = ToolContext(ws, None, None, "agent-1", ("a.js", "b.js"))
    for path in ("a.js", "b.js"):
        result = await tools["convert_module"].handler(ctx, {"path": path})
        for change in result.changes:
            ws.stage(change, owner="agent-1")
    verification = await recipe.verify(ws, None)  # type: ignore[arg-type]
    assert not verification.ok
    assert verification.summary == "1 file(s) still CommonJS"
    assert [(d.file, d.code) for d in verification.diagnostics] == [("b.js", "cjs-leftover")]
    assert verification.tests_before is None and verification.metrics["missing_exports"] == []


async def test_default_import_by_an_es_module_keeps_a_default(tmp_path: Path) -> None:
    ws = make(
        tmp_path,
        {
            "m.js": "exports.a = 1;\n",
            "n.js": "exports.b = 2;\n",
            "e.mjs": "import m from './m.js';\nimport { b } from './n.js';\nexport { m, b };\n",
        },
    )
    recipe = CjsToEsmRecipe()
    await recipe.prepare(ws, None)  # type: ignore[arg-type]
    convert = next(tool for tool in recipe.tools() if tool.name == "convert_module")
    ctx = ToolContext(ws, None, None, "agent-1", ())
    m = await convert.handler(ctx, {"path": "m.js"})
    n = await convert.handler(ctx, {"path": "n.js"})
    assert m.changes[0].new_text == "export const a = 1;\n\nexport default { a };\n"
    assert n.changes[0].new_text == "export const b = 2;\n"


async def test_a_test_command_that_cannot_run_is_run_once(tmp_path: Path) -> None:
    log = tmp_path.parent / f"{tmp_path.name}-runs.log"
    script = f"echo run >> {log} && kimi-no-such-test-runner"
    ws = make(
        tmp_path,
        {
            "package.json": json.dumps({"name": "p", "main": "a.js", "scripts": {"test": script}}),
            "a.js": "exports.a = 1;\n",
        },
    )
    recipe = CjsToEsmRecipe()
    for change in await recipe.prepare(ws, None):  # type: ignore[arg-type]
        ws.stage(change)
    ctx = ToolContext(ws, None, None, "agent-1", ("a.js",))
    tools = {tool.name: tool for tool in recipe.tools()}
    for change in (await tools["convert_module"].handler(ctx, {"path": "a.js"})).changes:
        ws.stage(change, owner="agent-1")
    verification = await recipe.verify(ws, None)  # type: ignore[arg-type]
    assert verification.ok, verification.summary
    assert verification.tests_before is not None and verification.tests_before.could_not_run
    assert verification.tests_after is None and log.read_text() == "run\n"
    assert f"tests not run: `{script}` exits 127" in verification.summary
