"""JS->TS corpus benchmark: ts-migrate and Kimi Code side by side in one run.

Runs the shared, read-only harness (`/work/shared/corpus/bench.py`, or `$CORPUS_BENCH`)
twice, once per converter, and prints both tables and the ratios the JS->TS issue sets as
its bar (any <= 20% and suppressions <= 5% of ts-migrate's, 0 strict errors, tests pass,
wall time below ts-migrate's). Kimi Code runs as the product does: `kimi-code refactor
js-to-ts DIR --yes --json` with the embedded default model (`--driver`: the sequential driver
without a model instead). The load average is printed around each run: the machine may be
shared, and timings are only comparable under like load. Caches and results go under
`$CORPUS_HOME`.

    .venv/bin/python benchmarks/corpus_bench.py [--only qs,minimist] [-j 2] [--skip-baseline]
        [--driver] [--corpus benchmarks/heldout_corpus.json]

`--corpus` measures another package list in the same format: `heldout_corpus.json` holds 26
npm packages the recipe was not developed on (the issue's bar is also measured on packages we
have not seen), `heldout2_corpus.json` 22 more, first run after the recipe was tuned on the
first set, `heldout_esm_corpus.json` 11 published as ES modules; results are labelled with the
file's name.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(os.environ.get("CORPUS_BENCH", "/work/shared/corpus/bench.py"))
HOME = Path(os.environ.get("CORPUS_HOME", Path.home() / ".cache" / "js-ts-corpus"))


def _kimi_command(driver: bool) -> str:
    if driver:
        # The sequential driver without a model (for comparisons); the corpus copies hold
        # sources only (no test files), so its own test run is skipped there.
        python = ROOT / ".venv" / "bin" / "python"
        return f"{python} -m kimi_code.recipes.js_to_ts {{dir}} --no-tests --json"
    # The product: the swarm with the embedded default model, applying what verifies.
    return f"{ROOT / '.venv' / 'bin' / 'kimi-code'} refactor js-to-ts {{dir}} --yes --json"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def _run(label: str, converter: str, extra: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, str(BENCH), "--converter", converter, "--label", label, *extra]
    # an outer PYTHONPATH is kept after the repository (e.g. a profiling sitecustomize)
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, CORPUS_HOME=str(HOME), PYTHONPATH=path)
    print(f"== {label}: {converter}\n   before: {_load()}", flush=True)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    print(f"   after:  {_load()}")
    print(proc.stdout)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"bench.py failed for {label} (exit {proc.returncode})")
    summary: dict[str, Any] = json.loads((HOME / "results" / f"{label}.json").read_text())
    return summary


def _ratio(ours: float, theirs: float) -> str:
    return "n/a" if not theirs else f"{100 * ours / theirs:.1f}%"


def main() -> int:
    """Run both converters and print the comparison."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--only", default="")
    ap.add_argument("-j", "--jobs", default="2", help="packages converted at once (bench.py -j)")
    ap.add_argument(
        "--driver",
        action="store_true",
        help="run the sequential driver without a model instead of `kimi-code refactor`",
    )
    ap.add_argument("--skip-baseline", action="store_true", help="run Kimi Code only")
    ap.add_argument("--corpus", type=Path, help="another package list (bench.py's format)")
    args = ap.parse_args()
    extra = ["-j", args.jobs] + (["--only", args.only] if args.only else [])
    suffix = ""
    if args.corpus:
        extra += ["--corpus", str(args.corpus.resolve())]
        suffix = f"-{args.corpus.stem}"
    kimi = _run(f"kimi{suffix}", _kimi_command(args.driver), extra)
    if args.skip_baseline:
        return 0
    migrate = f"bash {BENCH.parent / 'converters' / 'ts-migrate.sh'} {{dir}}"
    tsm = _run(f"ts-migrate{suffix}", migrate, extra)
    t, k = tsm["totals"], kimi["totals"]
    k_supp = k["exp"] + k["ign"] + k["nochk"] + k["short"]
    t_supp = t["exp"] + t["ign"] + t["nochk"] + t["short"]
    k_conv = sum(r.get("convert", {}).get("secs") or 0 for r in kimi["results"])
    t_conv = sum(r.get("convert", {}).get("secs") or 0 for r in tsm["results"])
    rows = [
        ("tsc strict errors", t["strict"], k["strict"], "0"),
        ("any", t["any"], k["any"], f"{_ratio(k['any'], t['any'])} (bar <= 20%)"),
        ("suppressions", t_supp, k_supp, f"{_ratio(k_supp, t_supp)} (bar <= 5%)"),
        ("files left JS", t["js"], k["js"], ""),
        ("smoke (export shape)", t["smoke"], k["smoke"], f"of {kimi['packages']}"),
        ("tests pass", t["pass"], k["pass"], f"of {k['tested']}"),
        ("converter seconds", round(t_conv, 1), round(k_conv, 1), _ratio(k_conv, t_conv)),
    ]
    print("\n== per package: converter seconds (ts-migrate | kimi)\n")
    secs = {r["spec"]: r.get("convert", {}).get("secs") for r in tsm["results"]}
    for r in kimi["results"]:
        ours = r.get("convert", {}).get("secs")
        print(f"{r['spec']:<24} | {secs.get(r['spec'])!s:>10} | {ours!s:>8}")
    print("\n== side by side\n")
    print(f"{'metric':<22} | {'ts-migrate':>10} | {'kimi':>8} | ratio")
    for name, a, b, note in rows:
        print(f"{name:<22} | {a!s:>10} | {b!s:>8} | {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
