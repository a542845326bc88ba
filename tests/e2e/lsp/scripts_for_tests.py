"""Test seams for the language-server tests: model scripts and a small test recipe.

`backend_for(name)` returns the `ChatBackend` the scripted server hands to every run:
  none        no override: the server picks the backend from its settings (product path)
  weak        a non-tool-calling model, so agents follow the recipe's own steps; it plans
              a free-form instruction onto the files the instruction names
  slow        weak, and the test recipe's tool takes 1.5 s per file (time to cancel)

`register_test_recipe()` adds "to-ts-test": every `.js` file in scope is renamed to `.ts`
with a header line prepended; verification passes unless a converted file holds FAIL_MARK.
It exercises the real swarm (planner, coordinator, staged workspace) without depending on
the js-to-ts toolchain.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from typing import Any

from kimi_code.llm.scripted import ScriptedBackend, Turn
from kimi_code.llm.types import BackendInfo, ChatBackend, Message, ToolSpec
from kimi_code.model.changes import FileChange, content_hash
from kimi_code.recipes import registry
from kimi_code.recipes.base import Diagnostic, Tool, ToolContext, ToolResult, Verification

HEADER = "// converted by kimi (test recipe)\n"
FAIL_MARK = "// kimi-test: fail verification"
WEAK = BackendInfo(name="weak", model="weak", capable=False)


class ToTsTestRecipe:
    """Rename `.js` to `.ts` and prepend HEADER (a test recipe)."""

    name = "to-ts-test"
    description = "test recipe: rename .js to .ts with a header"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    def select_files(self, index: Any, scope: Sequence[str] | None) -> list[str]:
        return sorted(
            p
            for p in index.files
            if p.endswith(".js") and (not scope or any(p.startswith(s) for s in scope))
        )

    def tools(self) -> Sequence[Tool]:
        spec = ToolSpec(
            "to_ts",
            "rename a file to .ts",
            {"type": "object", "properties": {"path": {"type": "string"}}},
        )
        return [Tool(spec, self._to_ts)]

    async def _to_ts(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        await asyncio.sleep(self.delay)
        path = str(args["path"])
        text = ctx.workspace.read_text(path)
        change = FileChange(
            path, HEADER + text, content_hash(text), path[:-3] + ".ts", ctx.agent_id
        )
        return ToolResult(True, "renamed", (change,))

    def steps(self, files: Sequence[str]) -> Sequence[tuple[str, dict[str, Any]]]:
        return [("to_ts", {"path": f}) for f in files]

    async def prepare(self, workspace: Any, index: Any) -> Sequence[FileChange]:
        return []

    async def verify(self, workspace: Any, index: Any) -> Verification:
        converted = [p for p in workspace.files() if p.endswith(".ts")]
        bad = [p for p in converted if FAIL_MARK in workspace.read_text(p)]
        if bad:
            return Verification(ok=False, errors_before=0, errors_after=len(bad), summary="marked")
        return Verification(ok=True, errors_before=0, errors_after=0, summary="ok")

    def fixup_steps(
        self, files: Sequence[str], diagnostics: Sequence[Diagnostic]
    ) -> Sequence[tuple[str, dict[str, Any]]]:
        return []


def backend_for(name: str) -> ChatBackend | None:
    """The backend for script `name` (None: the product's own choice); registers the recipe."""
    if name == "none":
        return None
    if name not in ("weak", "slow"):
        raise SystemExit(f"unknown script {name!r}")
    recipe = ToTsTestRecipe(delay=1.5 if name == "slow" else 0.0)
    registry.register_recipe(recipe.name, lambda: recipe)
    return ScriptedBackend(_weak_answer, info=WEAK)


def _weak_answer(messages: Sequence[Message]) -> Turn:
    """A weak model: plans instruction runs onto the files the instruction names, and
    otherwise answers without tool calls (agents then change nothing)."""
    text = (messages[-1].content or "") if messages else ""
    if "Choose the files that must change" not in text:
        return Turn(content="")
    asked = text.split("These are the repository's files", 1)[0]
    listed = re.findall(r"^- (\S+) \(", text, re.MULTILINE)
    picks = [{"path": p, "task": "do what the user asked"} for p in listed if p in asked]
    return Turn(content=json.dumps({"files": picks}))
