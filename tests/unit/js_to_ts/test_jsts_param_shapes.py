"""Parameter shapes from their uses (`node/casts.js` `tightenCasts`, `shapeParams`), on tsc 5.

A parameter still typed `any` whose uses are member reads gets the object type those reads
need; an options object the function defaults to `{}` (`options = options || {}`) gets them
as optional members.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """export function coerce(text: string, options: any) {
  options = options || {};
  const trimmed = options.trim ? text.trim() : text;
  return options.upper ? trimmed.toUpperCase() : trimmed;
}

export function label(item: any) {
  return item.name ? String(item.name) : String(item.id);
}

export function reset(state: any) {
  state = state || { count: 0 };
  return state.count;
}
"""


def test_an_options_object_defaulted_to_empty_gets_optional_members(tmp_path: Path) -> None:
    result = run_pass("./casts", "tightenCasts", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function coerce(text: string, options: { trim?: unknown; upper?: unknown })" in text
    assert "function label(item: { name: unknown; id: unknown })" in text
    # defaulted to something other than `{}`: not a plain use, the any stays
    assert "function reset(state: any)" in text


WORKER = """type Done = (err: unknown) => void;

export function run(ctx: object, worker: { (arg: unknown, done: Done): void; call?: any; }) {
  worker.call(ctx, 1, (err: unknown) => err);
}

export function keep(o: { call?: any; name: string }) {
  return o.call;
}
"""


def test_a_function_type_drops_the_call_member_inference_wrote(tmp_path: Path) -> None:
    result = run_pass("./types", "narrowAny", str(tmp_path), WORKER)
    text = str(result["text"])
    assert result["errors"] == 0
    # every function has `call`, typed by its own signature
    assert "worker: { (arg: unknown, done: Done): void; }" in text
    # not a function type: an ordinary member, narrowed like any other
    assert "o: { call?: unknown; name: string }" in text


TESTED = """export function pick(
  text: string,
  opts: { depth: number; sep: undefined; name: string },
) {
  if (!opts) return text;
  const depth = typeof opts.depth === 'number' ? opts.depth : 5;
  const sep = opts.sep === undefined ? ',' : String(opts.sep);
  return text.split(sep).slice(0, depth).join(opts.name);
}

export function named(name: string) {
  if (!name) throw new TypeError('a name is required');
  return name.trim();
}
"""


def test_what_a_function_tests_for_absence_is_optional(tmp_path: Path) -> None:
    result = run_pass("./optional", "optionalFromTests", str(tmp_path), TESTED)
    text = str(result["text"])
    assert result["errors"] == 0
    # `name` is read untested: it stays required
    assert "opts?: { depth?: number; sep?: unknown; name: string }" in text
    # a check that throws says the argument must be there
    assert "function named(name: string)" in text


KINDS = """export function h(type: string | ((p: object) => unknown), props: object) {
  if (typeof type === 'function') return type({ ...props });
  return { type, props: props || {} };
}
"""


def test_telling_kinds_apart_does_not_make_a_parameter_optional(tmp_path: Path) -> None:
    result = run_pass("./optional", "optionalFromTests", str(tmp_path), KINDS)
    text = str(result["text"])
    assert "function h(type: string | ((p: object) => unknown), props?: object)" in text
