"""Member shapes in the Node helper (`node/members.js`), on the real compiler.

A value cast to `any` for member access gets a declared shape and loses its casts (and the
suppressions the shape makes unused), only where neither its file nor the files importing it
get more errors.
"""

from __future__ import annotations

import json
from pathlib import Path

from jstsnode import run_node

SCRIPT = r"""
const { Project } = require('./project');
const { memberShapes } = require('./members');
const [root, files, rel] = process.argv.slice(1);
const p = new Project(root);
p.update(JSON.parse(files));
const kept = memberShapes(p, rel);
const errors = {};
for (const f of Object.keys(JSON.parse(files))) errors[f] = p.errorCount(f);
process.stdout.write(JSON.stringify({ kept, errors, text: p.text(rel) }));
"""


def _run(tmp_path: Path, files: dict[str, str], rel: str) -> dict[str, object]:
    return run_node(SCRIPT, str(tmp_path), json.dumps(files), rel)


HOOKS = """export function make() {
  const hooks = {};
  const api = {
    on(f: unknown) { ;(hooks as any).done = f; },
    name: 'api',
  };
  function run() {
    // @ts-expect-error -- TS2339: Property 'done' does not exist on type '{}'.
    if ((hooks as any).done) hooks.done.call(api, 1);
  }
  return { api, run };
}
"""


def test_cast_object_gets_a_shape_and_its_callback_setter_a_function_type(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, {"a.ts": HOOKS}, "a.ts")
    text = str(result["text"])
    assert result["kept"] == 1
    assert result["errors"] == {"a.ts": 0}
    assert "const hooks: { done?: (...args: unknown[]) => unknown } = {};" in text
    assert "on(f: (...args: unknown[]) => unknown) { hooks.done = f; }" in text
    assert "as any" not in text
    assert "@ts-expect-error" not in text  # the shape made it unused


LIB = """export function isLoose(o: unknown) {
  return !!(o as any).loose || !!(o as any).strict;
}
"""
USER = """import { isLoose } from './lib.js';
export const check = (v: unknown) => isLoose(v);
"""


def test_no_shape_that_breaks_an_importing_file(tmp_path: Path) -> None:
    # `o: { loose?: unknown; strict?: unknown }` compiles in lib.ts, but user.ts passes an
    # `unknown` to it: the candidate is refused and the file stays as it was.
    result = _run(tmp_path, {"lib.ts": LIB, "user.ts": USER}, "lib.ts")
    assert result["kept"] == 0
    assert result["text"] == LIB
    assert result["errors"] == {"lib.ts": 0, "user.ts": 0}


def test_a_private_parameter_gets_optional_members(tmp_path: Path) -> None:
    source = (
        LIB.replace("export function", "function") + "export const v = isLoose({ loose: 1 });\n"
    )
    result = _run(tmp_path, {"lib.ts": source}, "lib.ts")
    text = str(result["text"])
    assert result["kept"] == 1
    assert result["errors"] == {"lib.ts": 0}
    assert "function isLoose(o: { loose?: unknown; strict?: unknown })" in text
    assert "return !!o.loose || !!o.strict;" in text


OPTIONS = """export function toRange(min: number, max: number, options?: any) {
  let opts = { relaxZeros: true, ...options };
  if (typeof opts.strictZeros === 'boolean') {
    opts.relaxZeros = opts.strictZeros === false;
  }
  const relax = String(opts.relaxZeros);
  if (opts.capture) return `(${min}|${max})`;
  return opts.wrap === false ? relax : `(?:${relax})`;
}
"""


def test_options_spread_into_a_local_get_the_members_read_there(tmp_path: Path) -> None:
    # `options` is only ever read through its copy `opts`: what `opts` is read and written
    # for is what the caller's options may hold
    result = _run(tmp_path, {"a.ts": OPTIONS}, "a.ts")
    text = str(result["text"])
    assert result["kept"] == 1 and result["errors"] == {"a.ts": 0}
    assert "options?: {\n  strictZeros?: unknown;\n  relaxZeros?: unknown;\n" in text
    assert "  capture?: unknown;\n  wrap?: unknown;\n})" in text
    assert "any" not in text


def test_options_passed_on_where_a_shape_would_not_fit_keep_their_type(tmp_path: Path) -> None:
    # the copy's members as the type of `options`, passed on to a function that takes other
    # options, have no member in common with them (TS2559): the candidate is refused
    source = (
        OPTIONS.replace("  const relax", "  isWindows(options);\n  const relax")
        + "function isWindows(o?: { windows?: unknown }) { return !!o && !!o.windows; }\n"
    )
    result = _run(tmp_path, {"a.ts": source}, "a.ts")
    assert result["kept"] == 0 and result["errors"] == {"a.ts": 0}
    assert result["text"] == source
