"""Dropping the `as any` assertions a file no longer needs (`node/casts.js`), on tsc 5.

An assertion of a plain name goes with its parentheses (`(p as any)[key]` becomes `p[key]`),
except where the parenthesis opens a statement in a list: there it keeps the line from
continuing the one before.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """export function fill(p: Record<string, unknown[]>, key: string) {
  if (!(p as any)[key])
    (p as any)[key] = [];
  const n = (p as any)[key].length
  ;(p as any)[key].push(n)
  return (p as any)[key];
}
"""


def test_a_dropped_assertion_takes_its_parentheses_along(tmp_path: Path) -> None:
    result = run_pass("./casts", "tightenCasts", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0 and "any" not in text
    assert "  if (!p[key])\n    p[key] = [];\n" in text
    assert "  const n = p[key].length\n" in text
    assert "  return p[key];\n" in text
    # the statement's `(` stays: without it, `length\n(p)` would call `length`
    assert "  ;(p)[key].push(n)\n" in text


DEEP = """export function settings(parent: unknown, circular?: boolean, depth?: number) {
  if (typeof circular === 'object') {
    depth = (circular as any).depth;
    circular = (circular as any).circular;
  }
  try {
    JSON.parse(String(parent));
  } catch (err) {
    if ((err as any).message.indexOf('JSON') !== -1) return null;
  }
  return { circular, depth };
}

export function lower(s: string, options: { locale?: boolean }) {
  return options.locale === false ? s.toLowerCase() : s.toLocaleLowerCase((options.locale as any));
}
"""


def test_a_member_read_is_typed_by_what_its_value_is_used_for(tmp_path: Path) -> None:
    # the polish round (`added`): the shapes go deeper than one member
    result = run_pass("./casts", "tightenCasts", str(tmp_path), DEEP, {"added": True})
    text = str(result["text"])
    assert result["errors"] == 0 and "any" not in text
    # the assignment's target says what the member holds
    assert "depth = (circular as { depth: number | undefined }).depth;" in text
    assert "circular = (circular as { circular: boolean | undefined }).circular;" in text
    # a member of the member read: the shape goes one level down
    assert "(err as { message: { indexOf(...args: unknown[]): unknown } }).message" in text
    # an argument of an overloaded method: what all its overloads take there
    assert "(options.locale as Intl.LocalesArgument | string[])" in text


STALE = """function Point(this: { x: number }, x: number) {
  this.x = x;
}

export function make(o: unknown) {
  const n = (o as any).size.toFixed(1);
  // a comment long enough to hold where the next cast was before the one above was typed
  return new (Point as any)(Number(n));
}
"""


def test_each_step_edits_the_text_the_step_before_left(tmp_path: Path) -> None:
    # the constructor's cast is typed after the member read's: its span is taken anew, not
    # from the text before (that span now lies in the comment, which takes any text)
    result = run_pass("./casts", "tightenCasts", str(tmp_path), STALE, {"added": True})
    text = str(result["text"])
    assert result["errors"] == 0 and "any" not in text
    assert "(o as { size: { toFixed(...args: unknown[]): unknown } }).size" in text
    assert "  // a comment long enough to hold where the next cast was before the one above" in text
    assert "return new (Point as unknown as new (" in text


def test_before_the_last_round_a_member_read_needs_only_the_member(tmp_path: Path) -> None:
    # earlier rounds leave `any` where one member is not enough: it marks a value whose
    # members the member shapes pass may declare before the last round
    result = run_pass("./casts", "tightenCasts", str(tmp_path), DEEP)
    text = str(result["text"])
    assert "(err as any).message.indexOf" in text
    assert "(options.locale as any)" in text


def test_before_the_last_round_a_constructor_cast_is_left_to_the_prototypes_pass(
    tmp_path: Path,
) -> None:
    # the prototypes pass (polish) types `new (F as any)(...)` with an interface merged with
    # `F`, and finds those constructions by their casts
    result = run_pass("./casts", "tightenCasts", str(tmp_path), STALE)
    assert "return new (Point as any)(Number(n));" in str(result["text"])


GAINED = """export function createDebug(namespace: string) {
  return namespace.length;
}

export function pick(hash: number) {
  return (createDebug as any).colors[hash % (createDebug as any).colors.length];
}
"""


def test_a_member_a_function_gains_at_run_time_is_asserted_on_its_own_type(
    tmp_path: Path,
) -> None:
    # `{ colors: unknown }` does not overlap a function type: the assertion keeps the function
    result = run_pass("./casts", "tightenCasts", str(tmp_path), GAINED, {"added": True})
    text = str(result["text"])
    assert result["errors"] == 0 and "any" not in text
    assert "(createDebug as typeof createDebug & { colors: " in text


OPTIONAL_CALLEE = """const convert: { hsl?: (rgb: number[]) => number[]; hwb?: unknown } = {};
convert.hsl = (rgb: number[]) => rgb.slice();

export function hwb(rgb: number[]) {
  return (convert.hsl as any)(rgb)[0];
}
"""


def test_a_cast_that_hides_only_a_missing_function_becomes_a_non_null_assertion(
    tmp_path: Path,
) -> None:
    result = run_pass("./casts", "tightenCasts", str(tmp_path), OPTIONAL_CALLEE, {"added": True})
    text = str(result["text"])
    assert result["errors"] == 0 and "any" not in text
    assert "return convert.hsl!(rgb)[0];" in text


def test_a_callee_whose_non_null_assertion_is_refused_is_still_typed_callable(
    tmp_path: Path,
) -> None:
    # `hsv` takes numbers: `convert.hsv!(names)` does not compile, the callable type does
    source = OPTIONAL_CALLEE.replace("hwb?: unknown", "hsv?: (v: number[]) => number[]") + (
        "export function named(names: string[]) {\n  return (convert.hsv as any)(names);\n}\n"
    )
    result = run_pass("./casts", "tightenCasts", str(tmp_path), source, {"added": True})
    text = str(result["text"])
    assert result["errors"] == 0 and "any" not in text
    assert "return (convert.hsv as (...args: unknown[]) => unknown)(names);" in text
