"""Batched trial edits in the Node helper (`node/batch.js`), on the real compiler.

A rejected group is split by what its own diagnostics blame; the result must be what trying
each edit alone would keep, with fewer compiler re-checks than halving would cost.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_node

# `any` -> `unknown` compiles for the `ok*` parameters and fails for the `bad*` ones (their
# bodies read a property or call them).
SOURCE = "\n".join(
    [
        *(f"export function ok{i}(v: any) {{ return String(v); }}" for i in range(6)),
        *(f"export function bad{i}(v: any) {{ return v.length + {i}; }}" for i in range(4)),
        "export function mixed(a: any, b: any) { return [String(a), b()]; }",
        "",
    ]
)

SCRIPT = r"""
const ts = require('typescript');
const { Project } = require('./project');
const { bisectApply } = require('./batch');
const [root, source] = process.argv.slice(1);
const p = new Project(root);
p.update({ 'a.ts': source });
let checks = 0;
const semantic = p.service.getSemanticDiagnostics;
p.service.getSemanticDiagnostics = (f) => { checks++; return semantic(f); };
const sf = ts.createSourceFile('a.ts', source, ts.ScriptTarget.Latest, true);
const edits = [];
(function visit(n) {
  if (n.kind === ts.SyntaxKind.AnyKeyword) {
    edits.push({ start: n.getStart(sf), end: n.getEnd(), text: 'unknown' });
  }
  ts.forEachChild(n, visit);
})(sf);
const kept = bisectApply(p, 'a.ts', edits, (now, before) => now <= before);
const errors = p.errorCount('a.ts');
process.stdout.write(JSON.stringify({ kept, checks, errors, text: p.text('a.ts') }));
"""


def _run(tmp_path: Path) -> dict[str, object]:
    return run_node(SCRIPT, str(tmp_path), SOURCE)


def test_blamed_edits_are_left_out_and_the_rest_kept(tmp_path: Path) -> None:
    result = _run(tmp_path)
    text = str(result["text"])
    assert result["errors"] == 0
    for i in range(6):
        assert f"ok{i}(v: unknown)" in text
    for i in range(4):
        assert f"bad{i}(v: any)" in text
    assert "mixed(a: unknown, b: any)" in text
    assert result["kept"] == 7
    # halving these 13 edits (5 failing) takes 14 re-checks; blame takes 7
    assert isinstance(result["checks"], int) and result["checks"] <= 8


NARROW = r"""
const { Project } = require('./project');
const { narrowAny } = require('./types');
const [root, source] = process.argv.slice(1);
const p = new Project(root);
p.update({ 'a.ts': source });
const changed = narrowAny(p, 'a.ts');
process.stdout.write(JSON.stringify({ changed, text: p.text('a.ts') }));
"""

WRITES = """export function f(box: { n: number }, v: any, w: string) {
  ;(box.n as any) = w;
  return String(v as any);
}
"""


def test_a_cast_on_what_is_written_stays_any(tmp_path: Path) -> None:
    # `(x as unknown) = v` would compile, but it hides the same unchecked write as `as any`
    result = run_node(NARROW, str(tmp_path), WRITES)
    text = str(result["text"])
    assert "(box.n as any) = w" in text
    assert "v: unknown" in text and "String(v as unknown)" in text


# The new errors of a rejected group name `options.b`, `limit` (read from `options.c`) and
# `options.e`: the compiler resolves each to the member of the one parameter type that the
# edit there declared, where the parameter, the function and the line hold all eight edits.
OPTIONS = """export function configure(
  options: { a: any; b: any; c: any; d: any; e: any; f: any; g: any; h: any },
) {
  const limit = options.c;
  const parts = [String(options.a), options.d, String(options.f), options.g, options.h];
  parts.push(options.b.length);
  parts.push(limit + 1);
  return parts.concat(options.e.x);
}
"""


def test_an_error_is_blamed_on_the_declaration_the_compiler_resolves(tmp_path: Path) -> None:
    result = run_node(SCRIPT, str(tmp_path), OPTIONS)
    text = str(result["text"])
    assert result["errors"] == 0
    members = "a: unknown; b: any; c: any; d: unknown; e: any; f: unknown; g: unknown; h: unknown"
    assert "{ " + members + " }" in text
    assert result["kept"] == 5
    # all eight, then the five not blamed, then each of the three blamed again alone; halving
    # the eight (the errors are in the function all the edits are in) takes more
    assert isinstance(result["checks"], int) and result["checks"] <= 6


# Edits placed by where `any` stands in the text: in code, in comments, and in literals (a string,
# a template and a regular expression, where `//` and `/*` do not open a comment).
IN_TEXT = r"""
const { Project } = require('./project');
const { bisectApply } = require('./batch');
const [root, source] = process.argv.slice(1);
const p = new Project(root);
p.update({ 'a.ts': source });
const edits = [];
for (const m of source.matchAll(/\bany\b/g)) {
  edits.push({ start: m.index, end: m.index + 3, text: 'unknown' });
}
const kept = bisectApply(p, 'a.ts', edits, (now, before) => now <= before);
process.stdout.write(JSON.stringify({ kept, text: p.text('a.ts') }));
"""

COMMENTED = """// keep any comment as written
export function f(v: any /* any, or none */) {
  const url = 'http://any'; const re = /\\/\\/any/; const t = `//${String(v as any)} any`;
  /**
   * any
   */
  return [url, re, t]; // any
}
"""


def test_an_edit_inside_a_comment_or_a_literal_is_never_applied(tmp_path: Path) -> None:
    # a comment compiles whatever it says, a string whatever it holds: an edit there (placed by
    # positions of an older text) would pass every trial and corrupt the file
    result = run_node(IN_TEXT, str(tmp_path), COMMENTED)
    text = str(result["text"])
    assert "// keep any comment as written" in text
    assert "/* any, or none */" in text and "   * any\n" in text and "// any\n" in text
    assert "'http://any'" in text and "/\\/\\/any/" in text and "} any`" in text
    # code between them is edited, inside a template's `${}` too
    assert "f(v: unknown /*" in text and "String(v as unknown)" in text
    assert result["kept"] == 2


KEY_PATH = """export function first(v: any) {
  return String(v);
}

/** @type {(obj: object, ps: PropertyKey[]) => unknown} */
export function get(obj: object, ps: any[]) {
  let node: any = obj;
  for (let i = 0; i < ps.length; i++) node = node[ps[i]];
  return node;
}
"""


def test_a_key_path_element_is_placed_after_the_edits_kept_before_it(tmp_path: Path) -> None:
    # `v: unknown` is kept first (four characters longer); the key path's element, which
    # `unknown` does not fit, is then written where it stands now, not where it stood before
    result = run_node(NARROW, str(tmp_path), KEY_PATH)
    text = str(result["text"])
    assert "first(v: unknown)" in text and "get(obj: object, ps: PropertyKey[])" in text
    assert "/** @type {(obj: object, ps: PropertyKey[]) => unknown} */" in text


GROUPED = r"""
const { Project } = require('./project');
const { bisectApply } = require('./batch');
const [root, source] = process.argv.slice(1);
const p = new Project(root);
p.update({ 'a.ts': source });
const at = [...source.matchAll(/\bany\b/g)].map((m) => ({ start: m.index, end: m.index + 3 }));
const group = (...edits) => {
  const g = edits.map((e) => ({ ...e, text: 'unknown' }));
  return [{ start: g[0].start, end: g[g.length - 1].end, group: g }];
};
// at[0]: `v: any`, at[1]: in the comment after it, at[2]: `v as any`
const mixed = bisectApply(p, 'a.ts', group(at[1], at[2]), () => true);
const code = bisectApply(p, 'a.ts', group(at[0]), () => true);
process.stdout.write(JSON.stringify({ mixed, code, text: p.text('a.ts') }));
"""


def test_a_group_with_an_edit_inside_a_comment_is_never_applied(tmp_path: Path) -> None:
    source = COMMENTED.replace("// keep any comment as written\n", "")
    result = run_node(GROUPED, str(tmp_path), source)
    text = str(result["text"])
    assert result["mixed"] == 0 and "/* any, or none */" in text and "String(v as any)" in text
    assert result["code"] == 1 and "f(v: unknown /*" in text
