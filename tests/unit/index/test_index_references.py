"""References to exported names across the workspace, with call sites and arguments."""

from __future__ import annotations

from index_helpers import MakeWorkspace

from kimi_code.index import build_index

FILES: dict[str, str | bytes] = {
    "lib/math.js": """\
function add(a, b) { return a + b; }
function scale(v, k = 2) { return v * k; }
class Vec { constructor(x, y) {} }
module.exports = { add, scale, Vec };
""",
    "lib/esm.mjs": "export function greet(name, punct) {}\nexport default function main() {}\n",
    "lib/single.js": "module.exports = function make(opts) {};\n",
    "lib/barrel.mjs": 'export { greet as hello } from "./esm.mjs";\nexport * from "./esm.mjs";\n',
    "app/named.js": """\
const { add, scale: times } = require("../lib/math");
add(1, 2);
const r = times(add(3, 4), 10);
let add2 = add;
""",
    "app/object.js": """\
const math = require("../lib/math");
math.add(x, { deep: [1, 2] });
const v = new math.Vec(0, 1);
math.scale;
""",
    "app/esm.mjs": """\
import main, { greet } from "../lib/esm.mjs";
import * as ns from "../lib/esm.mjs";
greet("ada", "!");
ns.greet(user.name);
main();
""",
    "app/interop.mjs": 'import math from "../lib/math.js";\nmath.add(5, 6);\n',
    "app/single.js": 'const make = require("../lib/single");\nmake({ fast: true });\n',
    "app/barrel.mjs": 'import { hello, greet } from "../lib/barrel.mjs";\nhello(1);\ngreet(2);\n',
}


def _refs(index: object, path: str, name: str) -> list[tuple[str, int, bool, tuple[str, ...]]]:
    found = index.references(path, name)  # type: ignore[attr-defined]
    return [(r.file, r.span.start_line, r.is_call, r.call_args) for r in found]


def test_named_destructured_and_aliased_requires(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    refs = _refs(index, "lib/math.js", "add")
    assert ("app/named.js", 1, True, ("1", "2")) in refs
    assert ("app/named.js", 2, True, ("3", "4")) in refs
    assert ("app/named.js", 3, False, ()) in refs  # `let add2 = add` is a use, not a call
    assert all(line != 0 for file, line, _, _ in refs if file == "app/named.js")
    times = _refs(index, "lib/math.js", "scale")
    assert ("app/named.js", 2, True, ("add(3, 4)", "10")) in times


def test_module_objects_namespaces_and_constructors(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    assert ("app/object.js", 1, True, ("x", "{ deep: [1, 2] }")) in _refs(
        index, "lib/math.js", "add"
    )
    assert ("app/object.js", 2, True, ("0", "1")) in _refs(index, "lib/math.js", "Vec")
    assert ("app/object.js", 3, False, ()) in _refs(index, "lib/math.js", "scale")
    assert ("app/interop.mjs", 1, True, ("5", "6")) in _refs(index, "lib/math.js", "add")


def test_es_named_default_and_namespace_imports(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    greet = _refs(index, "lib/esm.mjs", "greet")
    assert ("app/esm.mjs", 2, True, ('"ada"', '"!"')) in greet
    assert ("app/esm.mjs", 3, True, ("user.name",)) in greet
    assert _refs(index, "lib/esm.mjs", "default") == [("app/esm.mjs", 4, True, ())]


def test_module_exports_value_is_the_default(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    assert _refs(index, "lib/single.js", "default") == [
        ("app/single.js", 1, True, ("{ fast: true }",))
    ]


def test_references_follow_reexports(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    greet = _refs(index, "lib/esm.mjs", "greet")
    assert ("app/barrel.mjs", 1, True, ("1",)) in greet  # via `export { greet as hello }`
    assert ("app/barrel.mjs", 2, True, ("2",)) in greet  # via `export *`


def test_typescript_type_uses_are_references(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(
        {
            "src/point.ts": (
                "export interface Point { x: number }\nexport function mk(x: number) {}\n"
            ),
            "src/use.tsx": (
                'import { Point, mk } from "./point.js";\n'
                "const p: Point = { x: 1 };\n"
                "export const View = () => <div>{mk(p.x)}</div>;\n"
            ),
        }
    )
    index = build_index(root, cache=False)
    assert _refs(index, "src/point.ts", "Point") == [("src/use.tsx", 1, False, ())]
    assert _refs(index, "src/point.ts", "mk") == [("src/use.tsx", 2, True, ("p.x",))]
