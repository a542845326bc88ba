"""`kimi-code index PATH [--json]` as a user runs it."""

from __future__ import annotations

import json

import pytest
from index_helpers import MakeWorkspace

from kimi_code.cli.main import main


def test_json_summary(make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_workspace(
        {
            "src/a.js": "const b = require('./b');\nconst x = require('./nope');\n",
            "src/b.js": "import fs from 'node:fs';\nexport function b( {\n",
            "node_modules/x/index.js": "",
        }
    )
    assert main(["index", str(root), "--json", "--no-cache"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["files"] == 2
    assert summary["imports"] == 3
    assert summary["resolved_imports"] == 1
    assert summary["external_imports"] == 1
    assert summary["unresolved_imports"] == 1
    assert summary["unresolved"][0]["specifier"] == "./nope"
    assert summary["skipped"] == 1 and "node_modules" in summary["skipped_paths"]
    assert summary["errors"] == 1 and summary["error_files"] == ["src/b.js"]
    assert summary["symbols"] >= 2 and summary["seconds"] >= 0


def test_human_summary(make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_workspace({"a.ts": "export const a = 1;\n", "dist/x.js": ""})
    assert main(["index", str(root), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "typescript" in out and "dist: build output" in out


def test_bad_paths_are_clear_errors(
    make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_workspace({"a.js": ""})
    assert main(["index", str(root / "missing")]) == 2
    assert "missing: no such directory" in capsys.readouterr().err
    assert main(["index", str(root / "a.js")]) == 2
    assert "a.js: not a directory" in capsys.readouterr().err
    assert main(["index", str(root), "--jobs", "0"]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_empty_workspace_says_no_source_files(
    make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_workspace({})
    assert main(["index", str(root)]) == 0
    assert "no source files" in capsys.readouterr().out
    (root / "notes.txt").write_text("hello\n")
    (root / "node_modules").mkdir()
    assert main(["index", str(root), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["files"] == 0
    assert "no source files" in captured.err and "1 path(s) skipped" in captured.err
    assert not (root / ".kimi").exists()


def test_python_only_workspace_says_no_javascript(
    make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_workspace({"tool.py": "def main():\n    pass\n"})
    assert main(["index", str(root), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "python" in out and "no JavaScript or TypeScript files" in out
