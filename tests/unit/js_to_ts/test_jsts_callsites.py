"""Types from call sites (`node/callsites.js` `typesFromCallSites`), on tsc 5.

A parameter still `any` gets the union of what its callers pass, a union of unions written
flat; the `any` members of a parameter's type literal get the callers' members of that name.
A parameter the code calls, typed with the call signatures inference from usage wrote, gets
the function type its callers pass, where that type names what the function takes. A
function passed by name to a callee (`ranges.map(withIndex)`) gets the types the callee's own
signature gives its parameters.
"""

from __future__ import annotations

import json
from pathlib import Path

from jstsnode import run_node, run_pass

SOURCE = """function width(w: any) {
  return String(w).length;
}

function limit(o: { max: any; name: string; }) {
  return o.name.length < o.max;
}

export function use(a: string | number, n: number) {
  limit({ max: n, name: 'x' });
  return width(a) + width(n);
}
"""


def test_call_sites_type_parameters_and_members(tmp_path: Path) -> None:
    result = run_pass("./callsites", "typesFromCallSites", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function width(w: string | number)" in text
    assert "function limit(o: { max: number; name: string; })" in text
    assert result["result"] == 2


CALLBACKS = """const preserve = (
  input: string,
  lower: { (s: any): unknown; (arg0: any): unknown; },
) => (lower(input) === input ? input : lower(input.slice(1)));

const each = (items: string[], visit: { (item: any): unknown; }) => items.map((i) => visit(i));

export function camel(input: string, upper: boolean) {
  const lower = upper ? (s: string) => s.toUpperCase() : (s: string) => s.toLowerCase();
  each([input], (x: unknown) => x);
  return preserve(input, lower);
}
"""


def test_a_called_parameter_gets_the_function_type_its_callers_pass(tmp_path: Path) -> None:
    result = run_pass("./callsites", "typesFromCallSites", str(tmp_path), CALLBACKS)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "  lower: (s: string) => string,\n) =>" in text
    # a function that takes `unknown` would make every caller's function take anything
    assert "visit: { (item: any): unknown; }" in text


PASSED = """type Range = { start: number; end: number };

function withIndex(range: { start: any; end: any; }, index: any) {
  return { start: range.start, end: range.end, index: index };
}

function twice(n: any) {
  return n * 2;
}

function listen(handler: any) {
  return String(handler);
}

type Bus = { on(name: string, f: (...args: any[]) => void): void };

export function ordered(ranges: Range[], bus: Bus) {
  bus.on('tick', listen);
  listen(1);
  const all = ranges.map(withIndex).sort((a, b) => a.start - b.start || a.index - b.index);
  return [all, [1, 2].map(twice), twice(3)];
}
"""


def test_a_function_passed_by_name_gets_the_types_its_callee_gives(tmp_path: Path) -> None:
    result = run_pass("./callsites", "typesFromCallSites", str(tmp_path), PASSED)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function withIndex(range: Range, index: number)" in text
    # passed to `map` and called with a number: both say `number`
    assert "function twice(n: number)" in text
    # a callee that passes anything (`...args: any[]`) says nothing, whatever the calls pass
    assert "function listen(handler: any)" in text


ACROSS = r"""
const { Project } = require('./project');
const { typesFromCallSites } = require('./callsites');
const [root, files] = process.argv.slice(1);
require('./native').load().then(() => {
  const p = new Project(root);
  p.update(JSON.parse(files));
  const result = typesFromCallSites(p, 'lib/a.ts');
  const errors = p.errorCount('lib/a.ts');
  p.close();
  process.stdout.write(JSON.stringify({ result, errors, text: p.text('lib/a.ts') }));
});
"""

FILES = {
    "lib/a.ts": "export function width(w: any) {\n  return String(w).length;\n}\n",
    # a re-export, and a caller that reaches `width` only through it
    "lib/index.ts": "export { width } from './a';\n",
    "main.ts": "import { width } from './lib';\nexport const n = width(new Date());\n",
    # a module that does not import lib/a.ts (its own `width` is another function)
    "other.ts": "function width(w: number) { return w; }\nexport const m = width(3);\n",
}


def test_calls_reach_a_function_through_re_exports(tmp_path: Path) -> None:
    # only the files that import lib/a.ts, directly or through others, are read for calls
    result = run_node(ACROSS, str(tmp_path), json.dumps(FILES))
    text = str(result["text"])
    assert result["errors"] == 0
    assert "export function width(w: Date)" in text
