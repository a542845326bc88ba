"""Extraction from TypeScript, TSX and Python."""

from __future__ import annotations

from index_helpers import index_text, symbol

TS = """\
import type { Options } from "./options";
import express = require("express");
/** A point. */
export interface Point { x: number; y: number }
export type Pair = [Point, Point];
export enum Color { Red, Green }
export abstract class Shape {
  abstract area(scale?: number): number;
  private sides: number = 0;
  constructor(public name: string, size: number = 1) {}
  move(dx: number, dy = 0): void {}
}
export function distance(a: Point, b: Point, opts?: Options): number { return 0; }
export const origin: Point = { x: 0, y: 0 };
declare function external(flag: boolean): void;
"""


def test_typescript_definitions_with_annotations() -> None:
    file = index_text(TS, "typescript")
    assert not file.has_errors
    assert symbol(file, "Point").kind == "interface"
    assert symbol(file, "Point").jsdoc == "/** A point. */"
    assert symbol(file, "Pair").kind == "type"
    assert symbol(file, "Color").kind == "enum"
    assert symbol(file, "Shape").kind == "class"
    assert symbol(file, "area", parent="Shape").kind == "method"
    assert symbol(file, "sides", parent="Shape").kind == "property"
    ctor = symbol(file, "constructor", parent="Shape")
    assert [(p.name, p.default, p.annotation) for p in ctor.params] == [
        ("name", None, "string"),
        ("size", "1", "number"),
    ]
    distance = symbol(file, "distance")
    assert [(p.name, p.annotation) for p in distance.params] == [
        ("a", "Point"),
        ("b", "Point"),
        ("opts", "Options"),
    ]
    assert [p.default for p in symbol(file, "move").params] == [None, "0"]
    assert symbol(file, "external").kind == "function"
    assert symbol(file, "origin").kind == "variable"


def test_typescript_imports_and_exports() -> None:
    file = index_text(TS, "typescript")
    imports = {i.specifier: (i.kind, i.names, i.locals) for i in file.imports}
    assert imports["./options"] == ("import", ("Options",), ("Options",))
    assert imports["express"] == ("require", ("*",), ("express",))
    assert [e.name for e in file.exports] == [
        "Point",
        "Pair",
        "Color",
        "Shape",
        "distance",
        "origin",
    ]


def test_tsx_component() -> None:
    source = """\
import { useState } from "react";
type Props = { label: string };
export function Counter({ label }: Props) {
  const [n, setN] = useState<number>(0);
  return <button onClick={() => setN(n + 1)}>{label} {n}</button>;
}
"""
    file = index_text(source, "tsx")
    assert not file.has_errors
    assert symbol(file, "Counter").kind == "function"
    assert [p.annotation for p in symbol(file, "Counter").params] == ["Props"]
    assert symbol(file, "Props").kind == "type"
    assert file.module_kind == "esm"


PY = '''\
"""Module doc."""
import os, json as j
from . import sibling
from ..pkg.mod import thing as other, more
from typing import *

LIMIT = 10


class Store:
    """Keeps things."""

    def get(self, key: str, default: int = 0, *args, **kwargs) -> int:
        """Return a value."""
        return default

    @property
    def size(self): return 0


def helper(x, y=2):
    def inner(): pass
    return x
'''


def test_python_definitions_and_docstrings() -> None:
    file = index_text(PY, "python")
    assert symbol(file, "Store").jsdoc == '"""Keeps things."""'
    get = symbol(file, "get", parent="Store")
    assert get.kind == "method"
    assert [(p.name, p.default, p.annotation) for p in get.params] == [
        ("self", None, None),
        ("key", None, "str"),
        ("default", "0", "int"),
        ("*args", None, None),
        ("**kwargs", None, None),
    ]
    assert get.jsdoc == '"""Return a value."""'
    assert symbol(file, "size", parent="Store").kind == "method"
    assert [(p.name, p.default) for p in symbol(file, "helper").params] == [("x", None), ("y", "2")]
    assert symbol(file, "inner").parent == "helper"
    assert symbol(file, "LIMIT").kind == "variable"


def test_python_imports() -> None:
    file = index_text(PY, "python")
    imports = [(i.specifier, i.names, i.locals) for i in file.imports]
    assert imports == [
        ("os", ("*",), ("os",)),
        ("json", ("*",), ("j",)),
        (".", ("sibling",), ("sibling",)),
        ("..pkg.mod", ("thing", "more"), ("other", "more")),
        ("typing", ("*",), ("*",)),
    ]
    assert file.module_kind == "none" and file.exports == ()
