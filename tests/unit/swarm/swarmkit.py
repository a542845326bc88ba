"""Test seams for swarm and planner tests: an in-memory index, a test recipe, a run helper.

The index is built from real `kimi_code.index.model` values over files on disk; the recipe
("shout") upper-cases `.js` files and renames them to `.ts`, verifies that no staged file
still contains the marker `ERR`, and fixes that marker in fix-up rounds.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimi_code.index.model import Export, FileIndex, Import, Param, Reference, Span, Symbol
from kimi_code.llm.scripted import ScriptedBackend, Turn
from kimi_code.llm.types import BackendInfo, ToolSpec
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.model.events import AgentEvent
from kimi_code.recipes.base import (
    Diagnostic,
    TestOutcome,
    Tool,
    ToolContext,
    ToolResult,
    Verification,
    Workspace,
)
from kimi_code.swarm.api import RunHandle, RunReport, RunRequest, start_run

SPAN = Span(0, 0, 0, 1, 0, 1)
IMPORT_RE = re.compile(r"""require\(['"]\./([\w.-]+)['"]\)""")
EXPORT_RE = re.compile(r"function (\w+)\(([^)]*)\)")


@dataclass
class FakeIndex:
    """Just enough of `WorkspaceIndex` for the planner and the tools."""

    root: Path
    files: dict[str, FileIndex] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    refs: dict[tuple[str, str], list[Reference]] = field(default_factory=dict)

    def dependencies(self, path: str) -> list[str]:
        return sorted({i.resolved for i in self.files[path].imports if i.resolved})

    def dependents(self, path: str) -> list[str]:
        return sorted(p for p in self.files if path in self.dependencies(p))

    def references(self, path: str, name: str) -> list[Reference]:
        return self.refs.get((path, name), [])


def index_dir(root: Path) -> FakeIndex:
    """Index `*.js` files: `require('./x.js')` imports, `function f(a, b)` exports."""
    index = FakeIndex(root)
    for file in sorted(root.rglob("*.js")):
        rel = file.relative_to(root).as_posix()
        text = file.read_text()
        imports = tuple(
            Import(m.group(1), "require", (), SPAN, resolved=m.group(1))
            for m in IMPORT_RE.finditer(text)
        )
        symbols = tuple(
            Symbol(
                m.group(1),
                "function",
                SPAN,
                tuple(Param(p.strip()) for p in m.group(2).split(",") if p.strip()),
            )
            for m in EXPORT_RE.finditer(text)
        )
        exports = tuple(Export(s.name, "function", SPAN) for s in symbols)
        index.files[rel] = FileIndex(
            rel,
            "javascript",
            content_hash(text),
            len(text),
            False,
            "cjs",
            symbols,
            imports,
            exports,
        )
    for rel, info in index.files.items():
        for imp in info.imports:
            for export in index.files.get(imp.resolved or "", info).exports:
                ref = Reference(rel, SPAN, True, ("1", "2"))
                index.refs.setdefault((imp.resolved or "", export.name), []).append(ref)
    return index


def make_tree(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".kimi" not in p.parts
    }


class ShoutRecipe:
    """Upper-case every `.js` file and rename it `.ts` (a test recipe)."""

    name = "shout"
    description = "upper-case JavaScript files"

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.active = 0
        self.peak = 0
        self.delay = 0.0
        self.slow: set[str] = set()
        self.verify_calls = 0
        self.touch: dict[str, str] = {}
        """file -> another agent's file that shouting it also edits (a foreign edit)."""

    def select_files(self, index: Any, scope: Sequence[str] | None) -> list[str]:
        return sorted(p for p in index.files if not scope or any(p.startswith(s) for s in scope))

    def tools(self) -> Sequence[Tool]:
        spec = ToolSpec(
            "shout",
            "upper-case a file",
            {"type": "object", "properties": {"path": {"type": "string"}}},
        )
        fix = ToolSpec(
            "fix",
            "remove ERR markers",
            {"type": "object", "properties": {"path": {"type": "string"}}},
        )
        return [Tool(spec, self._shout), Tool(fix, self._fix)]

    async def _shout(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        path = str(args["path"])
        self.calls[path] = self.calls.get(path, 0) + 1
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await asyncio.sleep(30 if path in self.slow else self.delay)
        finally:
            self.active -= 1
        text = ctx.workspace.read_text(path)
        if "stale" in path:  # someone edits the file on disk while the agent works
            (ctx.workspace.root / path).write_text("changed behind the agent's back\n")
        if "FAIL" in text:
            return ToolResult(False, f"{path}: cannot shout a file that says FAIL")
        new = text.upper().replace("ERR", "ERR")
        change = FileChange(path, new, content_hash(text), new_path=path[:-3] + ".ts")
        changes = [change]
        other = self.touch.get(path)
        if other is not None:
            old = ctx.workspace.read_text(other)
            touched = old + f"// touched by {path}\n"
            changes.append(FileChange(other, touched, content_hash(old)))
        return ToolResult(True, "ok", changes=tuple(changes))

    async def _fix(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        path = str(args["path"])
        target = path[:-3] + ".ts" if path.endswith(".js") else path
        text = ctx.workspace.read_text(target)
        change = FileChange(target, text.replace("ERR", "OK"), content_hash(text))
        return ToolResult(True, "fixed", changes=(change,))

    def steps(self, files: Sequence[str]) -> Sequence[tuple[str, dict[str, Any]]]:
        return [s for f in files for s in (("read_file", {"path": f}), ("shout", {"path": f}))]

    async def prepare(self, workspace: Workspace, index: Any) -> Sequence[FileChange]:
        return []

    async def verify(self, workspace: Workspace, index: Any) -> Verification:
        self.verify_calls += 1
        diags = tuple(
            Diagnostic(p, 1, 1, "E1", "ERR marker left")
            for p in workspace.files()
            if p.endswith(".ts") and "ERR" in workspace.read_text(p)
        )
        tests = TestOutcome("true", 1, 0, True)
        return Verification(
            ok=not diags,
            errors_before=0,
            errors_after=len(diags),
            diagnostics=diags,
            tests_after=tests,
            summary=f"{len(diags)} ERR markers",
            metrics={"any_count": 0, "suppressions": 0},
        )

    def fixup_steps(
        self, files: Sequence[str], diagnostics: Sequence[Diagnostic]
    ) -> Sequence[tuple[str, dict[str, Any]]]:
        return [("fix", {"path": f}) for f in files]


WEAK = BackendInfo(name="weak", model="weak", capable=False)


def js_files(n: int, body: str = "function f{i}(a, b) {{ return a + b; }}\n") -> dict[str, str]:
    return {f"src/m{i:02d}.js": body.format(i=i) for i in range(n)}


class Runner:
    """Start runs against a tree with a scripted backend and collect events."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.events: list[AgentEvent] = []
        self._waiters: list[tuple[Callable[[AgentEvent], bool], asyncio.Event]] = []

    def on_event(self, event: AgentEvent) -> None:
        self.events.append(event)
        for predicate, flag in self._waiters:
            if predicate(event):
                flag.set()

    async def wait_for(self, predicate: Callable[[AgentEvent], bool], times: int = 1) -> None:
        """Wait until `times` events matching `predicate` have been seen."""
        seen = [0]
        flag = asyncio.Event()

        def count(event: AgentEvent) -> bool:
            seen[0] += predicate(event)
            return seen[0] >= times

        for event in self.events:
            count(event)
        if seen[0] >= times:
            return
        self._waiters.append((count, flag))
        await asyncio.wait_for(flag.wait(), timeout=30)

    async def start(self, files: dict[str, str], backend: Any = None, **fields: Any) -> RunHandle:
        make_tree(self.root, files)
        fields.setdefault("recipe", "shout")
        fields.setdefault("dry_run", True)
        request = RunRequest(root=self.root, **fields)
        backend = backend or ScriptedBackend(lambda m: Turn(content=""), info=WEAK)
        return await start_run(
            request, on_event=self.on_event, backend=backend, index=index_dir(self.root)
        )

    async def run(self, files: dict[str, str], backend: Any = None, **fields: Any) -> RunReport:
        handle = await self.start(files, backend, **fields)
        return await handle.wait()

    def states(self, agent_id: str) -> list[str]:
        return [e.state.value for e in self.events if e.agent_id == agent_id]

    def count(self, predicate: Callable[[AgentEvent], bool]) -> int:
        return sum(1 for e in self.events if predicate(e))
