"""What the walk indexes and what it skips, with reasons."""

from __future__ import annotations

import os
from pathlib import Path

from index_helpers import MakeWorkspace

from kimi_code.index import build_index


def test_gitignore_build_output_node_modules_and_binaries(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(
        {
            ".gitignore": "*.log.js\ngenerated/\n!generated/keep.js\n",
            "src/app.js": "export const a = 1;\n",
            "src/debug.log.js": "x;\n",
            "generated/out.js": "x;\n",
            "node_modules/lib/index.js": "module.exports = 1;\n",
            "dist/bundle.js": "x;\n",
            "pkg/.gitignore": "local.js\n",
            "pkg/local.js": "x;\n",
            "pkg/kept.js": "x;\n",
            "assets/logo.png": b"\x89PNG\r\n\x1a\n\0\0",
            "src/blob.js": b"var a = 1;\0\0\0binary",
            "data.json": "{}",
            "packages/ui/package.json": "{}",
            "packages/ui/dist/ui.js": "x;\n",
            "tools/build/make.js": "export function make() {}\n",
        }
    )
    index = build_index(root, cache=False)
    assert sorted(index.files) == ["pkg/kept.js", "src/app.js", "tools/build/make.js"]
    assert index.skipped["packages/ui/dist"] == "build output"
    assert index.skipped["src/debug.log.js"] == "gitignored"
    assert index.skipped["generated"] == "gitignored"
    assert index.skipped["pkg/local.js"] == "gitignored"
    assert index.skipped["node_modules"].startswith("node_modules")
    assert index.skipped["dist"] == "build output"
    assert index.skipped["assets/logo.png"] == "binary"
    assert index.skipped["src/blob.js"] == "binary"
    assert "data.json" not in index.skipped  # not source, but importable


def test_files_over_the_size_limit_are_skipped(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"big.js": "x = 1;\n" * 300, "small.js": "y = 2;\n"})
    index = build_index(root, cache=False, max_bytes=1000)
    assert list(index.files) == ["small.js"]
    assert index.skipped["big.js"] == "too large (2100 bytes > 1000)"


def test_symlinks_outside_the_workspace_are_not_followed(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.js").write_text("export const secret = 1;\n")
    (outside / "dir" / "other.js").write_text("export const other = 1;\n")
    root = make_workspace({"src/real.js": "export const real = 1;\n"})
    os.symlink(outside / "secret.js", root / "src" / "secret.js")
    os.symlink(outside / "dir", root / "linked")
    os.symlink(root / "src" / "real.js", root / "src" / "alias.js")
    os.symlink(root / "missing.js", root / "dangling.js")
    index = build_index(root, cache=False)
    assert sorted(index.files) == ["src/alias.js", "src/real.js"]
    assert index.skipped["src/secret.js"] == "symlink outside workspace (not followed)"
    assert index.skipped["linked"] == "symlink outside workspace (not followed)"
    assert index.skipped["dangling.js"] == "broken symlink"
    assert not any("secret" in s.name for f in index.files.values() for s in f.symbols)


def test_a_file_with_syntax_errors_is_indexed_and_flagged(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(
        {
            "good.js": "export function good() {}\n",
            "bad.js": "export function fine(a) { return a }\nconst = = ;\nfunction (\n",
        }
    )
    index = build_index(root, cache=False)
    assert index.files["bad.js"].has_errors
    assert not index.files["good.js"].has_errors
    assert [s.name for s in index.files["bad.js"].symbols if s.kind == "function"] == ["fine"]
