"""The Node helper pool: concurrent requests on their own processes, each answer right."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.errors import ConfigError
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes.js_to_ts.helper import HelperPool, helper_for, pool_size, shutdown_helpers

FILES = {
    # one strict error: the implicit-any parameter
    "a.ts": "export function twice(x) { return x * 2; }\n",
    # none
    "b.ts": "export const greet = (name: string): string => `hi ${name}`;\n",
    # two: a string assigned to a number, and an unknown name
    "c.ts": "export const n: number = 'no';\nexport const m = missing;\n",
}
ERRORS = {"a.ts": 1, "b.ts": 0, "c.ts": 2}


def _workspace(tmp_path: Path) -> StagedWorkspace:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    return StagedWorkspace(tmp_path)


async def test_concurrent_calls_run_on_two_processes_and_all_answer_right(
    tmp_path: Path,
) -> None:
    ws = _workspace(tmp_path)
    pool = HelperPool(tmp_path, 2)
    try:
        paths = ["a.ts", "b.ts", "c.ts", "a.ts"]
        results = await asyncio.gather(*(pool.call(ws, "error_count", path=p) for p in paths))
        assert [r["errors"] for r in results] == [ERRORS[p] for p in paths]
        assert pool.processes == 2
        # an inference step on one process while the other checks another file
        inferred, counted = await asyncio.gather(
            pool.call(ws, "infer", path="a.ts"), pool.call(ws, "error_count", path="c.ts")
        )
        assert "x: number" in inferred["text"] and inferred["errors"] == 0
        assert counted["errors"] == 2
    finally:
        await pool.close()


async def test_a_pool_of_one_serializes_and_sees_staged_changes(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    pool = HelperPool(tmp_path, 1)
    try:
        first = await asyncio.gather(*(pool.call(ws, "error_count", path=p) for p in FILES))
        assert [r["errors"] for r in first] == list(ERRORS.values())
        fixed = "export const n: number = 1;\nexport const m = 2;\n"
        ws.stage(FileChange("c.ts", fixed, content_hash(ws.read_text("c.ts"))))
        again = await pool.call(ws, "error_count", path="c.ts")
        assert again["errors"] == 0
        assert pool.processes == 1
    finally:
        await pool.close()


async def test_helper_for_sizes_the_pool_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIMI_JSTS_HELPERS", "3")
    try:
        assert helper_for(tmp_path).size == 3
    finally:
        await shutdown_helpers()
    monkeypatch.setenv("KIMI_JSTS_HELPERS", "zero")
    with pytest.raises(ConfigError, match="KIMI_JSTS_HELPERS"):
        pool_size()
    monkeypatch.delenv("KIMI_JSTS_HELPERS")
    # one helper per two CPUs (each keeps about 1.5 busy), 1 to 4
    assert [pool_size(n) for n in (1, 2, 3, 4, 8, 16)] == [1, 1, 1, 2, 4, 4]


async def test_try_edits_keeps_what_compiles_in_one_request(tmp_path: Path) -> None:
    source = (
        "export function f(v: any) { return String(v); }\n"
        "export function g(w: any) { return w.x; }\n"
    )
    (tmp_path / "a.ts").write_text(source)
    ws = StagedWorkspace(tmp_path)
    pool = HelperPool(tmp_path, 1)
    edits = [
        {"start": i, "end": i + 3, "text": "unknown"}
        for i in (source.index("any"), source.rindex("any"))
    ]
    try:
        result = await pool.call(ws, "try_edits", path="a.ts", edits=edits)
    finally:
        await pool.close()
    assert result["kept"] == 1 and result["errors"] == 0
    assert "f(v: unknown)" in result["text"] and "g(w: any)" in result["text"]


async def test_a_prestarted_process_answers_the_first_request(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    pool = HelperPool(tmp_path, 1)
    try:
        started = asyncio.create_task(pool.prestart())
        # the first request waits for the process the prestart opens, and no other starts
        result = await pool.call(ws, "error_count", path="c.ts")
        await started
        assert result["errors"] == 2 and pool.processes == 1
        await pool.prestart()  # one is running: nothing to do
        assert pool.processes == 1
    finally:
        await pool.close()


async def test_a_failed_prestart_leaves_the_error_to_the_first_request(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    (tmp_path / "tsconfig.json").write_text('{ "compilerOptions": { "strict": true }\n')
    pool = HelperPool(tmp_path, 1)
    try:
        with pytest.raises(ConfigError, match=r"tsconfig\.json:2:1: '}' expected"):
            await pool.prestart()
        (tmp_path / "tsconfig.json").write_text('{ "compilerOptions": { "strict": true } }\n')
        # the process that failed to open is gone; the next request starts one that reads
        # the mended config
        assert (await pool.call(ws, "error_count", path="c.ts"))["errors"] == 2
    finally:
        await pool.close()
