"""Free-form instruction planning: the model picks files and writes a task per file.

The answer is constrained (JSON schema where the backend enforces it) and then checked:
unknown paths are dropped, duplicates merged, and the count capped, so a weak model can
produce a small plan but never a plan that touches files outside the index. The chosen
files then go through the same graph planner as a recipe (core layer).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from kimi_code.errors import BackendError, UserInputError
from kimi_code.llm.types import ChatBackend, Message
from kimi_code.plan.model import Plan
from kimi_code.plan.planner import build_plan

if TYPE_CHECKING:
    from kimi_code.index import WorkspaceIndex

__all__ = ["MAX_INSTRUCTION_FILES", "PICK_SCHEMA", "parse_picks", "plan_instruction"]

MAX_INSTRUCTION_FILES = 100
"""Most files a free-form plan may touch."""
MAX_LISTED_FILES = 400

PICK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "task": {"type": "string"}},
                "required": ["path", "task"],
            },
        }
    },
    "required": ["files"],
}


def _prompt(name: str) -> str:
    return resources.files("kimi_code.plan").joinpath("prompts", name).read_text("utf-8")


def _listing(index: WorkspaceIndex) -> str:
    lines = []
    for path in sorted(index.files)[:MAX_LISTED_FILES]:
        info = index.files[path]
        names = ", ".join(e.name for e in info.exports[:12])
        lines.append(f"- {path} ({info.language}){': ' + names if names else ''}")
    return "\n".join(lines)


def parse_picks(text: str, known: set[str]) -> dict[str, str]:
    """Parse the model's JSON answer into {path: task}, keeping only known paths.

    Raises:
        BackendError: the answer is not the JSON object the schema asks for.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BackendError(f"planner answer is not JSON: {exc}") from exc
    items = data.get("files") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise BackendError("planner answer has no 'files' list")
    picks: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        path, task = str(item.get("path", "")).strip().removeprefix("./"), str(item.get("task", ""))
        if path in known and task.strip():
            picks[path] = (picks[path] + " " + task).strip() if path in picks else task.strip()
        if len(picks) >= MAX_INSTRUCTION_FILES:
            break
    return picks


async def plan_instruction(
    backend: ChatBackend, index: WorkspaceIndex, instruction: str, *, max_agents: int = 8
) -> Plan:
    """Ask the model which files `instruction` touches and plan one task per file.

    Raises:
        UserInputError: the instruction is empty, or the model chose no file of the workspace.
        BackendError: the model failed or answered with something other than the JSON asked.
    """
    if not instruction.strip():
        raise UserInputError("the instruction is empty")
    prompt = _prompt("pick_files.md").format(instruction=instruction, files=_listing(index))
    schema = {"type": "json_schema", "json_schema": {"name": "plan", "schema": PICK_SCHEMA}}
    info = backend.info
    response = await backend.chat(
        [Message(role="user", content=prompt)],
        response_format=schema if info.supports_json_schema else {"type": "json_object"},
        max_tokens=4096,
    )
    picks = parse_picks(response.message.content or "", set(index.files))
    if not picks:
        raise UserInputError(f"the model found no file to change for: {instruction!r}")
    template = _prompt("file_task.md")
    tasks = {p: template.format(instruction=instruction, task=t) for p, t in picks.items()}
    chosen = set(picks)
    graph = {p: sorted(d for d in index.dependencies(p) if d in chosen) for p in sorted(picks)}
    return build_plan(
        recipe=None,
        graph=graph,
        index=index,
        instructions=tasks,
        max_agents=max_agents,
        instruction=instruction,
    )
