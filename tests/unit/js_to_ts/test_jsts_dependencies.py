"""Declarations of untyped dependencies (`node/declarations.js`), end to end on tsc 5.

A dependency that ships no types gets declarations the compiler emits from its JavaScript.
They are cut to the part of its API the converted code uses, their `any` narrowed to `unknown`
where that compiles, and every trailing untyped parameter is optional, as in JavaScript.
"""

from __future__ import annotations

import json
from pathlib import Path

from jstsnode import run_node

from kimi_code.recipes.js_to_ts.driver import convert
from kimi_code.verify.tsc import check_project

LISTY = """'use strict'
module.exports = List

function List (items) {
  this.items = items || []
}

List.prototype.push = function (item, where) {
  this.items.push(item)
  return this.items.length
}

List.prototype.get = function (i) { return this.items[i] }

List.prototype.size = function () { return this.items.length }

List.prototype.forEach = function (fn, thisp) {
  for (let i = 0; i < this.items.length; i++) fn.call(thisp, this.items[i], i)
}

List.prototype.clear = function () { this.items = [] }
"""

QUEUE = """'use strict'
const List = require('listy')

class Queue {
  constructor () {
    this.list = new List()
  }

  add (job) {
    return this.list.push(job)
  }

  count () {
    return this.list.size()
  }
}

module.exports = Queue
"""


def _project(root: Path) -> Path:
    dep = root / "node_modules" / "listy"
    dep.mkdir(parents=True)
    (dep / "package.json").write_text(json.dumps({"name": "listy", "main": "index.js"}))
    (dep / "index.js").write_text(LISTY)
    (root / "package.json").write_text(json.dumps({"name": "queue", "main": "queue.js"}))
    (root / "queue.js").write_text(QUEUE)
    return root


async def test_declarations_keep_the_used_api_without_any(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    report = await convert(root, run_tests=False)
    assert report.applied, report.verification.summary
    declared = (root / "types" / "listy.d.ts").read_text()
    assert "declare module 'listy'" in declared
    # what the code calls stays, with every untyped parameter optional and `unknown`
    # (their results reach nothing typed: `unknown` compiles)
    assert "push(item?: unknown, where?: unknown): unknown;" in declared
    assert "size(): unknown;" in declared
    # what it never reaches is gone
    assert "forEach" not in declared and "clear" not in declared
    assert "any" not in declared
    assert (await check_project(root)).errors == 0


def test_trailing_untyped_parameters_become_optional() -> None:
    script = (
        "const { optionalAnyParams } = require('./declarations');"
        "process.stdout.write(JSON.stringify({ text: optionalAnyParams(process.argv[1]) }));"
    )
    dts = (
        "export class L {\n  each(fn: any, thisp: any): void;\n"
        "  at(i: number, fallback: any): any;\n  pair(a: any, b: string): void;\n"
        "  constructor(entries: any, key?: typeof keyof);\n}\n"
    )
    text = str(run_node(script, dts)["text"])
    assert "each(fn?: any, thisp?: any): void;" in text
    assert "at(i: number, fallback?: any): any;" in text
    assert "pair(a: any, b: string): void;" in text  # a typed parameter follows: required
    # one already optional after it (a default value in the JavaScript)
    assert "constructor(entries?: any, key?: typeof keyof);" in text


async def test_every_untyped_dependency_is_declared_with_the_projects_types(
    tmp_path: Path,
) -> None:
    """One compiler program emits them all, with the project's libs and @types (node here)."""
    root = _project(tmp_path / "p")
    dep = root / "node_modules" / "bytesy"
    dep.mkdir(parents=True)
    (dep / "package.json").write_text(json.dumps({"name": "bytesy", "main": "index.js"}))
    (dep / "index.js").write_text(
        "module.exports = function toBytes (s) { return Buffer.from(String(s)) }\n"
    )
    (root / "size.js").write_text(
        "const toBytes = require('bytesy')\n"
        "module.exports = function size (s) { return toBytes(s).length }\n"
    )
    report = await convert(root, run_tests=False)
    assert report.applied, report.verification.summary
    assert "declare module 'listy'" in (root / "types" / "listy.d.ts").read_text()
    declared = (root / "types" / "bytesy.d.ts").read_text()
    assert "declare module 'bytesy'" in declared
    assert "): Buffer" in declared, declared
    assert (await check_project(root)).errors == 0
