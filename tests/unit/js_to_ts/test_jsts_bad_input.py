"""Files the JS->TS recipe cannot convert are left as they are, each with its reason.

A file that is not UTF-8 text, or that TypeScript's parser cannot read as JavaScript, stays
JavaScript and is reported failed, naming why; the other files are converted. When no file
can be converted, nothing is written: not even the tsconfig.json the run would add. Converted
code may import a file left as JavaScript (or outside the run's scope): the tsconfig.json the
run writes then lets TypeScript read the JavaScript it imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kimi_code.recipes.js_to_ts.driver import convert

GOOD = {
    "util.js": "module.exports = function double (n) { return n * 2 }\n",
    "main.js": "const double = require('./util')\nmodule.exports = (x) => double(x) + 1\n",
}
BROKEN = b"function f( {\n  return 1\n"
LATIN = "// caf\xe9\nmodule.exports = 1\n".encode("latin-1")


def _tree(root: Path, *, good: bool = True) -> dict[str, bytes]:
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"name": "mixed", "main": "main.js"}))
    for name, text in GOOD.items() if good else ():
        (root / name).write_text(text)
    (root / "broken.js").write_bytes(BROKEN)
    (root / "latin.js").write_bytes(LATIN)
    return {p.name: p.read_bytes() for p in root.iterdir()}


def _refactor(root: Path) -> tuple[int, dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "kimi_code", "refactor", "js-to-ts", str(root), "--yes", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.stdout, proc.stderr[-2000:]
    return proc.returncode, json.loads(proc.stdout)


def test_the_files_that_parse_are_converted_and_the_others_left_with_their_reason(
    tmp_path: Path,
) -> None:
    root = tmp_path / "p"
    before = _tree(root)
    code, report = _refactor(root)
    assert code == 0 and report["applied"], report
    per_file = {f["path"]: f for f in report["per_file"]}  # type: ignore[attr-defined]
    assert per_file["util.js"]["status"] == per_file["main.js"]["status"] == "converted"
    broken, latin = per_file["broken.js"], per_file["latin.js"]
    assert broken["status"] == latin["status"] == "failed"
    assert (
        broken["reason"]
        == "left as JavaScript: does not parse as JavaScript (line 2: ':' expected)"
    )
    assert latin["reason"].startswith("left as JavaScript: not valid UTF-8")
    assert report["converted"] == 2 and report["failed"] == 2
    assert (root / "main.ts").is_file() and (root / "util.ts").is_file()
    assert (root / "broken.js").read_bytes() == before["broken.js"]
    assert (root / "latin.js").read_bytes() == before["latin.js"]


def test_nothing_is_written_when_no_file_can_be_converted(tmp_path: Path) -> None:
    root = tmp_path / "p"
    before = _tree(root, good=False)
    code, report = _refactor(root)
    assert code == 1 and not report["applied"]
    assert str(report["reason"]).startswith("no file was converted: broken.js: left as JavaScript")
    assert {p.name: p.read_bytes() for p in root.iterdir() if p.name != ".kimi"} == before


async def test_the_sequential_driver_reports_them_too(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _tree(root)
    report = await convert(root, run_tests=False)
    assert report.applied, report.verification.summary
    failed = dict(report.failed)
    assert set(failed) == {"broken.js", "latin.js"}
    assert "does not parse as JavaScript (line 2" in failed["broken.js"]
    assert (root / "main.ts").is_file() and (root / "broken.js").is_file()


def test_a_converted_file_may_import_one_left_as_javascript(tmp_path: Path) -> None:
    # TypeScript reads the file that is not UTF-8 (its bad byte as U+FFFD), and so does the
    # helper: the importer gets the module's real type, not a suppression of a missing module
    root = tmp_path / "p"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"name": "latin", "main": "main.js"}))
    (root / "main.js").write_text("const n = require('./latin')\nmodule.exports = n + 1\n")
    (root / "latin.js").write_bytes(LATIN)
    code, report = _refactor(root)
    assert code == 0 and report["applied"], report
    assert report["any_count"] == report["suppressions"] == 0
    assert (root / "main.ts").read_text() == "import n = require('./latin');\nexport = n + 1;\n"
    config = json.loads((root / "tsconfig.json").read_text())
    # JavaScript read where the code imports it, not checked, and no other file taken in
    assert config["compilerOptions"]["allowJs"] is True
    assert config["compilerOptions"]["checkJs"] is False
    assert config["include"] == ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"]
    assert (root / "latin.js").read_bytes() == LATIN


def test_a_file_outside_the_scope_stays_javascript_and_may_be_imported(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "scoped"}))
    (root / "src" / "util.js").write_text(GOOD["util.js"])
    (root / "src" / "main.js").write_text(GOOD["main.js"])
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "js"]):
        subprocess.run([*git, *args], check=True)
    main = str(root / "src" / "main.js")  # the run's scope: util.js stays JavaScript
    proc = subprocess.run(
        [sys.executable, "-m", "kimi_code", "refactor", "js-to-ts", main, "--yes", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["applied"], report
    assert report["files"] == 1
    assert (root / "src" / "main.ts").is_file() and (root / "src" / "util.js").is_file()
    # the project is the package.json's folder: its tsconfig.json goes there
    assert "allowJs" in (root / "tsconfig.json").read_text()
    assert not (root / "src" / "tsconfig.json").exists()
