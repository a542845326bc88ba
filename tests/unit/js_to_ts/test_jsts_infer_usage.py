"""Inference from usage (`node/types.js` `inferEach`, `emptyObjectDefaults`), on TypeScript 5.

TypeScript's `inferFromUsage` fix for one parameter's implicit `any` types every parameter of
its function at once; the pass asks once per function, not once per parameter, and keeps what
the answer for each parameter would have been.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_node

SCRIPT = r"""
const { Project } = require('./project');
const { inferTypes } = require('./types');
const [root, source] = process.argv.slice(1);
require('./native').load().then(() => {
  const p = new Project(root);
  p.update({ 'a.ts': source });
  const ask = p.service.getCodeFixesAtPosition, asked = [];
  p.service.getCodeFixesAtPosition = (f, start, end, codes, ...rest) => {
    asked.push(codes[0]);
    return ask.call(p.service, f, start, end, codes, ...rest);
  };
  const applied = inferTypes(p, 'a.ts', 1);
  const errors = p.errorCount('a.ts');
  p.close();
  process.stdout.write(JSON.stringify({ applied, asked, errors, text: p.text('a.ts') }));
});
"""

SOURCE = """export function pad(text, width, fill) {
  return text.padStart(width * 2, fill.trim());
}

export function sum(first, ...rest) {
  return rest.reduce((a, b) => a + b, first * 1);
}

pad('a', 3, ' ');
sum(1, 2, 3);
"""


def test_one_inference_per_function_types_every_parameter(tmp_path: Path) -> None:
    out = run_node(SCRIPT, str(tmp_path), SOURCE)
    text = str(out["text"])
    assert "export function pad(text: string, width: number, fill: string) {" in text
    assert "export function sum(first: number, ...rest: number[]) {" in text
    assert out["errors"] == 0
    # five parameters, two functions: TS7006 for `pad`'s, TS7006 and TS7019 for `sum`'s
    assert out["asked"] == [7006, 7006]


DEFAULTS = """export function create(name, options = {}, extra = {}) {
  if (!(options.maxSize && options.maxSize > 0)) throw new TypeError('maxSize');
  const label = options.label || name.toUpperCase();
  if (typeof options.onEvict === 'function') options.onEvict(label, options.maxSize);
  return { label, stale: options.stale === true, extra };
}

/** @param {object} [opts] the options */
export function documented(opts = {}) {
  return opts;
}

create('a');
"""


def test_a_parameter_defaulting_to_an_empty_object_gets_the_members_read(tmp_path: Path) -> None:
    # `options = {}` is typed `{}` by TypeScript, so every member read was an error (and a
    # cast later); inference from usage types it as without the default, members optional
    out = run_node(SCRIPT, str(tmp_path), DEFAULTS)
    text = str(out["text"])
    assert (
        "export function create(name: string, options: { maxSize?: number; label?: string; "
        "onEvict?: (arg0: any, arg1: any) => void; stale?: boolean; } = {}, extra = {}) {"
    ) in text  # `extra` is only passed on: nothing read of it to type it by
    assert "export function documented(opts: object = {}) {" in text  # its JSDoc's type first
    assert "emptyObjectDefaults" in out["applied"]  # type: ignore[operator]
    assert out["errors"] == 0
