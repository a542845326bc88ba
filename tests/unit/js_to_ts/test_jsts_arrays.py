"""Element types of arrays the code fills (`node/arrays.js` `filledArrays`), on tsc 5.

A function's own array declared `any[]`/`unknown[]` gets the types of what the code puts in
it, where every use is one the pass understands; an array passed where anything could be put
in it, or one another module could fill, keeps its type.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """type Range = { start: number; end: number };

export function parse(str: string, size: number): (Range[] & { type?: string }) | number {
  var ranges: any[] & { type?: string } = [];
  ranges.type = str.slice(0, 3);
  for (const part of str.split(',')) {
    const [a, b] = part.split('-').map(Number);
    ranges.push({ start: a, end: Math.min(b, size) });
  }
  return ranges.length < 1 ? -1 : ranges;
}

export function names(list: string[]) {
  var out: unknown[] = [];
  var sizes: any = [];
  for (const x of list) {
    out.push(x.toUpperCase());
    sizes[sizes.length] = x.length;
  }
  return [out.join(','), sizes[0]];
}

export function paths(list: string[]) {
  var acc: string | unknown[] = [];
  list.forEach(function (p) {
    // @ts-expect-error -- TS2542: Index signature in type 'string | unknown[]' permits reading.
    acc[acc.length] = p;
  });
  return acc;
}

export const shared: unknown[] = [];

export function leaks(list: string[]) {
  var kept: unknown[] = [];
  kept.push(list[0]);
  fill(kept);
  return kept;
}

function fill(into: unknown[]) {
  into.push(3);
}
"""


def test_arrays_take_the_types_of_what_the_code_puts_in_them(tmp_path: Path) -> None:
    result = run_pass("./arrays", "filledArrays", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "var ranges: { start: number; end: number; }[] & { type?: string } = [];" in text
    assert "var out: string[] = [];" in text and "var sizes: number[] = [];" in text
    # the array is all the variable ever holds; the suppression the type makes unused goes
    assert "var acc: string[] = [];" in text and "@ts-expect-error" not in text
    # passed to a function that may put anything in; filled by other modules, maybe
    assert "var kept: unknown[] = [];" in text and "export const shared: unknown[] = [];" in text
    assert result["result"] == 4
