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
