"""Trial checks by the native TypeScript 7 compiler (`node/native.js`), against TypeScript 5.

The helper's passes ask for a file's errors after every trial edit; the native compiler must
answer what the TypeScript 5 language service answers for the same in-memory project (codes,
positions in UTF-16, messages with their chains), follow edits, added and deleted files, never
read the workspace's files on disk in place of the staged ones, and hand over to TypeScript 5
when its child process dies. The child reads a copy of the staged files under `.kimi/check/`,
removed when the helper closes; where none can be made, it reads them through callbacks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from jstsnode import run_node

from kimi_code.recipes.js_to_ts.helper import NODE_DIR

SCRIPT = r"""
const ts = require('typescript');
const native = require('./native');
const { Project } = require('./project');
const [root, kill] = process.argv.slice(1);
native.load().then(() => {
  const p = new Project(root);
  const out = { native: !!p.native, steps: [] };
  const step = (label) => out.steps.push({ label, diagnostics: p.diagnostics('a.ts').map((d) =>
    [d.code, d.start, d.length, ts.flattenDiagnosticMessageText(d.messageText, '\n')]) });
  p.update({
    // a comment outside the BMP before the errors: positions are UTF-16 offsets
    'a.ts': [
      '// héllo ✓ 😀',
      "import { b } from './b';",
      "import { d } from './d';",
      'const n: number = b;',
      'const q = { x: 1 };',
      'const r: { x: string } = q;',
      'export { n, r, d };',
      '',
    ].join('\n'),
    'b.ts': "export const b = 'b';\n",
  });
  step('first');
  if (kill) p.native.api.client.channel.child.kill('SIGKILL');
  p.setText('b.ts', 'export const b = 1;\n');
  step('importee changed');
  p.update({ 'c.ts': "import { n } from './a';\nexport const c: string = n;\n" });
  step('file added');
  out.added = p.diagnostics('c.ts').map((d) => [d.code, d.start]);
  p.update({ 'b.ts': null });
  step('importee deleted');
  out.nativeAtEnd = !!p.native;
  p.close();
  process.stdout.write(JSON.stringify(out));
});
"""


def _run(root: Path, *, checker: str | None = None, kill: bool = False) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "KIMI_JSTS_CHECKER"}
    if checker:
        env["KIMI_JSTS_CHECKER"] = checker
    return run_node(SCRIPT, str(root), "kill" if kill else "", env=env)


def _on_disk(root: Path) -> None:
    # what the workspace holds on disk, which the staged (in-memory) files replace or hide
    root.mkdir()
    (root / "b.ts").write_text("export const b = 2;\n")
    (root / "d.js").write_text("exports.d = 1;\n")


def test_the_native_compiler_answers_as_typescript_5_does(tmp_path: Path) -> None:
    _on_disk(tmp_path / "ws")
    native = _run(tmp_path / "ws")
    reference = _run(tmp_path / "ws", checker="ts5")
    assert (native["native"], reference["native"]) == (True, False)
    assert native["steps"] == reference["steps"]
    assert native["added"] == reference["added"] == [[2322, 38]]
    first = native["steps"][0]["diagnostics"]  # type: ignore[index]
    codes = [(code, start) for code, start, _, _ in first]
    # `./d` is only on disk (not staged): not found; `./b` is the staged text, not the disk's
    assert codes == [(2307, 57), (2322, 70), (2322, 111)]
    assert first[2][3].splitlines()[1].strip() == "Types of property 'x' are incompatible."


def test_a_workspace_folder_that_exists_only_in_memory(tmp_path: Path) -> None:
    # directories come from disk unless the project has one that is not there
    native = _run(tmp_path / "missing")
    assert native["steps"] == _run(tmp_path / "missing", checker="ts5")["steps"]


def test_typescript_5_takes_over_when_the_native_child_dies(tmp_path: Path) -> None:
    _on_disk(tmp_path / "ws")
    after_kill = _run(tmp_path / "ws", kill=True)
    assert after_kill["nativeAtEnd"] is False
    assert after_kill["steps"] == _run(tmp_path / "ws", checker="ts5")["steps"]


COPY = r"""
const native = require('./native');
const { Project } = require('./project');
const fs = require('fs');
const path = require('path');
const [root, files, checked] = process.argv.slice(1);
native.load().then(() => {
  const p = new Project(root);
  p.update(JSON.parse(files));
  const codes = (f) => p.diagnostics(f).map((d) => d.code);
  const errors = Object.fromEntries(JSON.parse(checked).map((f) => [f, codes(f)]));
  const shadow = p.native && p.native.shadow;
  const base = path.join(root, '.kimi', 'check');
  const during = shadow ? fs.readdirSync(base) : [];
  const { execSync } = require('child_process');
  const git = fs.existsSync(path.join(root, '.git'));
  const status = git ? execSync('git status --porcelain', { cwd: root }).toString() : null;
  const first = JSON.parse(checked)[0];
  const copied = shadow ? fs.readFileSync(path.join(shadow.dir, first), 'utf8') : null;
  p.close();
  const after = fs.existsSync(base);
  process.stdout.write(JSON.stringify({ errors, copy: !!shadow, during, copied, after, status }));
});
"""

# src/a.ts reads its own folder's node_modules, the root's, and a file only staged
NESTED = {
    "src/a.ts": (
        "import { inner } from 'inner';\n"
        "import { outer } from 'outer';\n"
        "import { b } from './b';\n"
        "export const s: string = inner + outer + b;\n"
        "export const n: number = inner;\n"
    ),
    "src/b.ts": "export const b = 'b';\n",
}


def _copy_run(root: Path, files: dict[str, str], checked: list[str], **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k != "KIMI_JSTS_CHECKER"} | env
    return run_node(COPY, str(root), json.dumps(files), json.dumps(checked), env=environ)


def _nested_packages(root: Path) -> None:
    for folder, name in ((root / "src", "inner"), (root, "outer")):
        package = folder / "node_modules" / name
        package.mkdir(parents=True)
        (package / "package.json").write_text(json.dumps({"name": name, "types": "index.d.ts"}))
        (package / "index.d.ts").write_text(f"export declare const {name}: string;\n")


def test_the_native_compiler_reads_a_copy_that_goes_when_the_helper_closes(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    _nested_packages(root)
    (root / "src" / "b.ts").write_text("export const b = 2;\n")  # the staged text hides it
    (root / ".gitignore").write_text("node_modules/\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=root, check=True)
    out = _copy_run(root, NESTED, ["src/a.ts"])
    reference = _copy_run(root, NESTED, ["src/a.ts"], KIMI_JSTS_CHECKER="ts5")
    assert out["copy"] is True and reference["copy"] is False
    assert out["errors"] == reference["errors"] == {"src/a.ts": [2322]}
    assert out["copied"] == NESTED["src/a.ts"]
    assert out["status"] == ""  # while the copy is there, git sees a clean tree
    assert len(out["during"]) == 1 and out["during"][0].split("-")[0].isdigit()
    # the copy is gone, and nothing of the workspace was written; git ignores `.kimi/`
    assert out["after"] is False
    assert (root / ".kimi" / ".gitignore").read_text() == "*\n"
    assert (root / "src" / "b.ts").read_text() == "export const b = 2;\n"
    assert not (root / "src" / "a.ts").exists()


def test_callbacks_answer_where_no_copy_can_be_made(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    _nested_packages(root)
    (root / ".kimi").write_text("a file where the state folder would be\n")
    out = _copy_run(root, NESTED, ["src/a.ts"])
    assert out["copy"] is False
    assert out["errors"] == {"src/a.ts": [2322]}


def test_copies_left_by_a_killed_helper_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    gone = subprocess.Popen(["true"])  # a process that has exited: its pid is free
    gone.wait()
    left = root / ".kimi" / "check" / f"{gone.pid}-1"
    running = root / ".kimi" / "check" / f"{os.getpid()}-1"
    for folder in (left, running):
        folder.mkdir(parents=True)
        (folder / "x.ts").write_text("export const x = 1;\n")
    out = _copy_run(root, {"a.ts": "export const a: number = 1;\n"}, ["a.ts"])
    assert out["errors"] == {"a.ts": []}
    assert not left.exists()
    assert running.exists()  # another helper's, still running


CHECKED = r"""
const native = require('./native');
const { Project } = require('./project');
const { lastResort } = require('./last_resort');
const [root] = process.argv.slice(1);
native.load().then(() => {
  const p = new Project(root);
  p.update(FILES);
  const runs = [];
  // a pass: one edit (`from` -> `to`, or a comment at the end), kept by whichever compiler
  // answers (their counts before and after)
  const pass = (rel, from, to) => () => {
    const before = p.errorCount(rel), text = p.text(rel);
    p.setText(rel, from ? text.replace(from, to) : text + '// edited\n');
    runs.push({ rel, native: !!p.native, before, after: p.errorCount(rel) });
    return { text: p.text(rel), errors: p.errorCount(rel) };
  };
  const out = {};
  for (const [key, rel, from, to, repair] of PASSES) {
    const r = p.checked(rel, pass(rel, from, to), repair ? () => lastResort(p, rel) : null);
    out[key] = { errors: r.errors, same: r.text === p.text(rel) };
  }
  out.texts = Object.fromEntries(Object.keys(FILES).map((f) => [f, p.text(f)]));
  out.runs = runs;
  p.close();
  process.stdout.write(JSON.stringify(out));
});
"""

# evolving arrays: TypeScript 5 reports four errors here, the native compiler (7.0) none
DIFFER = """export function help(d: any, c: any): string {
  var desc = [];
  if (d) {
    desc = [d, ''];
    desc.push('x');
  }
  var cmds = [];
  if (c) cmds = [c];
  return ['u'].concat(desc).concat(cmds).join('\\n');
}
"""

# and two errors both report
SHARED = "export const one: number = 'one';\nexport const two: number = 'two';\n"


def _checked(tmp_path: Path, files: dict[str, str], passes: list[list[object]]) -> dict:
    script = CHECKED.replace("FILES", json.dumps(files)).replace("PASSES", json.dumps(passes))
    return run_node(script, str(tmp_path))


def test_a_pass_runs_again_on_typescript_5_where_the_compilers_differ(tmp_path: Path) -> None:
    files = {"agree.ts": "export const n: number = 'one';\n", "differ.ts": DIFFER}
    order = [("agree", "agree.ts"), ("differ", "differ.ts")]
    order += [("again", "differ.ts"), ("more", "differ.ts")]
    out = _checked(tmp_path, files, [[k, f, None, None, False] for k, f in order])
    # the native compiler sees differ.ts clean, TypeScript 5 does not: the pass runs again,
    # from the same text, on TypeScript 5; the second time that happens to the file,
    # TypeScript 5 answers every pass over it from then on
    assert out["runs"] == [
        {"rel": "agree.ts", "native": True, "before": 1, "after": 1},
        {"rel": "differ.ts", "native": True, "before": 0, "after": 0},
        {"rel": "differ.ts", "native": False, "before": 4, "after": 4},
        {"rel": "differ.ts", "native": True, "before": 0, "after": 0},
        {"rel": "differ.ts", "native": False, "before": 4, "after": 4},
        {"rel": "differ.ts", "native": False, "before": 4, "after": 4},
    ]
    assert [out[k]["errors"] for k in ("agree", "differ", "again", "more")] == [1, 4, 4, 4]
    assert out["texts"]["differ.ts"] == DIFFER + "// edited\n" * 3


def test_a_pass_stands_where_the_compilers_differ_as_they_did_before(tmp_path: Path) -> None:
    # four errors only TypeScript 5 sees and two both see: a pass that removes one of the two
    # moves both counts alike, and its native result stands; one that makes the file clean
    # for the native compiler does not (TypeScript 5 would still see four errors)
    files = {"a.ts": SHARED + DIFFER}
    out = _checked(
        tmp_path,
        files,
        [["fix one", "a.ts", "'one'", "1", False], ["fix two", "a.ts", "'two'", "2", False]],
    )
    assert out["runs"] == [
        {"rel": "a.ts", "native": True, "before": 2, "after": 1},
        {"rel": "a.ts", "native": True, "before": 1, "after": 0},
        {"rel": "a.ts", "native": False, "before": 5, "after": 4},
    ]
    assert (out["fix one"]["errors"], out["fix two"]["errors"]) == (5, 4)
    assert out["texts"]["a.ts"] == SHARED.replace("'one'", "1").replace("'two'", "2") + DIFFER


def test_the_last_resort_repairs_what_only_typescript_5_sees(tmp_path: Path) -> None:
    # a pass that may suppress errors (finalize) leaves the file clean for the native compiler
    # only: the last resort, on TypeScript 5, removes the four errors it alone sees, and the
    # pass is not run again
    out = _checked(tmp_path, {"a.ts": DIFFER}, [["final", "a.ts", None, None, True]])
    assert out["runs"] == [{"rel": "a.ts", "native": True, "before": 0, "after": 0}]
    assert out["final"] == {"errors": 0, "same": True}
    assert out["texts"]["a.ts"] not in (DIFFER, DIFFER + "// edited\n")


def test_the_helper_keeps_no_edit_typescript_5_refuses(tmp_path: Path) -> None:
    # through the helper's own protocol: `try_edits` (the model's types) keeps an edit only
    # where TypeScript 5 accepts it too. Dropping the annotations turns DIFFER's arrays into
    # evolving ones: no error for the native compiler, four for TypeScript 5.
    typed = DIFFER.replace("var desc = [];", "var desc: string[] = [];").replace(
        "var cmds = [];", "var cmds: string[] = [];"
    )
    at = typed.index(": string[] = [];")
    edits = [{"start": at, "end": at + len(": string[]"), "text": ""}]
    requests = [
        {"id": 1, "op": "open", "root": str(tmp_path), "files": {"a.ts": typed}},
        {"id": 2, "op": "try_edits", "path": "a.ts", "edits": edits},
    ]
    node = shutil.which("node")
    assert node is not None
    out = subprocess.run(
        [node, str(NODE_DIR / "server.js")],
        input="".join(json.dumps(r) + "\n" for r in requests),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.splitlines()
    result = json.loads(out[1])["result"]
    assert (result["kept"], result["errors"], result["text"]) == (0, 0, typed)
