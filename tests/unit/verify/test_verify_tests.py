"""Tests of the project test runner (kimi_code.verify.tests) against real node projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kimi_code.errors import ConfigError
from kimi_code.recipes import base
from kimi_code.verify import (
    NPM_PLACEHOLDER,
    detect_test_command,
    parse_test_counts,
    regression_reason,
    run_tests,
    run_tests_sync,
    safe_environment,
)

PASSING = """const test = require('node:test');
const assert = require('node:assert');
test('adds', () => assert.equal(1 + 1, 2));
test('concats', () => assert.equal('a' + 'b', 'ab'));
"""
FAILING = """const test = require('node:test');
const assert = require('node:assert');
test('wrong', () => assert.equal(1 + 1, 3));
"""


def make_project(root: Path, scripts: dict[str, str], tests: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"name": "p", "scripts": scripts}))
    (root / "test").mkdir(exist_ok=True)
    for name, text in tests.items():
        (root / "test" / name).write_text(text)
    return root


async def test_counts_passes_and_failures_of_real_node_test(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {"test": "node --test test/"},
        {"a.test.js": PASSING, "b.test.js": FAILING},
    )
    outcome = await run_tests(root)
    assert outcome is not None
    assert (outcome.command, outcome.passed, outcome.failed, outcome.ok) == (
        "node --test test/",
        2,
        1,
        False,
    )
    assert "wrong" in outcome.output_tail


async def test_green_suite_with_spec_reporter(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p", {"test": "node --test --test-reporter=spec test/"}, {"a.test.js": PASSING}
    )
    outcome = await run_tests(root)
    assert outcome is not None
    assert (outcome.passed, outcome.failed, outcome.ok) == (2, 0, True)


def test_sync_wrapper_and_explicit_command(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"test": "exit 7"}, {"a.test.js": PASSING})
    outcome = run_tests_sync(root, "node --test test/a.test.js")
    assert outcome is not None
    assert (outcome.passed, outcome.ok) == (2, True)


def test_detect_test_command(tmp_path: Path) -> None:
    assert detect_test_command(tmp_path) is None
    make_project(tmp_path, {"test": NPM_PLACEHOLDER}, {})
    assert detect_test_command(tmp_path) is None
    assert detect_test_command(tmp_path, "  make check ") == "make check"
    make_project(tmp_path, {"test": "node --test", "pretest": "echo lint"}, {})
    assert detect_test_command(tmp_path) == "{ echo lint; } && { node --test; }"
    (tmp_path / "package.json").write_text("{ nope")
    with pytest.raises(ConfigError, match=r"package\.json: not valid JSON"):
        detect_test_command(tmp_path)


async def test_no_test_command_means_not_run(tmp_path: Path) -> None:
    make_project(tmp_path, {"start": "node ."}, {})
    assert await run_tests(tmp_path) is None


async def test_exit_code_decides_when_no_summary(tmp_path: Path) -> None:
    make_project(tmp_path, {"test": "echo checking && exit 3"}, {})
    failed = await run_tests(tmp_path)
    assert failed is not None
    assert (failed.passed, failed.failed, failed.ok) == (0, 1, False)
    assert "checking" in failed.output_tail
    passed = await run_tests(tmp_path, "true")
    assert passed is not None
    assert (passed.passed, passed.failed, passed.ok) == (0, 0, True)


async def test_timeout_kills_the_process_group(tmp_path: Path) -> None:
    make_project(tmp_path, {"test": "sleep 30 & sleep 30; wait"}, {})
    outcome = await run_tests(tmp_path, timeout_s=0.5)
    assert outcome is not None
    assert not outcome.ok
    assert "timed out after 0.5s" in outcome.output_tail


async def test_environment_has_no_secrets(tmp_path: Path) -> None:
    make_project(
        tmp_path, {"test": "node -e \"console.log('key=' + process.env.MOONSHOT_API_KEY)\""}, {}
    )
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "MOONSHOT_API_KEY": "sk-secret", "HOME": "/tmp"}
    outcome = await run_tests(tmp_path, env=env)
    assert outcome is not None
    assert "key=undefined" in outcome.output_tail
    child = safe_environment(tmp_path, env)
    assert "MOONSHOT_API_KEY" not in child
    assert child["PATH"].startswith(str(tmp_path / "node_modules" / ".bin"))


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("TAP version 13\nok 1 a\n# tests 3\n# pass  2\n# fail  1\n", (2, 1)),  # tape
        ("\x1b[34m\u2139 pass 5\x1b[39m\n\u2139 fail 0\n", (5, 0)),  # node spec, coloured
        ("  12 passing (30ms)\n  2 failing\n", (12, 2)),  # mocha
        ("Tests:       1 failed, 5 passed, 6 total\n", (5, 1)),  # jest
        (" Tests  4 passed (4)\n", (4, 0)),  # vitest
        ("# pass 1\n# fail 0\n# pass 2\n# fail 1\n", (3, 1)),  # two suites in one command
        ("all good\n", None),
    ],
)
def test_parse_test_counts(output: str, expected: tuple[int, int] | None) -> None:
    counts = parse_test_counts(output)
    assert (None if counts is None else (counts.passed, counts.failed)) == expected


async def test_a_command_that_cannot_run_is_told_apart(tmp_path: Path) -> None:
    missing = make_project(tmp_path / "m", {"test": "kimi-no-such-runner test/"}, {})
    outcome = await run_tests(missing)
    assert outcome is not None and not outcome.ok
    assert outcome.exit_code == 127 and outcome.could_not_run
    # not run on the result: no regression; a suite that ran and failed is another matter
    assert regression_reason(outcome, None) is None
    failing = make_project(tmp_path / "f", {"test": "node --test test/"}, {"b.test.js": FAILING})
    ran = await run_tests(failing)
    assert ran is not None and ran.exit_code == 1 and not ran.could_not_run
    assert regression_reason(ran, None) == "the test command no longer runs"


def test_regression_reason() -> None:
    def outcome(passed: int, failed: int) -> base.TestOutcome:
        return base.TestOutcome("t", passed, failed, failed == 0)

    assert regression_reason(None, None) is None
    assert regression_reason(outcome(3, 0), outcome(3, 0)) is None
    assert regression_reason(outcome(2, 1), outcome(3, 0)) is None
    assert regression_reason(outcome(3, 0), None) == "the test command no longer runs"
    assert "failed after" in str(regression_reason(outcome(3, 0), outcome(2, 1)))
    assert regression_reason(outcome(2, 1), outcome(1, 2)) == "failing tests went from 1 to 2"
    assert regression_reason(outcome(3, 0), outcome(1, 0)) == "passing tests went from 3 to 1"
