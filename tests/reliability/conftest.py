"""Fixtures for the reliability suite: a small project and a sentinel directory beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .fsutil import write


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A small JavaScript project with an executable script and a nested directory."""
    root = tmp_path / "ws"
    root.mkdir()
    write(root, "src/a.js", "export const a = 1;\n")
    write(root, "src/b.js", "import { a } from './a.js';\nexport const b = a + 1;\n")
    write(root, "src/lib/c.js", "module.exports = 3;\n")
    write(root, "bin/run.sh", "#!/bin/sh\necho run\n", 0o755)
    write(root, "README.md", "# demo\n")
    return root


@pytest.fixture()
def sentinel(tmp_path: Path) -> Path:
    """A directory next to the workspace that nothing may ever change."""
    outside = tmp_path / "outside"
    write(outside, "secret.txt", "do not touch\n")
    write(outside, ".bashrc", "# user's bashrc\n")
    return outside
