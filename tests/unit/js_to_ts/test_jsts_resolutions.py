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


VERSIONS = r"""
const { Project } = require('./project');
const p = new Project(process.argv[1]);
const A = 'export const n: number = 1;\n', B = 'export const n: string = 1;\n';
p.update({ 'a.ts': A, 'b.ts': 'export const m = 2;\n' });
const first = p.program(), checker = first.getTypeChecker();
const vA = p.files.get(p.abs('a.ts')).version;
p.setText('a.ts', B); // a trial...
const trial = p.program();
const errors = p.service.getSemanticDiagnostics(p.abs('a.ts')).map((d) => d.code);
p.setText('a.ts', A); // ...undone: the text the program before it had
const undone = p.program();
const vUndone = p.files.get(p.abs('a.ts')).version;
const kept = undone === trial ? 'trial' : undone.getSourceFile(p.abs('a.ts')).text === A;
// the same text again while nothing else changed: the service keeps that program and checker
p.setText('a.ts', B); p.setText('a.ts', A);
const again = p.program();
// a deleted file added back with another text gets a version of its own
p.update({ 'a.ts': null }); p.update({ 'a.ts': B });
const vBack = p.files.get(p.abs('a.ts')).version;
process.stdout.write(JSON.stringify({
  errors, sameVersion: vUndone === vA, kept,
  reused: again === undone && again.getTypeChecker() === undone.getTypeChecker(),
  fresh: vBack > vUndone, firstChecker: checker === first.getTypeChecker(),
}));
"""


def test_a_text_undone_keeps_its_version_and_the_program(tmp_path: Path) -> None:
    # a trial edit undone gives the file back the version its text had: the language service
    # then keeps the program (and checker) it has for that text instead of building another
    result = run_node(VERSIONS, str(tmp_path))
    assert result["errors"] == [2322]  # the trial was checked as itself
    assert result["sameVersion"] is True
    assert result["kept"] is True  # the program after the undo reads the undone text
    assert result["reused"] is True
    assert result["fresh"] is True and result["firstChecker"] is True


STATES = r"""
const { Project } = require('./project');
const p = new Project(process.argv[1]);
let checks = 0;
const checkFile = p.checkFile.bind(p);
p.checkFile = (f) => { checks++; return checkFile(f); };
const codes = (rel) => p.diagnostics(rel).map((d) => d.code);
const A = 'export const n: number = 1;\n', B = 'export const n: string = "1";\n';
p.update({ 'a.ts': A, 'b.ts': "import { n } from './a';\nexport const m: number = n;\n" });
const out = { first: codes('b.ts') };
p.setText('a.ts', B); // a trial edit of what b.ts imports...
out.trial = codes('b.ts');
p.setText('a.ts', A); // ...undone: b.ts is in a state it was checked in
const before = checks;
out.undone = codes('b.ts');
p.setText('a.ts', B); // the same trial again
out.again = codes('b.ts');
out.memoChecks = checks - before;
// a file deleted and added back with its old text is a new state (its version is new)
p.update({ 'a.ts': null }); p.update({ 'a.ts': B });
out.back = codes('b.ts');
out.backChecks = checks - before;
process.stdout.write(JSON.stringify(out));
"""


def test_a_state_of_the_project_seen_before_is_not_checked_again(tmp_path: Path) -> None:
    # trials restore earlier texts of the files a file imports too: in a state of the whole
    # project it was checked in before, a file's diagnostics are those found then
    result = run_node(STATES, str(tmp_path))
    assert result["first"] == result["undone"] == []
    assert result["trial"] == result["again"] == [2322]  # b.ts sees what a.ts has now
    assert result["memoChecks"] == 0
    assert result["back"] == [2322] and result["backChecks"] == 1
