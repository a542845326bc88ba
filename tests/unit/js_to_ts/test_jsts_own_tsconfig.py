"""A project's own tsconfig.json is the one the JS->TS recipe works under.

The Node helper reads it as the compiler does (comments, `extends`, `paths`), so the types it
tries resolve the modules the project's compiler resolves. A config TypeScript cannot read
stops the run before any file is touched, naming the file, the line and the reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CONFIG = """{
  // the project's own config: an alias for its library folder
  "compilerOptions": {
    "strict": true,
    "module": "node16",
    "target": "ES2022",
    "paths": { "@lib/*": ["./src/lib/*"] },
    "noEmit": true,
  },
  "include": ["src"]
}
"""
GREET = """export function greet(name: string, times: number): string {
  return name.repeat(times)
}
"""
MAIN = """const { greet } = require('@lib/greet')
function shout (who, n) {
  return greet(who, n).toUpperCase()
}
module.exports = { shout }
"""


def _project(root: Path, config: str) -> dict[str, bytes]:
    (root / "src" / "lib").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "aliased", "version": "1.0.0"}))
    (root / "tsconfig.json").write_text(config)
    (root / "src" / "lib" / "greet.ts").write_text(GREET)
    (root / "src" / "main.js").write_text(MAIN)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _refactor(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kimi_code", "refactor", "js-to-ts", str(root), "--yes", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_modules_its_paths_name_are_resolved_and_their_types_used(tmp_path: Path) -> None:
    _project(tmp_path, CONFIG)
    proc = _refactor(tmp_path)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["applied"], report
    assert report["tsc_errors_after"] == 0 and report["any_count"] == 0
    main = (tmp_path / "src" / "main.ts").read_text()
    assert "function shout (who: string, n: number)" in main, main
    assert (tmp_path / "tsconfig.json").read_text() == CONFIG  # respected, not rewritten


def test_a_config_typescript_cannot_read_stops_the_run_before_any_write(tmp_path: Path) -> None:
    broken = CONFIG.replace('"include"', '"include" [')
    before = _project(tmp_path, broken)
    proc = _refactor(tmp_path)
    assert proc.returncode == 2, proc.stderr
    where = f"{tmp_path / 'tsconfig.json'}:10:13: ':' expected."
    assert json.loads(proc.stdout) == {"error": f"ConfigError: {where}", "applied": False}
    assert f"kimi-code: error: {where}" in proc.stderr
    after = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*")
             if p.is_file() and ".kimi" not in p.parts}  # fmt: skip
    assert after == before
