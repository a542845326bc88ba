"""The contract between recipes and the swarm (core layer).

A recipe turns a workspace into per-file work and offers its operations as tools. The
swarm runs one agent per task; an agent calls tools either as the model chooses
(model-driven policy) or in the order `Recipe.steps` gives (recipe-driven policy). Tools
never write files: they return `FileChange`s, which the coordinator stages in memory
(ownership and stale-write checks happen there) and applies all-or-nothing at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kimi_code.llm.types import ChatBackend, ToolSpec
from kimi_code.model.changes import FileChange

if TYPE_CHECKING:  # the index is imported for typing only; recipes get it at run time
    from kimi_code.index import WorkspaceIndex


class Workspace(Protocol):
    """The workspace as agents see it: disk plus staged changes, sandboxed to `root`."""

    @property
    def root(self) -> Path:
        """Absolute workspace root."""
        ...

    def read_text(self, path: str) -> str:
        """Current text of `path` (staged if staged, else disk).

        Raises:
            SandboxViolation: the path leads outside the workspace.
            UserInputError: the file is missing, binary or not UTF-8.
        """
        ...

    def exists(self, path: str) -> bool:
        """Whether `path` exists in the current (staged) view."""
        ...

    def files(self) -> list[str]:
        """Every workspace-relative file path in the current (staged) view."""
        ...


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One compiler or test diagnostic, mapped to a workspace file."""

    file: str
    line: int
    column: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """Result of running the project's own test command."""

    command: str
    passed: int
    failed: int
    ok: bool
    output_tail: str = ""
    exit_code: int | None = None
    """The command's exit status (None: it was killed, e.g. on timeout)."""

    @property
    def could_not_run(self) -> bool:
        """The shell could not run the command (status 126 or 127: a program of it is not
        installed or not executable) and no runner reported a test."""
        return self.exit_code in (126, 127) and self.passed == 0 and self.failed <= 1


@dataclass(frozen=True, slots=True)
class Verification:
    """Whole-project verification of a staged result."""

    ok: bool
    """True when the result is no worse than the baseline and passes the recipe's bar."""
    errors_before: int
    errors_after: int
    diagnostics: tuple[Diagnostic, ...] = ()
    tests_before: TestOutcome | None = None
    tests_after: TestOutcome | None = None
    summary: str = ""
    metrics: Mapping[str, Any] = field(default_factory=dict)
    """Recipe-specific figures (e.g. any_count, suppressions)."""


@dataclass(slots=True)
class ToolContext:
    """What a tool handler may use. Handlers must not touch the filesystem directly."""

    workspace: Workspace
    index: WorkspaceIndex | None
    backend: ChatBackend | None
    agent_id: str
    files: tuple[str, ...]
    """Files the calling agent owns (original workspace-relative paths)."""
    state: dict[str, Any] = field(default_factory=dict)
    """Per-agent scratch state shared between the agent's tool calls."""


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What a tool returns: text for the model, and changes for the coordinator to stage."""

    ok: bool
    content: str
    """Shown to the model as the tool message (keep it short; JSON or plain text)."""
    changes: tuple[FileChange, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)


ToolHandler = Callable[[ToolContext, dict[str, Any]], Awaitable[ToolResult]]


@dataclass(frozen=True, slots=True)
class Tool:
    """A named operation with a JSON-schema signature."""

    spec: ToolSpec
    handler: ToolHandler

    @property
    def name(self) -> str:
        """The tool's name."""
        return self.spec.name


class Recipe(Protocol):
    """A refactor recipe."""

    name: str
    description: str

    def select_files(self, index: WorkspaceIndex, scope: Sequence[str] | None) -> list[str]:
        """The workspace-relative files the recipe converts (within `scope` if given)."""
        ...

    def tools(self) -> Sequence[Tool]:
        """The recipe's operations, offered to agents next to the generic tools."""
        ...

    def steps(self, files: Sequence[str]) -> Sequence[tuple[str, dict[str, Any]]]:
        """The recipe-driven policy: tool calls (name, arguments) an agent makes, in order."""
        ...

    async def prepare(self, workspace: Workspace, index: WorkspaceIndex) -> Sequence[FileChange]:
        """Project-level changes made once before agents run (e.g. tsconfig.json)."""
        ...

    async def verify(self, workspace: Workspace, index: WorkspaceIndex) -> Verification:
        """Verify the staged result of the whole project against its baseline."""
        ...

    def fixup_steps(
        self, files: Sequence[str], diagnostics: Sequence[Diagnostic]
    ) -> Sequence[tuple[str, dict[str, Any]]]:
        """Tool calls for a fix-up round on `files` given the diagnostics mapped to them."""
        ...


def warm_up(recipe: Recipe, root: Path) -> asyncio.Task[None] | None:
    """Start the optional `warm_up(root)` hook of `recipe` in the background: what its first
    step needs (the JS->TS recipe's Node helper: loading TypeScript takes a quarter of a second)
    starts while the run indexes and plans. Its failure is left for that step to meet.
    """
    hook = getattr(recipe, "warm_up", None)
    if not callable(hook):
        return None

    async def run() -> None:
        with contextlib.suppress(Exception):
            await hook(root)

    return asyncio.create_task(run())


async def conclude(recipe: Recipe, workspace: Workspace) -> Sequence[FileChange]:
    """The optional `conclude(workspace)` hook of `recipe`: changes to the project files no
    agent owns (the JS->TS recipe's generated declarations), made once the agents and the
    polish round are done, before verification. A recipe without the hook makes none.
    """
    hook = getattr(recipe, "conclude", None)
    return list(await hook(workspace)) if callable(hook) else []


def polish_steps(recipe: Recipe, files: Sequence[str]) -> Sequence[tuple[str, dict[str, Any]]]:
    """The optional `polish_steps(files)` hook of `recipe`: tool calls run once every agent
    has finished, before verification (e.g. types that flow from call sites in other files).

    A recipe without the hook has no polish round (returns no steps).
    """
    hook = getattr(recipe, "polish_steps", None)
    return list(hook(files)) if callable(hook) else []
