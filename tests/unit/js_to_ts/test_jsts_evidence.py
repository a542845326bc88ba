"""Types from what the code assigns and from how values are used (`node/evidence.js`), on tsc 5.

A class property or variable still annotated `any` or `unknown` after the other passes gets the
union of what the code assigns it, when every value's type can be written and the compiler
agrees. An `any` whose telling uses all agree gets that type, and so does a member typed
`unknown` whose uses type tests guard.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """const table: RegExp[] = [/^(<|>)?(.*)$/];
declare const loose: any;

export class Rule {
  declare op: any;
  declare limit: any;
  declare raw: any;
  declare tags: unknown;
  constructor(text: string) {
    const m = text.match(table[0]);
    this.op = m && m[1] !== undefined ? m[1] : '';
    this.limit = null;
    this.raw = loose;
    this.tags = text ? text.split(',') : [];
  }

  reset() {
    this.op = '';
    this.limit = 10;
    const later = function (this: { op: number }) { this.op = 1; };
    return later;
  }
}

export function count(items: string[]) {
  let longest: any = 0;
  for (const item of items) if (item.length > longest) longest = item.length;
  let total: any = 0;
  for (const item of items) total = total + item.length;
  let seen: any = [];
  return [longest, total, seen];
}
"""


def test_assigned_values_type_what_is_still_any(tmp_path: Path) -> None:
    result = run_pass("./evidence", "typeFromAssignments", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    # `this.op = 1` in a nested ordinary function is another `this`: not counted
    assert "declare op: string;" in text
    assert "declare limit: null | number;" in text or "declare limit: number | null;" in text
    assert "let longest: number = 0;" in text
    # both branches of a conditional are values; the empty array is one of the other arrays
    assert "declare tags: string[];" in text
    # a value typed any says nothing (`total + n` is any while total is); nor an empty array
    assert "declare raw: any;" in text
    assert "let total: any = 0;" in text
    assert "let seen: any = [];" in text
    assert result["result"] == 4


RESET = """export class Queue {
  #size: any;
  #head: any;
  count: any;
  later: any;
  constructor() {
    this.clear();
    if (Math.random() > 2) this.arm();
  }

  clear() {
    this.#size = 0;
    this.#head = this.count = 0;
  }

  arm() {
    this.later = 'armed';
  }

  push() {
    this.#size++;
    this.count += this.#head;
    return this.later.length;
  }
}
"""


def test_a_field_a_method_of_the_constructor_sets_is_definitely_assigned(tmp_path: Path) -> None:
    """`this.clear()` in the constructor sets them: typed, with `!` (TS2564 asks an initializer)."""
    result = run_pass("./evidence", "typeFromAssignments", str(tmp_path), RESET)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "#size!: number;" in text
    assert "#head!: number;" in text
    assert "count!: number;" in text
    # set only under a condition: no `!`, and `string` alone is refused (TS2564)
    assert "later: any;" in text


USED = """export function has(obj: any, key: string) {
  return key in obj;
}

export function both(obj: any, key: string) {
  return key in obj && obj.length > 1;
}

export function digits(numerals: any[]) {
  return (value: string) => value.replace(/[0-9]/g, (i) => numerals[+i]);
}

export function label(x: any): string {
  return x;
}
"""


def test_the_right_operand_of_in_is_an_object(tmp_path: Path) -> None:
    result = run_pass("./evidence", "typeFromEvidence", str(tmp_path), USED)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function has(obj: object, key: string)" in text
    # `obj.length` is not on `object`: the compiler refuses it, and the any stays
    assert "function both(obj: any, key: string)" in text
    assert result["result"] == 3


def test_what_a_value_is_returned_as_types_it(tmp_path: Path) -> None:
    result = run_pass("./evidence", "typeFromEvidence", str(tmp_path), USED)
    text = str(result["text"])
    # a replacer returns a string: so is an element of the array it reads
    assert "function digits(numerals: string[])" in text
    assert "function label(x: string): string" in text


ITERATED = """export function count(values: any, valueof?: (v: unknown, i: number) => unknown) {
  let n = 0, i = -1;
  for (const value of values) if ((valueof ? valueof(value, ++i) : value) != null) ++n;
  return n;
}

export function copy(values: any) {
  return [...values];
}

export function first(values: any) {
  for (const v of values) return v;
  return values[0];
}
"""


def test_what_for_of_and_spread_go_through_is_iterable(tmp_path: Path) -> None:
    result = run_pass("./evidence", "typeFromEvidence", str(tmp_path), ITERATED)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function count(values: Iterable<unknown>, valueof?" in text
    assert "function copy(values: Iterable<unknown>)" in text
    # `values[0]` is not on an iterable: the compiler refuses it, and the any stays
    assert "function first(values: any)" in text


GUARDED = """export function limit(options: { max?: unknown; name?: unknown }) {
  if (options.max && (typeof options.max !== 'number' || options.max < 0)) throw new Error('max');
  return options.max || Infinity;
}

export function pad(width: unknown, text: string) {
  return typeof width === 'number' ? text.padStart(width) : text;
}
"""


def test_an_unknown_whose_guarded_uses_agree_gets_their_type(tmp_path: Path) -> None:
    result = run_pass("./evidence", "typeFromEvidence", str(tmp_path), GUARDED)
    text = str(result["text"])
    assert result["errors"] == 0
    # a type test guards `options.max < 0`: the value is meant to be a number
    assert "options: { max?: number; name?: unknown }" in text
    # a parameter may take anything its other branch handles: it stays unknown
    assert "function pad(width: unknown, text: string)" in text


ALIASED = """export function lab(xyz: any[]) {
  let x = xyz[0];
  const y = xyz[1];
  x /= 95.047;
  return [x > 0.008856 ? x : 7.787 * x, 116 * y - 16];
}

export function label(parts: any[]) {
  const head = parts[0];
  return head.trim();
}
"""


def test_an_element_is_typed_by_the_uses_of_the_variable_it_initializes(
    tmp_path: Path,
) -> None:
    result = run_pass("./evidence", "typeFromEvidence", str(tmp_path), ALIASED)
    text = str(result["text"])
    assert result["errors"] == 0
    # `x /= 95.047` and `116 * y` say what `xyz[0]` and `xyz[1]` are
    assert "function lab(xyz: number[])" in text
    # `.trim()` on the alias: only strings have it
    assert "function label(parts: string[])" in text


ASSIGNED_ALIAS = """export function normalize(args: Array<any>) {
  const out: string[] = [];
  var arg;
  for (var i = 0; i < args.length; ++i) {
    arg = args[i];
    if (/^--/.test(arg)) out.push(arg);
  }
  return out;
}
"""


def test_an_element_assigned_to_a_variable_is_typed_by_its_uses(tmp_path: Path) -> None:
    # JSDoc's `{Array}` gives `Array<any>`; `arg = args[i]` and `/^--/.test(arg)` type it
    result = run_pass("./evidence", "typeFromEvidence", str(tmp_path), ASSIGNED_ALIAS)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function normalize(args: Array<string>)" in text


INDEXED = """export function byMessage(codes: { [x: string]: any; }) {
  const map: Record<string, number> = {};
  Object.keys(codes).forEach(function (code) {
    var message = codes[code];
    map[message.toLowerCase()] = Number(code);
  });
  return map;
}
"""


def test_the_values_of_a_record_parameter_are_typed_by_their_uses(tmp_path: Path) -> None:
    result = run_pass("./evidence", "typeFromEvidence", str(tmp_path), INDEXED)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function byMessage(codes: { [x: string]: string; })" in text


CALLBACK = """export function names(args: Array<any>) {
  const out: string[] = [];
  args.forEach(function (arg) {
    if (arg.startsWith('<')) out.push(arg);
  });
  return out;
}
"""


def test_the_element_parameter_of_an_iteration_callback_types_the_elements(
    tmp_path: Path,
) -> None:
    result = run_pass("./evidence", "typeFromEvidence", str(tmp_path), CALLBACK)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function names(args: Array<string>)" in text
