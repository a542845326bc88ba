"""Fixtures for the cjs_to_esm tests: convert files of an in-memory project."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator

import pytest

from kimi_code.recipes.cjs_to_esm import Conversion, convert_source
from kimi_code.recipes.cjs_to_esm.resolve import Resolver
from kimi_code.recipes.cjs_to_esm.shape import export_shape

Convert = Callable[..., Conversion]

# Parses each argument file as an ES module (no linking, nothing runs); one node for all.
_PARSE_MODULES = """
const vm = require('vm');
const fs = require('fs');
for (const file of process.argv.slice(1)) {
  try {
    new vm.SourceTextModule(fs.readFileSync(file, 'utf8'), { identifier: file });
  } catch (error) {
    console.log(`${file}: ${error.message}`);
    process.exitCode = 1;
  }
}
"""


@pytest.fixture
def convert(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Convert]:
    """`convert(files, path, want_default=False)`: convert `path` of project `files`.

    Every changed result must also parse as an ES module in node (checked at teardown).
    """
    out_dir = tmp_path_factory.mktemp("converted")
    written: list[str] = []

    def run(files: dict[str, str], path: str, *, want_default: bool = False) -> Conversion:
        resolver = Resolver(set(files), files.__getitem__)
        result = convert_source(
            path,
            files[path],
            resolver,
            lambda target: export_shape(files[target].encode("utf-8")),
            want_default=want_default,
        )
        if result.changed:
            out = out_dir / f"{len(written)}-{path.replace('/', '_')}.mjs"
            out.write_text(result.text)
            written.append(str(out))
        return result

    yield run
    if written:
        check = subprocess.run(
            ["node", "--experimental-vm-modules", "-e", _PARSE_MODULES, *written],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, f"not valid ES modules:\n{check.stdout}"
