"""Bad input through a real run: a clear outcome (report or one-line error), never a crash,
and the workspace left as the original or the fully applied result."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .faultserver import FaultConfig, FaultServer, agent_responder
from .fsutil import write
from .harness import Arena
from .runs import real_run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ not present"),
]


def empty(root: Path) -> None:
    shutil.rmtree(root)
    root.mkdir()


def no_javascript(root: Path) -> None:
    empty(root)
    write(root, "README.md", "# docs only\n")
    write(root, "tool.py", "print('hi')\n")


def syntax_error(root: Path) -> None:
    write(root, "src/broken.js", "export function (a, {\n  return a +;\n")


def binary_js(root: Path) -> None:
    (root / "src/blob.js").write_bytes(bytes(range(256)) * 8)


def latin1_js(root: Path) -> None:
    (root / "src/latin1.js").write_bytes("export const s = 'café';\n".encode("latin-1"))


def huge_js(root: Path) -> None:
    line = "export const v{n} = {n};\n"
    write(root, "src/huge.js", "".join(line.format(n=n) for n in range(200_000)))


def broken_tsconfig(root: Path) -> None:
    write(root, "tsconfig.json", "{ this is not json\n")


def failing_tests(root: Path) -> None:
    write(
        root,
        "test/fails.test.js",
        "import test from 'node:test';\ntest('x', () => { throw new Error('red'); });\n",
    )


TSCONFIG_BUG = pytest.mark.xfail(
    strict=True,
    reason="swarm/synthesis.py: a tsc diagnostic without a file ('') reaches "
    "StagedWorkspace.owner_of -> SandboxViolation \"refused path ''\", not a clear error",
)
CASES = [
    pytest.param(empty, id="empty"),
    pytest.param(no_javascript, id="no_javascript"),
    pytest.param(syntax_error, id="syntax_error"),
    pytest.param(binary_js, id="binary_js"),
    pytest.param(latin1_js, id="latin1_js"),
    pytest.param(huge_js, id="huge_js", marks=pytest.mark.slow),
    pytest.param(broken_tsconfig, id="broken_tsconfig"),
    pytest.param(failing_tests, id="failing_tests"),
]


@pytest.mark.parametrize("make", CASES)
async def test_bad_input_gets_a_clear_outcome(tmp_path: Path, make: Callable[[Path], None]) -> None:
    arena = Arena.create(tmp_path, EXAMPLES)
    make(arena.root)
    arena.retake()
    with FaultServer(FaultConfig(), agent_responder) as server:
        outcome = await real_run(arena, server, max_agents=16)
    assert outcome.crash is None, outcome.crash
    assert outcome.verdict.ok and outcome.consistent, outcome.verdict
    if outcome.error is not None:
        assert outcome.user_input, outcome.error
    else:
        assert outcome.report is not None and outcome.report.reason
