"""Project classes from the members a parameter's uses read (`node/duck.js`), on tsc 5.

A parameter still `any`/`unknown` whose reads are all members of one of the project's classes
gets that class, except when every member read is one of its boolean flags: an options object
carries the same flags as the class built from it.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """export class Span {
  loose: boolean;
  strict: boolean;
  raw: string;
  constructor(raw: string, options: { loose?: boolean; strict?: boolean }) {
    this.raw = raw;
    this.loose = !!options.loose;
    this.strict = !!options.strict;
  }
  test(v: string) { return v === this.raw; }
}

export function pattern(options: unknown) {
  return (options as any).loose ? 'a' : (options as any).strict ? 'b' : 'c';
}

export function flags(options: any) {
  return [options.loose, options.strict];
}

export function check(span: any, v: string) {
  return span.loose && span.test(v);
}
"""


def test_a_class_is_not_guessed_from_its_boolean_flags_alone(tmp_path: Path) -> None:
    result = run_pass("./duck", "duckTypes", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function flags(options: any)" in text
    assert "function check(span: Span, v: string)" in text
    assert result["result"] == 1
