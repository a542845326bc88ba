"""Index the bundled example project (examples/) end to end and check its import graph."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kimi_code.index import WorkspaceIndex, build_index

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/ (the index writes its cache inside the workspace)."""
    if not (EXAMPLES / "package.json").is_file():
        pytest.fail("examples/ is missing: the example project is part of the product")
    root = tmp_path_factory.mktemp("examples") / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("node_modules", ".kimi"))
    return root


@pytest.fixture(scope="module")
def index(workspace: Path) -> WorkspaceIndex:
    return build_index(workspace)


def test_every_relative_import_resolves(index: WorkspaceIndex) -> None:
    relative = 0
    for path, file in index.files.items():
        assert not file.has_errors, path
        for imp in file.imports:
            assert imp.unresolved_reason is None, (path, imp.specifier, imp.unresolved_reason)
            if imp.specifier.startswith("."):
                relative += 1
                assert imp.resolved is not None, (path, imp.specifier)
                assert (index.root / imp.resolved).is_file()
            else:
                assert imp.external or imp.resolved is not None, (path, imp.specifier)
    assert relative >= 5


def test_the_project_mixes_module_kinds_and_has_jsx(index: WorkspaceIndex) -> None:
    kinds = {file.module_kind for file in index.files.values()}
    assert {"cjs", "esm"} <= kinds or "mixed" in kinds
    assert any(file.language == "jsx" for file in index.files.values())
    assert any(s.jsdoc for file in index.files.values() for s in file.symbols)
    assert any(s.kind == "class" for file in index.files.values() for s in file.symbols)


def test_dependents_are_the_inverse_of_dependencies(index: WorkspaceIndex) -> None:
    edges = {(src, dst) for src in index.files for dst in index.dependencies(src)}
    assert edges
    inverse = {
        (src, dst) for dst in index.files for src in index.dependents(dst) if src in index.files
    }
    assert {(s, d) for s, d in edges if d in index.files} == inverse


def test_exported_functions_have_call_sites_with_arguments(index: WorkspaceIndex) -> None:
    calls = 0
    for path, file in index.files.items():
        for export in file.exports:
            for ref in index.references(path, export.name):
                assert ref.file != path and path in index.dependencies(ref.file)
                text = (index.root / ref.file).read_bytes()
                used = text[ref.span.start_byte : ref.span.end_byte].decode()
                assert used.split(".")[-1] == export.name or export.name == "default"
                if ref.is_call:
                    calls += 1
                    for arg in ref.call_args:
                        assert arg.encode() in text[ref.span.end_byte :]
    assert calls >= 5


def test_cli_json_on_the_examples(workspace: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kimi_code", "index", str(workspace), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    summary = json.loads(result.stdout)
    assert summary["files"] >= 10
    assert summary["unresolved_imports"] == 0
    assert summary["resolved_imports"] >= 5
    assert summary["errors"] == 0
