"""Run a Node script against the JS->TS helper's modules and read its JSON answer (tests)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping

from kimi_code.recipes.js_to_ts.helper import NODE_DIR


def run_node(script: str, *args: str, env: Mapping[str, str] | None = None) -> dict[str, object]:
    """`node -e script args...` in the helper's folder (its `require`s resolve there), with
    `env` as its environment when given."""
    node = shutil.which("node")
    assert node is not None
    out = subprocess.run(
        [node, "-e", script, *args],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


_PASS = r"""
const { Project } = require('./project');
const [file, name, root, source, options] = process.argv.slice(1);
// as the helper does: error lists from the native compiler (native.js) where it runs
require('./native').load().then(() => {
  const p = new Project(root);
  p.update({ 'a.ts': source });
  const result = require(file)[name](p, 'a.ts', ...(options ? [JSON.parse(options)] : []));
  const errors = p.errorCount('a.ts');
  p.close();
  process.stdout.write(JSON.stringify({ result, errors, text: p.text('a.ts') }));
});
"""


def run_pass(
    module: str,
    function: str,
    root: str,
    source: str,
    options: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Run one helper pass, `require(module)[function](project, 'a.ts'[, options])`, on
    `source` as `a.ts` in a project at `root`: {result, errors (the file's count after), text}."""
    extra = [json.dumps(options)] if options is not None else []
    return run_node(_PASS, module, function, root, source, *extra)
