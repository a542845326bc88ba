"""Fault-injection benchmark: real runs against a misbehaving model server, plus apply chaos.

Each run copies a project into a fresh arena (workspace + sentinel directory + fake HOME),
starts a real run through `kimi_code.swarm.api.start_run` with the real OpenAI-compatible
client pointed at `tests/reliability/faultserver.py`, injects faults at the given rate
(and cancels some runs at a random point), then checks that the workspace is byte-for-byte
the original or the fully applied result and that nothing outside it changed. Apply chaos
adds I/O errors, interrupts and SIGKILLs in the middle of applying, then `recover`/undo.

    .venv/bin/python benchmarks/fault_bench.py --runs 20 --agents 100 --rate 0.3
    .venv/bin/python benchmarks/fault_bench.py --project synthetic:120 --runs 5 --json
    .venv/bin/python benchmarks/fault_bench.py --project corpus:semver@7.8.6 --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.reliability.chaos import SCENARIOS, run_scenario  # noqa: E402
from tests.reliability.cli_driver import interrupt_run  # noqa: E402
from tests.reliability.faultserver import (  # noqa: E402
    FAULT_KINDS,
    FaultConfig,
    FaultServer,
    agent_responder,
)
from tests.reliability.harness import (  # noqa: E402
    Arena,
    Verdict,
    plant_hostile,
    synthetic_project,
)
from tests.reliability.runs import real_run  # noqa: E402

CORPUS_CACHE = Path(os.environ.get("CORPUS_HOME", "~/.cache/js-ts-corpus")).expanduser() / "cache"


class CrashCounter(logging.Handler):
    """Counts log records that carry a traceback (a contained crash) instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.crashes: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            self.crashes[f"{type(exc).__module__}.{type(exc).__name__}"] += 1


CRASHES = CrashCounter()


def project_source(spec: str, scratch: Path) -> Path:
    """Resolve --project: 'examples', 'synthetic:N' or 'corpus:PKG@VER' (from bench.py's cache)."""
    if spec == "examples":
        return REPO / "examples"
    if spec.startswith("synthetic:"):
        return synthetic_project(scratch / "synthetic", int(spec.split(":", 1)[1]))
    if spec.startswith("corpus:"):
        pkg = CORPUS_CACHE / spec.split(":", 1)[1] / "pkg"
        if not pkg.is_dir():
            raise SystemExit(f"{pkg}: not cached; run /work/shared/corpus/bench.py once first")
        dest = scratch / "corpus"
        shutil.copytree(pkg, dest, ignore=shutil.ignore_patterns("node_modules"))
        return dest
    raise SystemExit(f"--project {spec!r}: use examples, synthetic:N or corpus:PKG@VER")


async def bench_runs(args: argparse.Namespace, source: Path, scratch: Path) -> dict[str, Any]:
    rng = random.Random(args.seed)
    faults: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    verdicts: list[Verdict] = []
    cancellations = crashes = inconsistent = requests = 0
    crash_kinds: Counter[str] = Counter()
    started = time.monotonic()
    for i in range(args.runs):
        arena = Arena.create(scratch / f"run{i}", source)
        if args.hostile:
            plant_hostile(arena)
        cancel_after = rng.uniform(0.0, 3.0) if rng.random() < args.cancel_rate else None
        config = FaultConfig.uniform(args.rate, seed=args.seed * 1000 + i, kinds=args.kinds)
        with FaultServer(config, agent_responder) as server:
            outcome = await real_run(
                arena, server, max_agents=args.agents, cancel_after=cancel_after
            )
            stats = server.stats()
        requests += stats["requests"]
        faults.update(stats["faults"])
        cancellations += int(outcome.cancelled)
        if outcome.crash:
            crashes += 1
            crash_kinds[outcome.crash.split(":")[1].strip()] += 1
        inconsistent += int(not outcome.consistent)
        report = outcome.report
        statuses[report.status if report else ("crash" if outcome.crash else "error")] += 1
        verdicts.append(outcome.verdict)
        if not args.json:
            print(f"run {i}: {statuses_line(outcome)} faults={dict(stats['faults'])}", flush=True)
        shutil.rmtree(arena.base, ignore_errors=True)
    return {
        "runs": args.runs,
        "agents": args.agents,
        "model_requests": requests,
        "faults_injected": sum(faults.values()),
        "faults_by_kind": dict(sorted(faults.items())),
        "cancellations": cancellations,
        "run_status": dict(sorted(statuses.items())),
        "crashed_runs": crashes,
        "crash_kinds": dict(crash_kinds),
        "report_disagrees_with_disk": inconsistent,
        "contained_crashes_logged": dict(CRASHES.crashes),
        "seconds": round(time.monotonic() - started, 1),
        **totals(verdicts),
    }


def statuses_line(outcome: Any) -> str:
    report = outcome.report
    what = report.status if report else (outcome.crash or outcome.error)
    return f"{what} -> workspace {outcome.verdict.state}, cancelled={outcome.cancelled}"


def bench_apply(args: argparse.Namespace, source: Path, scratch: Path) -> dict[str, Any]:
    rng = random.Random(args.seed + 1)
    faults: Counter[str] = Counter()
    verdicts: list[Verdict] = []
    for i in range(args.apply_chaos):
        scenario = SCENARIOS[i % len(SCENARIOS)]
        arena = Arena.create(scratch / f"apply{i}", source)
        outcome = run_scenario(arena, scenario, rng, run_id=f"chaos-{i}")
        faults.update(outcome.faults)
        verdicts.append(outcome.verdict)
        shutil.rmtree(arena.base, ignore_errors=True)
    return {
        "scenarios": args.apply_chaos,
        "faults_by_kind": dict(sorted(faults.items())),
        **totals(verdicts),
    }


def bench_cli(args: argparse.Namespace, source: Path, scratch: Path) -> dict[str, Any]:
    rng = random.Random(args.seed + 2)
    signals: Counter[str] = Counter()
    verdicts: list[Verdict] = []
    tracebacks = resumed = resume_failed = 0
    for i in range(args.cli_cancels):
        arena = Arena.create(scratch / f"cli{i}", source)
        config = FaultConfig(rates={"latency": 0.3}, seed=args.seed + i, latency_s=0.1)
        with FaultServer(config, agent_responder) as server:
            result = interrupt_run(arena, server, rng, kill=i % 2 == 1, agents=args.agents)
        signals[result.signal] += 1
        tracebacks += int(result.traceback)
        resumed += int(result.resumed)
        resume_failed += int(result.resumed and result.resume_rc != 0)
        verdicts.append(result.verdict)
        if not args.json:
            print(f"cli {i}: {result.signal} rc={result.returncode} -> {result.verdict.state}")
        shutil.rmtree(arena.base, ignore_errors=True)
    return {
        "interruptions": args.cli_cancels,
        "by_signal": dict(sorted(signals.items())),
        "resumed_after_kill": resumed,
        "resume_failed": resume_failed,
        "tracebacks_shown": tracebacks,
        **totals(verdicts),
    }


def totals(verdicts: list[Verdict]) -> dict[str, int]:
    return {
        "files_checked": sum(v.files_checked for v in verdicts),
        "files_lost_or_corrupted": sum(len(v.lost_or_corrupted) for v in verdicts),
        "writes_outside_workspace": sum(len(v.outside_writes) for v in verdicts),
        "left_original": sum(v.state == "original" for v in verdicts),
        "fully_applied": sum(v.state == "applied" for v in verdicts),
        "mixed": sum(v.state == "mixed" for v in verdicts),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=10, help="real runs (default 10)")
    p.add_argument("--agents", type=int, default=100, help="max agents per run (default 100)")
    p.add_argument("--rate", type=float, default=0.3, help="fault probability per request")
    p.add_argument("--kinds", default=",".join(FAULT_KINDS), help="fault kinds, comma-separated")
    p.add_argument("--cancel-rate", type=float, default=0.2, help="share of runs cancelled")
    p.add_argument("--apply-chaos", type=int, default=30, help="apply-level chaos scenarios")
    p.add_argument("--cli-cancels", type=int, default=6, help="CLI runs hit by SIGINT/SIGKILL")
    p.add_argument("--project", default="examples", help="examples | synthetic:N | corpus:PKG")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--hostile", action="store_true", help="plant symlinks to outside and a prompt injection"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    args.kinds = tuple(k for k in args.kinds.split(",") if k)
    unknown = set(args.kinds) - set(FAULT_KINDS)
    if unknown:
        p.error(f"unknown fault kinds: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.getLogger().addHandler(CRASHES)
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="kimi-fault-bench-") as tmp:
        scratch = Path(tmp)
        source = project_source(args.project, scratch)
        home = scratch / "home"
        home.mkdir()
        os.environ["HOME"] = str(home)  # a run must never need (or touch) the real HOME
        runs = asyncio.run(bench_runs(args, source, scratch))
        chaos = bench_apply(args, source, scratch)
        clis = bench_cli(args, source, scratch)
    result = {
        "project": args.project,
        "hostile": args.hostile,
        "seed": args.seed,
        "runs": runs,
        "apply_chaos": chaos,
        "cli_interruptions": clis,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    parts = (runs, chaos, clis)
    bad = sum(r["files_lost_or_corrupted"] + r["writes_outside_workspace"] for r in parts)
    return 1 if bad else 0


def print_table(result: dict[str, Any]) -> None:
    runs, chaos, clis = result["runs"], result["apply_chaos"], result["cli_interruptions"]
    parts = (runs, chaos, clis)
    print(f"\nfault bench on {result['project']} (seed {result['seed']})")
    rows = [
        ("real runs", runs["runs"]),
        ("max agents per run", runs["agents"]),
        ("model requests", runs["model_requests"]),
        ("faults injected", runs["faults_injected"]),
        *((f"  {k}", v) for k, v in runs["faults_by_kind"].items()),
        ("cancellations", runs["cancellations"]),
        ("run outcomes", runs["run_status"]),
        ("runs that crashed (no report)", runs["crashed_runs"]),
        ("report disagrees with disk", runs["report_disagrees_with_disk"]),
        ("tracebacks logged (contained)", runs["contained_crashes_logged"]),
        ("files checked (runs)", runs["files_checked"]),
        ("apply chaos scenarios", chaos["scenarios"]),
        *((f"  {k}", v) for k, v in chaos["faults_by_kind"].items()),
        ("files checked (apply chaos)", chaos["files_checked"]),
        ("CLI runs interrupted", clis["by_signal"]),
        ("  resumed after SIGKILL", clis["resumed_after_kill"]),
        ("  resume failed", clis["resume_failed"]),
        ("  tracebacks shown", clis["tracebacks_shown"]),
        ("files checked (CLI)", clis["files_checked"]),
        ("files lost or corrupted", sum(p["files_lost_or_corrupted"] for p in parts)),
        ("writes outside the workspace", sum(p["writes_outside_workspace"] for p in parts)),
        ("seconds (runs)", runs["seconds"]),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    raise SystemExit(main())
