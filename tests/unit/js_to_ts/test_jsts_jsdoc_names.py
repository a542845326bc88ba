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


SPLIT = """/**
 * @param {string} name
 * @param {function} done called when finished
 * @param {object} options
 * @return {string}
 */
export function greet(name, done, options) {
  done(name);
  return options.greeting + name;
}

/** @return {number} documented wrong: a string */
export function label() {
  return 'none';
}

/** @return {number} documented wrong: a string too */
export function title() {
  return 'none';
}

/** @param {ServerResponse} res a name this file cannot see */
export function finish(res) {
  res.end();
}

/**
 * @param {Mixed} value anything
 * @return {string}
 */
export function show(value) {
  return String(value);
}
"""


def test_jsdoc_types_are_kept_one_by_one_without_the_vague_ones(tmp_path: Path) -> None:
    # `{function}` is no TypeScript type and `{object}` has no `greeting`: those are left to
    # inference from usage; `label` and `title` return no numbers, which refused every JSDoc
    # type of the file together: they are kept function by function
    result = run_pass("./types", "inferTypes", str(tmp_path), SPLIT)
    text = str(result["text"])
    assert (
        "export function greet(name: string, done: (arg0: string) => void, "
        "options: { greeting: string; }): string {"
    ) in text
    assert "export function label() {" in text and "export function title() {" in text
    # a name TypeScript cannot see is tried as `unknown`: kept where the code takes that
    assert "export function finish(res: { end: () => void; }) {" in text
    assert "export function show(value: unknown): string {" in text
    assert result["errors"] == 0
