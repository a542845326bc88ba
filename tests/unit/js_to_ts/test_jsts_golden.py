"""Golden tests of the JS->TS recipe: each tests/golden/js_to_ts/<case>/before/ is converted
with the sequential driver (real TypeScript, no model) and must equal <case>/after/, pass
strict tsc, and keep the entry module's export shape (types stripped back to JavaScript).

Regenerate with `.venv/bin/pytest tests/unit/js_to_ts --update-golden` and review the diff.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kimi_code.recipes.js_to_ts.driver import convert
from kimi_code.verify.tsc import strip_types

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "js_to_ts"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "before").is_dir())
_IGNORED = {".kimi", "node_modules"}

_SHAPE = """
const m = require(process.argv[1]);
const out = { type: typeof m, keys: {} };
if (m && (typeof m === 'object' || typeof m === 'function'))
  for (const k of Object.keys(m).sort()) out.keys[k] = typeof m[k];
console.log(JSON.stringify(out));
"""


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and not _IGNORED & set(p.relative_to(root).parts)
    }


def _shape(project: Path) -> dict[str, object]:
    main = json.loads((project / "package.json").read_text())["main"]
    out = subprocess.run(
        ["node", "-e", _SHAPE, str(project / main)], capture_output=True, text=True, check=True
    )
    shape: dict[str, object] = json.loads(out.stdout)
    return shape


@pytest.mark.parametrize("case", CASES)
async def test_golden(case: str, tmp_path: Path, update_golden: bool) -> None:
    work = tmp_path / "work"
    shutil.copytree(GOLDEN / case / "before", work)
    report = await convert(work, run_tests=False)
    assert report.verification.errors_after == 0, report.verification.summary
    assert report.applied
    after = GOLDEN / case / "after"
    if update_golden:
        shutil.rmtree(after, ignore_errors=True)
        for rel, text in _tree(work).items():
            (after / rel).parent.mkdir(parents=True, exist_ok=True)
            (after / rel).write_text(text, encoding="utf-8")
    assert _tree(work) == _tree(after)
    esm = json.loads((work / "package.json").read_text()).get("type") == "module"
    if not esm:  # the export shape of the CommonJS entry survives the round trip
        await strip_types(work, esm=False)
        assert _shape(work) == _shape(GOLDEN / case / "before")
