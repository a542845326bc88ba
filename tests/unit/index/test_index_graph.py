"""Import resolution (Node and TypeScript rules) and the dependency graph."""

from __future__ import annotations

import json

from index_helpers import MakeWorkspace

from kimi_code.index import build_index

FILES: dict[str, str | bytes] = {
    "src/app.js": """\
import { a } from "./a";
import b from "./b.js";
import c from "./c.js";
import d from "./dir";
import e from "./withmain";
import data from "./data.json";
import fs from "node:fs";
import path from "path";
import lodash from "lodash/fp";
import { util } from "@acme/util";
import { extra } from "@acme/util/extra";
import missing from "./missing";
import outside from "../../elsewhere";
import built from "../dist/bundle.js";
const lazy = require(name);
""",
    "src/a.js": "export const a = 1;\n",
    "dist/bundle.js": "export default 0;\n",
    "src/b.js": "export default 2;\n",
    "src/c.ts": "export default 3;\n",
    "src/dir/index.js": "export default 4;\n",
    "src/withmain/package.json": json.dumps({"main": "lib/entry.js"}),
    "src/withmain/lib/entry.js": "export default 5;\n",
    "src/data.json": "{}",
    "packages/util/package.json": json.dumps(
        {
            "name": "@acme/util",
            "exports": {
                ".": {"import": "./src/index.mjs", "require": "./src/index.cjs"},
                "./*": "./src/*.js",
            },
        }
    ),
    "packages/util/src/index.mjs": "export const util = 1;\n",
    "packages/util/src/index.cjs": "exports.util = 1;\n",
    "packages/util/src/extra.js": "export const extra = 1;\n",
    "ts/main.ts": 'import { a } from "./a.js";\nimport { t } from "./t";\n',
    "ts/a.ts": "export const a = 1;\n",
    "ts/t.tsx": "export const t = 1;\n",
}


def _resolution(index: object, path: str) -> dict[str, tuple[str | None, bool, str | None]]:
    file = index.files[path]  # type: ignore[attr-defined]
    return {i.specifier: (i.resolved, i.external, i.unresolved_reason) for i in file.imports}


def test_relative_and_workspace_package_resolution(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    got = _resolution(index, "src/app.js")
    assert got["./a"] == ("src/a.js", False, None)
    assert got["./b.js"] == ("src/b.js", False, None)
    assert got["./c.js"] == ("src/c.ts", False, None)  # .js specifier -> .ts source
    assert got["./dir"] == ("src/dir/index.js", False, None)
    assert got["./withmain"] == ("src/withmain/lib/entry.js", False, None)
    assert got["./data.json"] == ("src/data.json", False, None)
    assert got["@acme/util"] == ("packages/util/src/index.mjs", False, None)
    assert got["@acme/util/extra"] == ("packages/util/src/extra.js", False, None)


def test_external_and_unresolved_specifiers(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    got = _resolution(index, "src/app.js")
    assert got["node:fs"] == (None, True, None)
    assert got["path"] == (None, True, None)
    assert got["lodash/fp"] == (None, True, None)
    assert got["./missing"][:2] == (None, False)
    assert "no such file" in (got["./missing"][2] or "")
    assert got["../../elsewhere"][2] == "points outside the workspace"
    assert got["\0name"][2] == "computed specifier (not a string literal)"
    assert got["../dist/bundle.js"][2] == "dist is not indexed (build output)"


def test_typescript_prefers_ts_sources(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    got = _resolution(index, "ts/main.ts")
    assert got["./a.js"] == ("ts/a.ts", False, None)
    assert got["./t"] == ("ts/t.tsx", False, None)


def test_require_uses_the_require_condition(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({**FILES, "src/cjs.js": 'const { util } = require("@acme/util");\n'})
    index = build_index(root, cache=False)
    got = _resolution(index, "src/cjs.js")
    assert got["@acme/util"][0] == "packages/util/src/index.cjs"


def test_dependencies_and_dependents(make_workspace: MakeWorkspace) -> None:
    index = build_index(make_workspace(FILES), cache=False)
    deps = index.dependencies("src/app.js")
    assert "src/a.js" in deps and "src/c.ts" in deps and "src/data.json" in deps
    assert deps == sorted(deps)
    assert index.dependents("src/a.js") == ["src/app.js"]
    assert index.dependents("packages/util/src/extra.js") == ["src/app.js"]
    assert index.dependencies(index.root / "ts" / "main.ts") == ["ts/a.ts", "ts/t.tsx"]


def test_python_imports_resolve_inside_the_workspace(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(
        {
            "pkg/__init__.py": "",
            "pkg/core.py": "from . import util\nfrom .util import helper\nimport os\n",
            "pkg/util.py": "def helper(): pass\n",
            "main.py": "import pkg.core\nfrom pkg import util\n",
        }
    )
    index = build_index(root, cache=False)
    assert _resolution(index, "pkg/core.py") == {
        ".": ("pkg/__init__.py", False, None),
        ".util": ("pkg/util.py", False, None),
        "os": (None, True, None),
    }
    assert index.dependencies("main.py") == ["pkg/__init__.py", "pkg/core.py"]
