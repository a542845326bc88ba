"""End to end: the JS->TS recipe converts a copy of examples/ and its own tests still pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kimi_code.recipes.js_to_ts.driver import convert
from kimi_code.verify.tests import run_tests
from kimi_code.verify.tsc import check_project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.e2e
@pytest.mark.slow
async def test_examples_convert_compile_and_pass_their_tests(tmp_path: Path) -> None:
    work = tmp_path / "examples"
    shutil.copytree(EXAMPLES, work, ignore=shutil.ignore_patterns("node_modules", ".kimi"))
    before = await run_tests(work)
    report = await convert(work)
    v = report.verification
    assert v.ok, v.summary
    assert report.applied
    assert v.errors_after == 0
    assert before is not None and v.tests_after is not None
    assert v.tests_after.ok and v.tests_after.passed == before.passed
    assert not [p for p in (work / "src").rglob("*") if p.suffix in (".js", ".jsx", ".mjs", ".cjs")]
    assert (await check_project(work)).errors == 0
