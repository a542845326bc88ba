"""The real TypeScript compiler on converted code, and the verifier that wraps it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes.js_to_ts import JsToTsRecipe
from kimi_code.recipes.js_to_ts.driver import convert
from kimi_code.recipes.js_to_ts.helper import shutdown_helpers
from kimi_code.recipes.js_to_ts.project import TSCONFIG
from kimi_code.verify.tsc import check_project, parse_tsc_output, type_metrics

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "js_to_ts"


def test_parse_tsc_output_maps_files(tmp_path: Path) -> None:
    out = (
        f"{tmp_path}/src/a.ts(3,7): error TS2322: Type 'string' is not assignable to 'number'.\n"
        "src/b.ts(1,1): error TS7006: Parameter 'x' implicitly has an 'any' type.\n"
        "  continuation line\n"
    )
    found = parse_tsc_output(out, tmp_path)
    assert [(d.file, d.line, d.column, d.code) for d in found] == [
        ("src/a.ts", 3, 7, "TS2322"),
        ("src/b.ts", 1, 1, "TS7006"),
    ]


async def test_tsc_reports_real_errors(tmp_path: Path) -> None:
    (tmp_path / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    (tmp_path / "a.ts").write_text(
        "export function f(x) { return x * 2; }\nconst n: number = 'no';\n"
    )
    result = await check_project(tmp_path)
    assert {d.code for d in result.diagnostics} == {"TS7006", "TS2322"}
    assert (result.fatal, result.compiler) == (None, "typescript")


async def test_native_compiler_answers_only_for_a_clean_recipe_tsconfig(tmp_path: Path) -> None:
    (tmp_path / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    (tmp_path / "a.ts").write_text("export const n: number = 1;\n")
    clean = await check_project(tmp_path)
    assert (clean.errors, clean.compiler) == (0, "typescript7")
    # an error goes to TypeScript 5, the compiler of record (test_tsc_reports_real_errors)
    (tmp_path / "a.ts").write_text("export const n: number = 'one';\n")
    broken = await check_project(tmp_path)
    assert [d.code for d in broken.diagnostics] == ["TS2322"]
    assert broken.compiler == "typescript"


async def test_a_project_tsconfig_is_checked_by_typescript_5(tmp_path: Path) -> None:
    # `baseUrl` and `moduleResolution: node` were removed in 7: its answer would be an error
    options = {"strict": True, "noEmit": True, "moduleResolution": "node", "baseUrl": "."}
    (tmp_path / "tsconfig.json").write_text(json.dumps({"compilerOptions": options}))
    (tmp_path / "a.ts").write_text("export const n: number = 1;\n")
    result = await check_project(tmp_path)
    assert (result.errors, result.compiler) == (0, "typescript"), result


async def test_converted_golden_compiles_under_strict(tmp_path: Path) -> None:
    shutil.copytree(GOLDEN / "cjs_modules" / "before", tmp_path / "p")
    report = await convert(tmp_path / "p", run_tests=False)
    result = await check_project(tmp_path / "p")
    assert result.errors == 0, result.diagnostics
    assert report.verification.metrics["suppressions"] == 0
    metrics = await type_metrics(tmp_path / "p")
    assert metrics["ts_files"] == 3  # the three modules, nothing else
    assert not list((tmp_path / "p").rglob("*.js"))


async def test_verify_refuses_a_worse_result(tmp_path: Path) -> None:
    shutil.copytree(GOLDEN / "jsdoc_types" / "before", tmp_path / "p")
    ws = StagedWorkspace(tmp_path / "p")
    old = ws.read_text("price.js")
    broken = "export const x: number = 'not a number';\n"
    ws.stage(FileChange("price.js", broken, content_hash(old), new_path="price.ts"))
    try:
        verification = await JsToTsRecipe(run_tests=False).verify(ws, None)
    finally:
        await shutdown_helpers()
    assert not verification.ok
    assert verification.errors_before == 0 and verification.errors_after >= 1
    assert "price.ts" in verification.summary


def _tested_project(root: Path) -> StagedWorkspace:
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"scripts": {"test": "node test.js"}}))
    (root / "twice.js").write_text("exports.twice = function (n) { return n * 2; };\n")
    (root / "test.js").write_text(
        "const assert = require('assert');\n"
        "assert.strictEqual(require('./twice').twice(2), 4);\n"
        "console.log('1 passing');\n"
    )
    return StagedWorkspace(root)


async def test_verify_runs_the_tests_on_the_stripped_result(tmp_path: Path) -> None:
    # tsc, the metrics and the test runs go together; the tests run on a copy of their own,
    # so the JavaScript that stripping writes never reaches the compiler's check
    ws = _tested_project(tmp_path / "p")
    old = ws.read_text("twice.js")
    typed = "export function twice(n: number): number { return n * 2; }\n"
    ws.stage(FileChange("twice.js", typed, content_hash(old), new_path="twice.ts"))
    verification = await JsToTsRecipe().verify(ws, None)
    assert verification.ok, verification.summary
    assert verification.errors_after == 0 and verification.metrics["ts_files"] == 1
    assert verification.tests_before is not None and verification.tests_before.ok
    assert verification.tests_after is not None and verification.tests_after.ok
    wrong = "export function twice(n: number): number { return n * 3; }\n"
    ws.stage(FileChange("twice.js", wrong, content_hash(old), new_path="twice.ts"))
    verification = await JsToTsRecipe().verify(ws, None)
    assert not verification.ok and verification.errors_after == 0
    assert verification.tests_after is not None and not verification.tests_after.ok


async def test_verify_without_a_test_command_runs_no_tests(tmp_path: Path) -> None:
    ws = _tested_project(tmp_path / "p")
    (tmp_path / "p" / "package.json").write_text("{}")
    verification = await JsToTsRecipe().verify(ws, None)
    assert verification.ok and verification.tests_before is None
    assert verification.tests_after is None


async def test_a_test_command_that_cannot_run_is_not_run_again(tmp_path: Path) -> None:
    # a program of the test command is not installed (sh exits 127): the original's run says
    # so, the result is not tested again (it could not run there either), and the summary
    # says why the tests were not run
    ws = _tested_project(tmp_path / "p")
    log = tmp_path / "runs.log"
    script = f"echo run >> {log} && kimi-no-such-test-runner test/"
    (tmp_path / "p" / "package.json").write_text(json.dumps({"scripts": {"test": script}}))
    old = ws.read_text("twice.js")
    typed = "export function twice(n: number): number { return n * 2; }\n"
    ws.stage(FileChange("twice.js", typed, content_hash(old), new_path="twice.ts"))
    verification = await JsToTsRecipe().verify(ws, None)
    assert verification.ok, verification.summary
    before = verification.tests_before
    assert before is not None and before.exit_code == 127 and before.could_not_run
    assert verification.tests_after is None
    assert log.read_text() == "run\n"  # the original's run only
    assert f"tests not run: `{script}` exits 127 on the original project" in (verification.summary)


async def test_the_original_is_tested_once_per_run(tmp_path: Path) -> None:
    # the original project's tests start with `prepare` (while the agents work) and serve
    # every verify of the run; the converted result is tested in each verify
    ws = _tested_project(tmp_path / "p")
    log = tmp_path / "runs.log"
    test = (tmp_path / "p" / "test.js").read_text()
    (tmp_path / "p" / "test.js").write_text(
        f"require('fs').appendFileSync({json.dumps(str(log))}, 'run\\n');\n" + test
    )
    recipe = JsToTsRecipe()
    try:
        for change in await recipe.prepare(ws, None):
            ws.stage(change)
        old = ws.read_text("twice.js")
        typed = "export function twice(n: number): number { return n * 2; }\n"
        ws.stage(FileChange("twice.js", typed, content_hash(old), new_path="twice.ts"))
        first = await recipe.verify(ws, None)
        second = await recipe.verify(ws, None)
    finally:
        await recipe.aclose()
    assert first.ok and second.ok, (first.summary, second.summary)
    assert second.tests_before == first.tests_before and first.tests_before is not None
    assert log.read_text().count("run") == 3  # once on the original, once per verify


async def test_closing_stops_the_checks_of_the_original(tmp_path: Path) -> None:
    ws = _tested_project(tmp_path / "p")
    (tmp_path / "p" / "test.js").write_text("setTimeout(() => {}, 60000);\n")
    recipe = JsToTsRecipe()
    await recipe.prepare(ws, None)
    await recipe.aclose()  # the one-minute test run is killed, not waited for
