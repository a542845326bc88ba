"""Extraction from JavaScript and JSX: definitions, parameters, JSDoc, imports, exports."""

from __future__ import annotations

from index_helpers import index_text, symbol

DEFINITIONS = """\
/**
 * Adds two numbers.
 * @param {number} a
 */
export function add(a, b = 2, ...rest) {
  function helper(x) { return x; }
  return helper(a) + b;
}

// not a doc comment
const double = (n) => n * 2;
const square = n => n * n;
let counter = 0;

class Cart extends Base {
  /** Creates a cart. */
  constructor(owner, { currency = "EUR" } = {}) { super(); }
  get size() { return 0; }
  static empty() { return new Cart(); }
  total = 0;
  onChange = (event) => {};
}

function Legacy(name) { this.name = name; }
/** Greets. */
Legacy.prototype.greet = function (greeting = "hi") { return greeting; };

const api = {
  list(page) {},
  get: function (id) {},
  remove: (id, force = false) => {},
};
"""


def test_functions_with_params_defaults_and_jsdoc() -> None:
    file = index_text(DEFINITIONS)
    add = symbol(file, "add")
    assert add.kind == "function"
    assert [(p.name, p.default) for p in add.params] == [("a", None), ("b", "2"), ("...rest", None)]
    assert add.jsdoc is not None and "Adds two numbers." in add.jsdoc
    assert add.span.start_line == 4 and add.name_span is not None
    assert symbol(file, "helper").parent == "add"


def test_arrow_functions_and_variables() -> None:
    file = index_text(DEFINITIONS)
    double = symbol(file, "double")
    assert double.kind == "function" and [p.name for p in double.params] == ["n"]
    assert double.jsdoc is None  # a line comment is not a doc comment
    assert [p.name for p in symbol(file, "square").params] == ["n"]
    assert symbol(file, "counter").kind == "variable"


def test_class_members() -> None:
    file = index_text(DEFINITIONS)
    assert symbol(file, "Cart").kind == "class"
    ctor = symbol(file, "constructor", parent="Cart")
    assert ctor.kind == "method"
    assert ctor.jsdoc == "/** Creates a cart. */"
    assert [(p.name, p.default) for p in ctor.params] == [
        ("owner", None),
        ('{ currency = "EUR" }', "{}"),
    ]
    assert symbol(file, "size", parent="Cart").kind == "method"
    assert symbol(file, "empty", parent="Cart").kind == "method"
    assert symbol(file, "total", parent="Cart").kind == "property"
    on_change = symbol(file, "onChange", parent="Cart")
    assert on_change.kind == "method" and [p.name for p in on_change.params] == ["event"]


def test_prototype_and_object_literal_methods() -> None:
    file = index_text(DEFINITIONS)
    greet = symbol(file, "greet")
    assert (greet.kind, greet.parent) == ("method", "Legacy")
    assert [(p.name, p.default) for p in greet.params] == [("greeting", '"hi"')]
    assert greet.jsdoc == "/** Greets. */"
    for name in ("list", "get", "remove"):
        assert symbol(file, name).parent == "api"
    assert [(p.name, p.default) for p in symbol(file, "remove").params] == [
        ("id", None),
        ("force", "false"),
    ]


MODULES = """\
import fs from "node:fs";
import main, { a as b, c } from "./util.js";
import * as ns from "../lib";
import "./side-effect.css";
const { x, y: z } = require("./cjs");
const m = require("./m");
const inner = require("./q").inner;
function lazy() { if (ok) { return require("./deep/lazy"); } }
async function later() { const mod = await import("./later.js"); }
import(`./tpl`);
import(computed);
export { b, c as see };
export * from "./all";
export * as star from "./star";
export { d as dee } from "./d";
export default function (p = 1) {}
export const k = 1, f = () => {};
export class Shape {}
module.exports = { add, mul() {} };
module.exports.extra = function (e) {};
exports.other = 5;
"""


def _imports(source: str) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...], bool]]:
    file = index_text(source)
    return {i.specifier: (i.kind, i.names, i.locals, i.reexport) for i in file.imports}


def test_es_imports_with_bindings() -> None:
    imports = _imports(MODULES)
    assert imports["node:fs"] == ("import", ("default",), ("fs",), False)
    assert imports["./util.js"] == ("import", ("default", "a", "c"), ("main", "b", "c"), False)
    assert imports["../lib"] == ("import", ("*",), ("ns",), False)
    assert imports["./side-effect.css"] == ("import", (), (), False)


def test_require_and_dynamic_imports_at_any_depth() -> None:
    imports = _imports(MODULES)
    assert imports["./cjs"] == ("require", ("x", "y"), ("x", "z"), False)
    assert imports["./m"] == ("require", ("*",), ("m",), False)
    assert imports["./q"] == ("require", ("inner",), ("inner",), False)
    assert imports["./deep/lazy"][0] == "require"
    assert imports["./later.js"] == ("dynamic", ("*",), ("mod",), False)
    assert imports["./tpl"][0] == "dynamic"
    assert "\0computed" in imports  # kept, and reported unresolved by the graph


def test_reexports_are_imports_too() -> None:
    imports = _imports(MODULES)
    assert imports["./all"] == ("import", ("*",), ("*",), True)
    assert imports["./star"] == ("import", ("*",), ("star",), True)
    assert imports["./d"] == ("import", ("d",), ("dee",), True)


def test_exports_es_and_commonjs() -> None:
    file = index_text(MODULES)
    exports = [(e.name, e.kind) for e in file.exports]
    assert exports == [
        ("b", "named"),
        ("see", "named"),
        ("*", "reexport"),
        ("star", "reexport"),
        ("dee", "reexport"),
        ("default", "default"),
        ("k", "variable"),
        ("f", "function"),
        ("Shape", "class"),
        ("add", "cjs"),
        ("mul", "cjs"),
        ("extra", "cjs"),
        ("other", "cjs"),
    ]
    assert [e.local for e in file.exports] == [
        "b",
        "c",
        None,
        None,
        None,
        "default",
        "k",
        "f",
        "Shape",
        "add",
        "mul",
        "extra",
        None,
    ]
    assert file.module_kind == "mixed"
    assert all(e.span.end_byte > e.span.start_byte for e in file.exports)
    extra = symbol(file, "extra")
    assert extra.kind == "function" and [p.name for p in extra.params] == ["e"]
    assert [p.default for p in symbol(file, "default").params] == ["1"]


def test_module_kinds() -> None:
    assert index_text("import a from './a';").module_kind == "esm"
    assert index_text("export const a = 1;").module_kind == "esm"
    assert index_text("const a = require('./a');").module_kind == "cjs"
    assert index_text("exports.a = 1;").module_kind == "cjs"
    assert index_text("const a = 1; import('./lazy');").module_kind == "none"


def test_jsx_component() -> None:
    source = """\
import React from "react";
/** A button. */
export function Button({ label, onClick }) {
  return <button onClick={onClick}>{label}</button>;
}
export const Row = ({ children }) => <div className="row">{children}</div>;
"""
    file = index_text(source, "jsx")
    assert not file.has_errors
    button = symbol(file, "Button")
    assert button.jsdoc == "/** A button. */"
    assert [p.name for p in button.params] == ["{ label, onClick }"]
    assert symbol(file, "Row").kind == "function"
    assert [e.name for e in file.exports] == ["Button", "Row"]


def test_syntax_errors_are_flagged_and_still_indexed() -> None:
    file = index_text("export function ok(a) { return a; }\nfunction broken( {\nconst z = 1;\n")
    assert file.has_errors
    assert symbol(file, "ok").kind == "function"
    assert [e.name for e in file.exports] == ["ok"]


def test_require_inside_an_exported_function_is_found() -> None:
    source = (
        "module.exports = function () {\n  if (a) { if (b) { const x = require('./lazy'); } }\n};\n"
    )
    file = index_text(source)
    assert [(i.specifier, i.locals) for i in file.imports] == [("./lazy", ("x",))]
    assert [(e.name, e.kind) for e in file.exports] == [("default", "cjs")]


def test_named_default_export_points_at_its_declaration() -> None:
    file = index_text("export default class Store {}\nconst x = 1;\nexport { x as default2 };\n")
    assert [(e.name, e.local) for e in file.exports] == [("default", "Store"), ("default2", "x")]
