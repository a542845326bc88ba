"""TypeScript 5 loaded with V8's code cache (`node/compile_cache.js`).

`make setup` keeps V8's compiled code of typescript.js next to the helper; a helper process
then runs TypeScript from it (V8 accepts it), and gets the very module every
`require('typescript')` of the helper's own files returns. A run only reads the cache.
"""

from __future__ import annotations

from jstsnode import run_node

from kimi_code.recipes.js_to_ts.helper import NODE_DIR

# what `make setup` does (nothing when the code is kept already)
_BUILD = "require('./compile_cache').build(); process.stdout.write('{}');"
_LOAD = r"""
const cache = require('./compile_cache');
const ts = cache.load();
const same = require('typescript') === ts && require('./project') !== undefined;
process.stdout.write(JSON.stringify({ same, fromCache: cache.fromCache(), version: ts.version }));
"""


def _kept() -> list[tuple[str, int]]:
    return [(p.name, p.stat().st_mtime_ns) for p in NODE_DIR.joinpath(".compile-cache").iterdir()]


def test_typescript_runs_from_the_code_setup_kept_and_a_run_writes_none() -> None:
    run_node(_BUILD)
    kept = _kept()
    assert len(kept) == 1 and kept[0][0].startswith("typescript-")
    first = run_node(_LOAD)
    assert first["same"] and first["fromCache"], first
    assert run_node(_LOAD) == first and _kept() == kept  # read and accepted; never written
