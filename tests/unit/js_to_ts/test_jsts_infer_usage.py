"""Inference from usage (`node/types.js` `inferEach`), on the TypeScript 5 language service.

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
