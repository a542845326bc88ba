"""Node's types only for code that uses them (`node/node_types.js`).

@types/node is the biggest type package a program parses; the recipe names it in the
tsconfig.json it writes, and in its own programs, only when the code uses what only it
declares: a Node global, a built-in module, a member it adds to a library global, or
`import.meta`. The list of what it declares is generated from the installed package.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from jstsnode import run_node

from kimi_code.recipes.js_to_ts.driver import convert
from kimi_code.recipes.js_to_ts.helper import NODE_DIR


def test_the_list_of_what_node_declares_is_current() -> None:
    node = shutil.which("node")
    assert node is not None
    out = subprocess.run(
        [node, "node_types.js"], cwd=NODE_DIR, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == json.loads((NODE_DIR / "node_types.json").read_text())
    listed = json.loads(out.stdout)
    assert {"process", "Buffer", "console", "setTimeout", "require"} <= set(listed["globals"])
    assert "Error.captureStackTrace" in listed["members"]


USES = {
    "a global": "module.exports = function env () { return process.env.HOME }\n",
    "a built-in module": "const path = require('path')\nmodule.exports = path.join\n",
    "a node: module": "import { join } from 'node:path'\nexport default join\n",
    "a library member": "function E () { Error.captureStackTrace(this, E) }\nmodule.exports = E\n",
    "a JSDoc type": "/** @param {Buffer} b */\nmodule.exports = function (b) { return b.length }\n",
    "import.meta": "export const here = import.meta.url\n",
    "a require left as it is": "module.exports = function load (m) { return require(m) }\n",
    "globalThis": "export const log = globalThis.console\n",
    "a probe of window": "export const electron = window.process && window.process.type\n",
}
PLAIN = {
    "names of members": "module.exports = { process: 1, console (x) { return x.setTimeout } }\n",
    "plain CommonJS": "const other = require('./other')\nmodule.exports = other\nexports.x = 1\n",
    "plain ES module": "export function last (values) { let m; for (m of values); return m }\n",
    "a comment": "// process the buffer, then setTimeout\nexport const n = 1\n",
}

_USES_NODE = r"""
const { usesNode } = require('./node_types');
const { convertModule } = require('./module_syntax');
const cases = JSON.parse(process.argv[1]);
const out = {};
for (const [k, text] of Object.entries(cases)) {
  out[k] = usesNode('a.ts', convertModule('a.js', text).text);
}
process.stdout.write(JSON.stringify(out));
"""


def test_code_that_uses_what_only_node_declares_is_told_apart() -> None:
    assert run_node(_USES_NODE, json.dumps(USES)) == {k: True for k in USES}
    assert run_node(_USES_NODE, json.dumps(PLAIN)) == {k: False for k in PLAIN}


@pytest.mark.parametrize(
    ("source", "types"),
    [
        ("module.exports = function twice (s) { return s.repeat(2) }\n", []),
        ("module.exports = function home () { return process.env.HOME }\n", ["node"]),
    ],
    ids=["plain", "node"],
)
async def test_the_written_tsconfig_names_node_only_when_the_code_needs_it(
    tmp_path: Path, source: str, types: list[str]
) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "version": "1.0.0"}))
    (tmp_path / "index.js").write_text(source)
    report = await convert(tmp_path, run_tests=False)
    assert report.applied and report.verification.errors_after == 0, report.verification.summary
    config = json.loads((tmp_path / "tsconfig.json").read_text())
    assert config["compilerOptions"]["types"] == types
    assert "any" not in (tmp_path / "index.ts").read_text()
