"""`python -m kimi_code.recipes.js_to_ts DIR [--dry-run] [--json] [--no-tests]` (adapter).

The sequential driver of the JS->TS recipe, until `kimi-code refactor js-to-ts` drives it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from kimi_code.errors import KimiError, UserInputError
from kimi_code.recipes.js_to_ts.driver import convert


def main(argv: list[str] | None = None) -> int:
    """Run the driver: exit 0 when verified (and applied), 1 when refused, 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m kimi_code.recipes.js_to_ts")
    parser.add_argument("path", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="verify but do not write")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-tests", action="store_true", help="skip the project's tests")
    args = parser.parse_args(argv)
    try:
        report = asyncio.run(
            convert(args.path, apply=not args.dry_run, run_tests=not args.no_tests)
        )
    except UserInputError as exc:
        print(f"js-to-ts: error: {exc}", file=sys.stderr)
        return 2
    except KimiError as exc:
        print(f"js-to-ts: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    out = report.to_json()
    if args.json:
        print(json.dumps(out))
    else:
        for key, value in out.items():
            print(f"{key}: {value}")
    return 0 if report.verification.ok else 1


if __name__ == "__main__":
    sys.exit(main())
