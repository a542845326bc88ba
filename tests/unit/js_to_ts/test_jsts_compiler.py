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
    assert result.fatal is None


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
