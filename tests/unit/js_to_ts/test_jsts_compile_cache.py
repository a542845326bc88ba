"""TypeScript 5 loaded with V8's code cache (`node/compile_cache.js`).

The first process compiles typescript.js and keeps V8's code under $XDG_CACHE_HOME; the next
one runs from it (V8 accepts it), and gets the very module every `require('typescript')`
of the helper's own files returns.
"""

from __future__ import annotations

import os
from pathlib import Path

from jstsnode import run_node

_LOAD = r"""
const cache = require('./compile_cache');
const ts = cache.load();
const same = require('typescript') === ts && require('./project') && ts.version.length > 0;
const info = { same, version: ts.version };
cache.save();
process.stdout.write(JSON.stringify(info));
"""


def test_the_second_process_runs_typescript_from_the_code_the_first_kept(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first = run_node(_LOAD, env=env)
    kept = list((tmp_path / "kimi-code" / "v8").iterdir())
    assert first["same"] and len(kept) == 1 and kept[0].stat().st_size > 100_000
    stamp = kept[0].stat().st_mtime_ns
    second = run_node(_LOAD, env=env)
    assert second == first
    # read, accepted, and not written again
    assert [p.stat().st_mtime_ns for p in (tmp_path / "kimi-code" / "v8").iterdir()] == [stamp]


def test_an_unwritable_cache_only_means_a_slower_start(tmp_path: Path) -> None:
    (tmp_path / "kimi-code").write_text("a file where the cache folder would go")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    assert run_node(_LOAD, env=env)["same"]
    assert run_node(_LOAD, env=env)["same"]
