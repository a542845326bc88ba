"""JSDoc type names TypeScript cannot see (`node/types.js`), on tsc 5.

Annotations from JSDoc carry its names over: `@returns {Command}` for a prototype-style
constructor (a value, not a type) or `@param {Mixed}` (declared nowhere). Each such reference
becomes `unknown` where the file's errors do not rise, instead of a suppression.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """function Command(name: string) {
  this.name = name;
}

/**
 * @param {Mixed} val
 * @returns {Command}
 */
function make(val: Mixed): Command {
  return new (Command as any)(String(val));
}

export { make };
"""


def test_names_that_are_no_type_become_unknown(tmp_path: Path) -> None:
    result = run_pass("./types", "unresolvedTypeNames", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert "function make(val: unknown): unknown {" in text
    assert result["result"] == 2


TYPEDEF = """/**
 * @typedef {Object} LineItem
 * @property {string} sku
 * @property {import('./money').Money} unitPrice
 */

/** @param {LineItem} line */
export function skuOf(line) {
  return line.sku;
}
"""


def test_a_typedef_converted_in_a_later_round_keeps_its_name(tmp_path: Path) -> None:
    # the first round cannot convert the typedef (its member's module is missing); the name
    # it annotates `line` with must still be there when a later round converts it
    result = run_pass("./types", "inferTypes", str(tmp_path), TYPEDEF)
    text = str(result["text"])
    assert "function skuOf(line: LineItem)" in text
    assert "LineItem {" in text or "type LineItem =" in text
