"""Symbol-keyed class members (`node/symbol_members.js`) and a `this` argument's class, on tsc 5.

Libraries keep private state under `const K = Symbol(...)` keys (`this[K] = v`); TypeScript
reports every such access until the class declares `[K]`. Module functions the methods call
with `this` (`get(this, key)`) take the class, not the `this` type inference writes.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """const MAX = Symbol('max')
const LIST = Symbol('list')
const NAME = Symbol('name')

export class Cache {
  constructor (max: number, name: any) {
    this[MAX] = max
    this[LIST] = [] as string[]
    this[NAME] = name
  }

  get max () { return this[MAX] }
  add (s: string) { this[LIST].push(s); return this[LIST].length <= this[MAX] }
}
"""


def test_symbol_keys_written_by_a_class_become_declared_members(tmp_path: Path) -> None:
    result = run_pass("./symbol_members", "symbolMembers", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert result["result"] == 1  # one edit per class
    # typed by the values assigned; `any` where a value has no type yet (later passes narrow)
    assert "export class Cache {\n  declare [MAX]: number;\n  declare [LIST]: string[];\n" in text
    assert "  declare [NAME]: any;\n" in text


def test_declared_symbol_members_are_typed_by_their_assignments(tmp_path: Path) -> None:
    declared = "export class Cache {\n  declare [MAX]: any;\n"
    source = SOURCE.replace("export class Cache {\n", declared)
    result = run_pass("./evidence", "typeFromAssignments", str(tmp_path), source)
    assert "declare [MAX]: number;" in str(result["text"])


SELF = """export class Store {
  declare items: string[];
  constructor () { this.items = [] }
  first () { return head(this) }
}

const head = (self) => self.items[0]
"""


def test_a_function_given_this_by_methods_takes_the_class(tmp_path: Path) -> None:
    result = run_pass("./types", "inferTypes", str(tmp_path), SELF)
    text = str(result["text"])
    assert "const head = (self: Store) =>" in text
    assert result["errors"] == 0
