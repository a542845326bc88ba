"""Module resolutions kept from one TypeScript 5 program to the next (`node/project.js`).

A kept resolution must follow the files: a file renamed from JavaScript to TypeScript is
found under its new name, and a module that did not exist is found once it is added.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_node

SCRIPT = r"""
const { Project } = require('./project');
const p = new Project(process.argv[1]);
const errors = () => p.service.getSemanticDiagnostics(p.abs('a.ts')).map((d) => d.code);
p.update({
  'package.json': '{"name": "t"}',
  'a.ts': "import { b } from './b';\nimport { c } from './c';\nexport const n: number = b + c;\n",
  'b.js': "exports.b = 'text';\n",
});
const before = errors();
p.update({ 'b.js': null, 'b.ts': 'export const b = 1;\n' });
const renamed = errors();
p.update({ 'c.ts': 'export const c = 2;\n' });
const added = errors();
const kept = [...p.resolutions.modules.keys()].filter((k) => k.startsWith(p.abs('a.ts'))).length;
process.stdout.write(JSON.stringify({ before, renamed, added, kept }));
"""


def test_a_kept_resolution_follows_renamed_and_added_files(tmp_path: Path) -> None:
    result = run_node(SCRIPT, str(tmp_path))
    # './c' is missing (TS2307) and `b` is the JavaScript's string (TS2322)
    assert sorted(result["before"]) == [2307, 2322]  # type: ignore[arg-type]
    assert result["renamed"] == [2307]  # b.ts found: a number
    assert result["added"] == []  # c.ts found where the lookup had failed
    assert result["kept"] == 2  # what a.ts resolves is kept, not resolved by every program
