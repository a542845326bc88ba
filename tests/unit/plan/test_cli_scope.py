"""The root and scope of `kimi-code refactor RECIPE PATH` (`cli/refactor_cmd.scope_of`).

A file or folder inside a project runs on that project, limited to PATH: the project's
package.json (module type, tests) is seen and its tsconfig.json written beside it. The
search for a package.json stays inside the git repository PATH is in.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kimi_code.cli.refactor_cmd import scope_of
from kimi_code.errors import UserInputError


def _project(root: Path, *, git: bool) -> Path:
    (root / "src" / "lib").mkdir(parents=True)
    (root / "package.json").write_text('{"name": "p"}')
    (root / "src" / "lib" / "a.js").write_text("module.exports = 1\n")
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_a_file_or_folder_in_a_repository_runs_on_its_project(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo", git=True)
    assert scope_of(str(root)) == (root, ())
    assert scope_of(str(root / "src")) == (root, ("src",))
    assert scope_of(str(root / "src" / "lib" / "a.js")) == (root, ("src/lib/a.js",))
    # a package of its own inside the repository is a project of its own
    (root / "src" / "lib" / "package.json").write_text('{"name": "lib"}')
    assert scope_of(str(root / "src" / "lib" / "a.js")) == (root / "src" / "lib", ("a.js",))


def test_the_search_stops_at_the_repository_and_needs_one(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "home"}')  # e.g. one in a home folder
    inner = _project(tmp_path / "outer" / "repo", git=True)
    (inner / "package.json").unlink()
    assert scope_of(str(inner / "src")) == (inner / "src", ())
    loose = _project(tmp_path / "loose", git=False)
    (loose / "package.json").unlink()
    assert scope_of(str(loose / "src" / "lib" / "a.js")) == (loose / "src" / "lib", ("a.js",))


def test_a_path_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="no such file or folder"):
        scope_of(str(tmp_path / "nope.js"))
