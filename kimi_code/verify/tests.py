"""Run a project's own test command and read its pass/fail counts (core layer, verification).

The command comes from the project itself: `scripts.test` in its `package.json` (with the
`pretest`/`posttest` hooks npm would run), or a command the user gave explicitly. It runs
through `sh -c` in the project directory, exactly as `npm test` would run it, because it is
the project's own declared command; nothing from a model or a tool argument is ever
interpolated into it. The child gets a scrubbed environment (no API keys or tokens), its
own process group (killed whole on timeout), and `node_modules/.bin` first on `PATH`.

Counts are read from the summary lines of the common runners (node's test runner in TAP
and spec form, tape, mocha, jest, vitest); when none is found the exit status decides.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kimi_code.errors import ConfigError
from kimi_code.recipes.base import TestOutcome

__all__ = [
    "NPM_PLACEHOLDER",
    "TestCounts",
    "could_not_run_note",
    "detect_test_command",
    "parse_test_counts",
    "regression_reason",
    "run_tests",
    "run_tests_sync",
    "safe_environment",
]

NPM_PLACEHOLDER = 'echo "Error: no test specified" && exit 1'
"""The `scripts.test` that `npm init` writes; it means "no tests", not "failing tests"."""

OUTPUT_TAIL_CHARS = 4000
_MAX_CAPTURE_BYTES = 8 * 1024 * 1024
_ENV_ALLOW = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "USER")
_ENV_ALLOW_PREFIXES = ("LC_",)


@dataclass(frozen=True, slots=True)
class TestCounts:
    """Pass/fail counts read from a runner's summary."""

    __test__ = False  # not a pytest test class, despite the name

    passed: int
    failed: int


_INFO = "\u2139"  # the "information source" glyph node's spec reporter prints
_SUMMARY_PATTERNS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    # node --test (TAP "# pass 3", spec reporter "<info> pass 3") and tape ("# pass  3").
    (
        re.compile(rf"^(?:#|{_INFO})\s*pass\s+(\d+)\s*$", re.M),
        re.compile(rf"^(?:#|{_INFO})\s*fail\s+(\d+)\s*$", re.M),
    ),
    # mocha: "  12 passing (30ms)" / "  2 failing".
    (re.compile(r"^\s*(\d+) passing\b", re.M), re.compile(r"^\s*(\d+) failing\b", re.M)),
    # jest "Tests:       1 failed, 5 passed, 6 total"; vitest " Tests  1 failed | 5 passed (6)".
    (
        re.compile(r"^\s*Tests:?\s+.*?(\d+) passed", re.M),
        re.compile(r"^\s*Tests:?\s+.*?(\d+) failed", re.M),
    ),
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def parse_test_counts(output: str) -> TestCounts | None:
    """Read pass/fail counts from test-runner output.

    The first runner format that matches wins; when a command ran several suites (one
    summary each), their counts are added up.

    Args:
        output: Combined stdout and stderr of the test command.

    Returns:
        The counts, or None when no known summary line is present.
    """
    text = _ANSI.sub("", output)
    for pass_re, fail_re in _SUMMARY_PATTERNS:
        passes = [int(m) for m in pass_re.findall(text)]
        fails = [int(m) for m in fail_re.findall(text)]
        if passes or fails:
            return TestCounts(passed=sum(passes), failed=sum(fails))
    return None


def detect_test_command(root: Path, explicit: str | None = None) -> str | None:
    """The project's test command, or None when it declares none.

    Args:
        root: Project directory (the one holding `package.json`).
        explicit: A command given by the user or configuration; wins when set.

    Returns:
        A shell command line, or None (no package.json, no `scripts.test`, or npm's
        "no test specified" placeholder).

    Raises:
        ConfigError: `package.json` is not valid JSON or `scripts` is malformed.
    """
    if explicit is not None and explicit.strip():
        return explicit.strip()
    manifest = root / "package.json"
    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"not valid JSON ({exc})", path=str(manifest)) from exc
    scripts = data.get("scripts", {}) if isinstance(data, dict) else {}
    if not isinstance(scripts, dict):
        raise ConfigError('"scripts" must be an object', path=str(manifest))
    test = scripts.get("test")
    if not isinstance(test, str) or not test.strip() or "no test specified" in test:
        return None
    parts = [
        part.strip()
        for part in (scripts.get("pretest"), test, scripts.get("posttest"))
        if isinstance(part, str) and part.strip()
    ]
    if len(parts) == 1:
        return parts[0]
    # Braces keep each hook's own `;`/`||` from binding to the next one, as npm's separate runs do.
    return " && ".join(f"{{ {part}; }}" for part in parts)


def safe_environment(root: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment for the test process: allow-listed variables only, no secrets.

    Args:
        root: Project directory; its `node_modules/.bin` goes first on PATH, as npm does.
        base: Environment to filter (default: this process's).

    Returns:
        The child's environment.
    """
    source = os.environ if base is None else base
    env = {
        key: value
        for key, value in source.items()
        if key in _ENV_ALLOW or key.startswith(_ENV_ALLOW_PREFIXES)
    }
    bin_dir = root / "node_modules" / ".bin"
    env["PATH"] = os.pathsep.join(p for p in (str(bin_dir), env.get("PATH", os.defpath)) if p)
    env.update({"CI": "1", "NO_COLOR": "1", "FORCE_COLOR": "0", "NODE_ENV": "test"})
    return env


async def run_tests(
    root: Path,
    command: str | None = None,
    *,
    timeout_s: float = 300.0,
    env: Mapping[str, str] | None = None,
) -> TestOutcome | None:
    """Run the project's test command in `root` and summarise the result.

    Args:
        root: Project directory to run in.
        command: Explicit command; by default the one `detect_test_command` finds.
        timeout_s: Seconds before the whole process group is killed (counted as a failure).
        env: Base environment to filter (default: this process's).

    Returns:
        The outcome, or None when the project has no test command.

    Raises:
        ConfigError: the project's package.json is malformed.
    """
    resolved = detect_test_command(root, command)
    if resolved is None:
        return None
    proc = await asyncio.create_subprocess_exec(
        "sh",
        "-c",
        resolved,
        cwd=root,
        env=safe_environment(root, env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        async with asyncio.timeout(timeout_s):
            raw = await _read_capped(proc)
            code = await proc.wait()
    except TimeoutError:
        _kill_group(proc)
        await proc.wait()
        return TestOutcome(resolved, 0, 1, False, f"timed out after {timeout_s:g}s")
    finally:
        if proc.returncode is None:
            _kill_group(proc)
            await proc.wait()
    return _outcome(resolved, code, raw.decode("utf-8", errors="replace"))


def run_tests_sync(
    root: Path, command: str | None = None, *, timeout_s: float = 300.0
) -> TestOutcome | None:
    """Blocking wrapper of `run_tests` for callers outside an event loop."""
    return asyncio.run(run_tests(root, command, timeout_s=timeout_s))


def regression_reason(before: TestOutcome | None, after: TestOutcome | None) -> str | None:
    """Say how `after` is worse than `before`, or None when it is not.

    Worse means: tests that ran before no longer run, more failures, fewer passes, or a
    green suite that turned red. A command that could not run on the original either (a
    program of it is not installed) is not run on the result: `after` is None then, and
    that is no regression.
    """
    if before is None:
        return None
    if after is None:
        # a command that could not run before was not run again (see `could_not_run`)
        return None if before.could_not_run else "the test command no longer runs"
    if before.ok and not after.ok:
        return f"tests failed after the change ({after.failed} failing, {after.passed} passing)"
    if after.failed > before.failed:
        return f"failing tests went from {before.failed} to {after.failed}"
    if after.passed < before.passed:
        return f"passing tests went from {before.passed} to {after.passed}"
    return None


def could_not_run_note(before: TestOutcome | None) -> str | None:
    """What a report says of a test command that could not run on the original project (and
    so was not run on the result); None when it ran there, or there is none."""
    if before is None or not before.could_not_run:
        return None
    return (
        f"tests not run: `{before.command}` exits {before.exit_code} on the original project "
        "too (a program it runs is not installed)"
    )


def _outcome(command: str, code: int, output: str) -> TestOutcome:
    counts = parse_test_counts(output)
    if counts is None:
        counts = TestCounts(passed=0, failed=0 if code == 0 else 1)
    ok = code == 0 and counts.failed == 0
    if not ok and counts.failed == 0:
        counts = TestCounts(passed=counts.passed, failed=1)  # non-zero exit is a failure
    return TestOutcome(
        command, counts.passed, counts.failed, ok, output[-OUTPUT_TAIL_CHARS:], exit_code=code
    )


async def _read_capped(proc: asyncio.subprocess.Process) -> bytes:
    """Read stdout to EOF, keeping at most the last `_MAX_CAPTURE_BYTES`."""
    assert proc.stdout is not None
    chunks: list[bytes] = []
    size = 0
    while chunk := await proc.stdout.read(65536):
        chunks.append(chunk)
        size += len(chunk)
        while size > _MAX_CAPTURE_BYTES and len(chunks) > 1:
            size -= len(chunks.pop(0))
    return b"".join(chunks)


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
