"""Stale annotations of callback parameters (`node/callsites.js` `contextualParams`), on tsc 5.

A callback's parameter annotated while its callee was untyped (`any[]`, `unknown`, a member
shape inferred from usage) loses the annotation once the callee's own type gives the
parameter a real one; never where that type would be `any`, and only where the compiler
agrees.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """export class Book { constructor(public title: string, public pages: number) {} }

export function long(books: Book[][], limit: number) {
  const first = books.filter((row: any[]) => row.length > 0);
  const titles = first.map((row: unknown) => String(row));
  return first.some((row: { length: number }) => row.length > limit) ? titles : [];
}

export function loose(rows: any[]) {
  return rows.filter((row: any) => row);
}

export function named(books: Book[]) {
  return books.map((b: unknown) => {
    b = String(b);
    return b;
  });
}
"""


def test_a_callback_parameter_takes_the_type_its_callee_gives(tmp_path: Path) -> None:
    result = run_pass("./callsites", "contextualParams", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "books.filter((row) => row.length > 0)" in text
    assert "first.map((row) => String(row))" in text
    assert "first.some((row) => row.length > limit)" in text
    # the callee says any: the annotation stays, or the parameter would be any silently
    assert "rows.filter((row: any) => row)" in text
    # the body writes what the callee's type does not hold: the compiler refuses
    assert "books.map((b: unknown) => {" in text
    assert result["result"] == 3
