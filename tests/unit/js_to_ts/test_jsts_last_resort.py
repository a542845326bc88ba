"""The last resort (`node/last_resort.js`) on errors a real edit removes, on tsc 5.

Before a cast or a suppression: a declared return type that refuses a value the function
returns is widened by that value's type (JSDoc's `@returns {Array}` on a function that also
returns `-1`), or replaced by it when the function returns nothing else (`@return {Array}` on
a function that returns an object), and a regular expression TypeScript's regex checking
refuses but JavaScript runs goes through `new RegExp(source, flags)`. A recursive function
whose return type TypeScript cannot infer gets the type its other returns have. An arrow
function's bare parameter gets the parentheses its type needs. A rest parameter typed with a
union keeps its array part. Legacy idioms (a constructor called without `new`, a loop's `var`
declared again, `arguments`, a JSDoc type naming a value, defaults a spread overwrites, a
default function called with more arguments, operands numeric operators convert, a destructured
parameter typed `unknown`) get edits too. A variable given a value of another type is declared
with both. Where nothing narrower passes, `any` comes before a suppression.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = r"""/** @returns {Array} */
export function parse(header: string): unknown[] {
  if (!header) return -1
  return header.split(',')
}

export const escape = (str: string) => str.replace(/\1/g, '\\.')
"""


def test_errors_a_real_edit_removes_get_no_suppression(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "@ts-expect-error" not in text and " as any" not in text
    assert "export function parse(header: string): unknown[] | number {" in text
    assert """str.replace(new RegExp("\\\\1", 'g'), '\\\\.')""" in text


RECURSIVE = """function wrap(s: string) { return '{' + s + '}' }

export function expand(str: string, top?: boolean) {
  const out = []
  if (!str) return [str]
  let n = expand(str.slice(1), false).map(wrap)
  for (let i = 0; i < n.length; i++) out.push(n[i] + str[0])
  return top ? out.filter(Boolean) : out
}
"""


def test_a_recursive_function_gets_the_type_its_other_returns_have(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), RECURSIVE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "export function expand(str: string, top?: boolean): string[] {" in text
    assert "@ts-expect-error" not in text


BARE = """export function run(list: string[]) {
  const seen: unknown[] = []
  const push = tok => { seen.push(tok) }
  list.forEach((x) => push(x))
  const pair = (a, b) => [a, b]
  pair(1, 2)
  return async v => v
}
"""


def test_a_bare_arrow_parameter_is_typed_inside_parentheses(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), BARE)
    text = str(result["text"])
    assert result["errors"] == 0 and "@ts-expect-error" not in text
    assert "const push = (tok: unknown) => {" in text
    assert "return async (v: unknown) => v" in text
    assert "const pair = (a: unknown, b: unknown) =>" in text  # parentheses there already


WRONG_RETURN = """/** @return {Array} */
export function parseOptions(argv: string[]): unknown[] {
  const args: string[] = []
  for (const a of argv) args.push(a)
  return { args: args, rest: argv.length }
}

export const count = parseOptions([]).args.length
"""


def test_a_wrong_declared_return_type_gives_way_to_the_only_value_returned(
    tmp_path: Path,
) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), WRONG_RETURN)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "@ts-expect-error" not in text and " as any" not in text
    declared = "{ args: string[]; rest: number; }"
    assert f"export function parseOptions(argv: string[]): {declared} {{" in text


REST = """export function splice(start: number, ...nodes: string | number[]) {
  return nodes.slice(start)
}
"""


def test_a_rest_parameter_keeps_the_array_part_of_its_type(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), REST)
    text = str(result["text"])
    assert result["errors"] == 0 and "@ts-expect-error" not in text
    assert "export function splice(start: number, ...nodes: number[]) {" in text


LEGACY = """import { mkdir } from 'fs';

export function f(min: string | number, max: string | number, o: Record<string, unknown>) {
  let a = Math.min(min, max);
  for (var i in o) a += 1;
  for (var i = 0; i < 3; i++) a += i;
  const buf = Buffer(4);
  return a + buf.length;
}

export function g(o: Record<string, unknown>) {
  for (var i in o) o[i] = 1;
  for (var i = 0; i < 3; i++) setTimeout(() => i);
}

function extend() { return arguments.length; }
export const n = extend(1, 2, 3);

export function make(path: string, opts: { mkdir: mkdir }) {
  opts.mkdir(path, () => {});
}

function number(x: unknown) { return x === null ? NaN : Number(x); }

export function hue(h: unknown, g: number, b: number, a: unknown) {
  return +h + (g < b) * 6 + (b + (g <= b)) + a * 255;
}

export function keys(pairs: [string, number][]) {
  return pairs.map(([k]: unknown) => k);
}

export function pick(values: unknown[], valueof = number) {
  return valueof(values[0], 0, values);
}

export const camel = (input: string, options: { pascalCase: unknown; locale?: string }) => {
  options = { pascalCase: false, ...options };
  return options.pascalCase ? input : input.toLowerCase();
};
"""


def test_legacy_javascript_idioms_get_edits_not_suppressions(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), LEGACY)
    text = str(result["text"])
    assert result["errors"] == 0 and " as any" not in text
    # TypeScript reports the first argument only: both get the assertion at once
    assert "let a = Math.min((min as number), (max as number));" in text
    # a loop's own `var` declared again with another type: the loop's `let`, first
    assert "  for (let i = 0; i < 3; i++) a += i;" in text
    # a function-style constructor called without `new`
    made = "(Buffer as unknown as (...args: unknown[]) => InstanceType<typeof Buffer>)(4)"
    assert f"const buf = {made};" in text
    # a function reading `arguments` takes what it reads
    assert "function extend(...args: unknown[]) {" in text
    # a JSDoc type naming a value: the value's type
    assert "opts: { mkdir: typeof mkdir }" in text
    # a parameter typed by its default function, called with more arguments
    assert "valueof: (x: unknown, ...rest: unknown[]) => number = number" in text
    # numeric operators convert their operands anyway
    assert "return +(h as number) + +(g < b) * 6 + (b + +(g <= b)) + (a as number) * 255;" in text
    # a destructured parameter typed unknown
    assert "pairs.map(([k]: unknown[]) => k)" in text
    # a default a spread overwrites: the member is optional
    assert "options: { pascalCase?: unknown; locale?: string }" in text
    # a closure captures the loop's `var`: `let` would give each iteration its own
    assert text.count("@ts-expect-error -- TS2403") == 1
    assert "  for (var i = 0; i < 3; i++) setTimeout(() => i);" in text


REASSIGNED = """function ticks(n: number) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(i);
  return out;
}

export function thresholds(values: number[], threshold: (v: number[]) => number) {
  var tz = threshold(values);
  if (!Array.isArray(tz)) tz = ticks(tz);
  return tz.length ? tz[tz.length - 1] : 0;
}

export function sorted(max: number) {
  let stops = new Set([max]);
  stops.add(1);
  stops = [...stops];
  return stops.sort();
}

var prefix = '~';
export function disable() { prefix = false; }
export const named = (event: string | Symbol) => (prefix ? prefix + event : event);

export function percent(format: string) {
  const m = /(\\d+)%/.exec(format);
  return m ? m[1] * 255 / 100 - m[1] : 0;
}
"""


def test_a_variable_given_another_type_is_declared_with_both(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), REASSIGNED)
    text = str(result["text"])
    assert result["errors"] == 0 and " as any" not in text and "@ts-expect-error" not in text
    # narrowed by each assignment: the uses after `tz = ticks(tz)` see an array, uncast
    assert "  var tz: number | number[] = threshold(values);" in text
    assert "  return tz.length ? tz[tz.length - 1] : 0;" in text
    # a value missing members of the declared type (TS2740): the same
    assert "  let stops: Set<number> | number[] = new Set([max]);" in text
    assert "  return stops.sort();" in text
    # a setting switched off keeps its literal: a truthiness test narrows back to the string
    assert "var prefix: string | false = '~';" in text
    # a string operand of arithmetic: unary `+` makes the number `*` would
    assert "return m ? +(m[1]) * 255 / 100 - +(m[1]) : 0;" in text


LOOSE = """function number(x: string | number | null) { return x === null ? NaN : +x; }

export function first(values: unknown[], valueof = number) {
  return +valueof(values[0], 0, values) + +valueof(values[1], 1, values);
}

type Numbers = { [x: string]: number };
function into(target: Numbers, source: Numbers) { target[0] = source[0]; }

export function copy(values: string | unknown[]) {
  const temp = values.slice();
  into(values, temp);
  return temp;
}

function order(a: number | null, b: number | null) { return (a || 0) - (b || 0); }
function sortWith(values: unknown[], ...F: any[]) { return values.sort(F[0]); }

export function byValue(pairs: unknown[]) {
  return sortWith(pairs, ([, av]: unknown, [, bv]: unknown) => order(av, bv));
}
"""


def test_any_where_nothing_narrower_passes_comes_before_a_suppression(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), LOOSE)
    text = str(result["text"])
    assert result["errors"] == 0 and "@ts-expect-error" not in text
    # callers pass what the default does not take: its parameter `any`, once
    assert "valueof: (x: any, ...rest: unknown[]) => number = number" in text
    assert "return +valueof(values[0], 0, values) + +valueof(values[1], 1, values);" in text
    # every argument the parameter would refuse next, at once
    assert "into((values as any), (temp as any));" in text
    # destructured elements that go where `unknown` may not
    assert "sortWith(pairs, ([, av]: any[], [, bv]: any[]) => order(av, bv));" in text


OVERRIDE = """export class Cache extends Map<string, number> {
  * keys() {
    for (const [key] of super.entries()) yield key;
  }

  * [Symbol.iterator]() {
    for (const [key, value] of super.entries()) yield [key, value * 2];
  }
}
"""


def test_a_method_is_typed_by_the_method_it_overrides(tmp_path: Path) -> None:
    # a generator infers `Generator<K, void>`; `Map`'s says `MapIterator<K>` (returns undefined)
    result = run_pass("./last_resort", "lastResort", str(tmp_path), OVERRIDE)
    text = str(result["text"])
    assert result["errors"] == 0 and "@ts-expect-error" not in text and "any" not in text
    assert "  * keys(): MapIterator<string> {" in text
    assert "  * [Symbol.iterator](): MapIterator<[string, number]> {" in text


SPREAD = """export const run = (fn: (arg0: unknown) => unknown, args: unknown[]) => fn(...args);
"""


def test_a_function_parameter_called_with_a_spread_takes_what_it_is_given(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), SPREAD)
    text = str(result["text"])
    assert result["errors"] == 0 and "@ts-expect-error" not in text and "any" not in text
    assert "run = (fn: (...args: unknown[]) => unknown, args: unknown[]) => fn(...args);" in text


BODIES = """export function mark(o: { seen: boolean }, on: boolean, n: number) {
  if (on) o.seen = n
  else o.seen = String(n)
  for (let i = 0; i < n; i++) o.seen = i
  return o
}
"""


def test_a_cast_opening_the_body_of_an_if_or_a_loop_keeps_it_the_body(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), BODIES)
    text = str(result["text"])
    assert result["errors"] == 0
    # `;(` there would end the body: the assignment would run on every path
    assert ";(" not in text
    assert "  if (on) (o.seen as any) = n\n" in text or "  if (on) (o as any).seen = n\n" in text
