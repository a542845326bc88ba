"""The TypeScript compiler as a verifier (core layer, verification).

`check_project` runs `tsc --noEmit` on a materialized copy of a project and maps each
diagnostic to a workspace-relative file. The compiler of record is TypeScript 5, as the
recipe's language service and the corpus benchmark use. The native `typescript@7` compiler
(about five times faster: 0.2 s against 1.1 s on a small package, most of it TypeScript 5
loading and parsing its libraries) answers first when the project's tsconfig.json is the one
the JS->TS recipe writes, whose options mean the same to both; its answer stands only when it
finds no error. Any error, and any other tsconfig.json (7 removed or changed options such as
`esModuleInterop: false`, `baseUrl` and `moduleResolution: node`), goes to TypeScript 5.
`type_metrics` counts `any` keywords and suppressions (`@ts-expect-error`, `@ts-ignore`,
`@ts-nocheck`, shorthand ambient modules); `strip_types` turns a copy's TypeScript back
into JavaScript at the original paths so the project's own tests can run against the
converted code.

Baseline: a project's "errors before" is what tsc reports on it before the change under
its own tsconfig.json, and 0 when it has no TypeScript to check (a plain JavaScript project
is not type-checked before conversion: checkJs findings are not errors of that project).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kimi_code.errors import ConfigError
from kimi_code.recipes.base import Diagnostic

__all__ = ["TscResult", "check_project", "parse_tsc_output", "strip_types", "type_metrics"]

NODE_DIR = Path(__file__).resolve().parent.parent / "recipes" / "js_to_ts" / "node"
_MODULES = NODE_DIR / "node_modules"
_LINE = re.compile(
    r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<msg>.*)$"
)
_VERIFY_CONFIG = "tsconfig.kimi-verify.json"


@dataclass(frozen=True, slots=True)
class TscResult:
    """One compiler run."""

    diagnostics: tuple[Diagnostic, ...]
    """Errors mapped to project-relative files."""
    fatal: str | None = None
    """Set when tsc failed without reporting per-file errors (bad config, crash)."""
    compiler: str = "typescript"
    """The compiler that answered: `typescript` (5) or `typescript7` (native)."""

    @property
    def errors(self) -> int:
        """Number of errors (a fatal failure counts as one)."""
        return len(self.diagnostics) + (1 if self.fatal else 0)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ConfigError("node (>= 20) is not on PATH; TypeScript checking needs it")
    return node


def _tsc() -> list[str]:
    # TypeScript 5 first: the same compiler as the helper's language service and the corpus
    # benchmark, so what the recipe fixed is what verification sees; 7 (native) as a fallback.
    for package in ("typescript", "typescript7"):
        if (_MODULES / package / "bin" / "tsc").is_file():
            return [_node(), str(_MODULES / package / "bin" / "tsc")]
    raise ConfigError(f"{NODE_DIR}: TypeScript is not installed; run `make setup` (npm ci)")


def _native_tsc() -> list[str] | None:
    """The native TypeScript 7 compiler, when it is installed next to TypeScript 5."""
    shim = _MODULES / "typescript7" / "bin" / "tsc"
    return [_node(), str(shim)] if shim.is_file() and (_MODULES / "typescript").is_dir() else None


def _written_by_recipe(project: Path) -> bool:
    """Whether `project`'s tsconfig.json is exactly the one the JS->TS recipe writes."""
    from kimi_code.recipes.js_to_ts.project import is_recipe_tsconfig

    try:
        return is_recipe_tsconfig(json.loads((project / "tsconfig.json").read_text("utf-8")))
    except (OSError, ValueError):
        return False


def parse_tsc_output(output: str, project: Path) -> list[Diagnostic]:
    """Parse `tsc --pretty false` output into diagnostics with project-relative paths."""
    found = []
    for line in output.splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        file = Path(match["file"])
        if file.is_absolute():
            with contextlib.suppress(ValueError):
                file = file.relative_to(project)
        found.append(
            Diagnostic(
                file.as_posix(), int(match["line"]), int(match["col"]), match["code"], match["msg"]
            )
        )
    return found


def _write_verify_config(project: Path) -> Path:
    """A config extending the project's own one, with types found even without node_modules."""
    config: dict[str, Any] = {"compilerOptions": {"noEmit": True}}
    if (project / "tsconfig.json").is_file():
        config["extends"] = "./tsconfig.json"
    else:
        from kimi_code.recipes.js_to_ts.project import TSCONFIG

        config = json.loads(json.dumps(TSCONFIG))
    if not (project / "node_modules" / "@types" / "node").is_dir():
        roots = [str(project / "node_modules" / "@types"), str(_MODULES / "@types")]
        config["compilerOptions"]["typeRoots"] = roots
    path = project / _VERIFY_CONFIG
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


async def check_project(project: Path, *, timeout_s: float = 300.0) -> TscResult:
    """Run `tsc --noEmit` on the project at `project` (a materialized copy: files are added).

    The native compiler answers first where its answer means the same (see the module
    docstring); TypeScript 5 has the last word on every error.

    Raises:
        ConfigError: node or TypeScript is missing.
    """
    config = _write_verify_config(project)
    try:
        native = _native_tsc() if _written_by_recipe(project) else None
        if native is not None:
            fast = await _run_tsc(native, config, project, timeout_s)
            if not fast.errors:
                return fast
        return await _run_tsc(_tsc(), config, project, timeout_s)
    finally:
        config.unlink(missing_ok=True)


async def _run_tsc(tsc: list[str], config: Path, project: Path, timeout_s: float) -> TscResult:
    compiler = Path(tsc[-1]).parent.parent.name  # node_modules/<package>/bin/tsc
    proc = await asyncio.create_subprocess_exec(
        *tsc, "-p", str(config), "--pretty", "false",
        cwd=project, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        async with asyncio.timeout(timeout_s):
            raw, _ = await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return TscResult((), fatal=f"tsc timed out after {timeout_s:g}s", compiler=compiler)
    output = raw.decode("utf-8", errors="replace")
    diagnostics = [d for d in parse_tsc_output(output, project) if d.code != "TS18003"]
    if "TS18003" in output and not diagnostics:  # no inputs: nothing to check
        return TscResult((), compiler=compiler)
    fatal = None
    if proc.returncode and not diagnostics:
        fatal = output.strip()[-500:] or f"tsc exited with {proc.returncode}"
    return TscResult(tuple(diagnostics), fatal, compiler)


async def _run_node_script(*args: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        _node(), str(NODE_DIR / "strip.js"), *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise ConfigError(f"strip.js {args[0]} failed: {err.decode(errors='replace')[-300:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def type_metrics(project: Path) -> dict[str, int]:
    """Count `any` keywords and suppressions in the TypeScript files under `project`.

    Raises:
        ConfigError: node or the helper's packages are missing.
    """
    return {k: int(v) for k, v in (await _run_node_script("metrics", str(project))).items()}


async def strip_types(project: Path, *, esm: bool) -> list[str]:
    """Replace every TypeScript file under `project` with its type-stripped JavaScript.

    Returns the project-relative files whose transpilation reported errors.

    Raises:
        ConfigError: node or the helper's packages are missing.
    """
    result = await _run_node_script("strip", str(project), "module" if esm else "commonjs")
    return [str(e) for e in result.get("errors", [])]
