"""Which files the JS->TS recipe converts and what they become (pure functions)."""

from __future__ import annotations

import pytest

from kimi_code.recipes.js_to_ts.paths import dependency_order, is_convertible, select, ts_path


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("src/a.js", "const x = 1;", "src/a.ts"),
        ("src/a.js", "export const A = () => <div>hi</div>;", "src/a.tsx"),
        ("src/a.js", "if (a < b && c > d) {}", "src/a.ts"),
        ("src/a.js", "const f = () => <>\n  <b />\n</>;", "src/a.tsx"),
        # looks like JSX, but in a comment and a string (minimatch's `(?:<pattern>)<type>`)
        ("src/a.js", "// The others are (?:<pattern>)<type>\nre = '(?:<pattern>)';", "src/a.ts"),
        ("src/View.jsx", "", "src/View.tsx"),
        ("src/h.mjs", "", "src/h.mts"),
        ("src/legacy.cjs", "", "src/legacy.cts"),
    ],
)
def test_ts_path(path: str, text: str, expected: str) -> None:
    assert ts_path(path, text) == expected


def test_tests_configs_and_bundles_are_left_alone() -> None:
    assert is_convertible("lib/index.js")
    assert not is_convertible("test/index.js")
    assert not is_convertible("src/__tests__/a.js")
    assert not is_convertible("src/a.test.js")
    assert not is_convertible("eslint.config.js")
    assert not is_convertible("dist/bundle.min.js")
    assert not is_convertible("types/index.d.ts")


def test_select_respects_scope() -> None:
    files = ["lib/a.js", "lib/b.ts", "src/c.mjs", "test/t.js", "README.md"]
    assert select(files) == ["lib/a.js", "src/c.mjs"]
    assert select(files, ["src"]) == ["src/c.mjs"]


def test_dependency_order_puts_leaves_first() -> None:
    sources = {
        "index.js": "const a = require('./lib/a');\nimport b from './lib/b.js';",
        "lib/a.js": "const b = require('./b')",
        "lib/b.js": "module.exports = 1;",
        "lib/c.js": "const i = require('../index');",
    }
    order = dependency_order(list(sources), sources.__getitem__)
    assert order.index("lib/b.js") < order.index("lib/a.js") < order.index("index.js")
    assert order.index("index.js") < order.index("lib/c.js")
    assert sorted(order) == sorted(sources)
