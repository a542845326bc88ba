"""Arguments of the `kimiCode.*` commands, checked at the edge (adapter layer).

Commands arrive as one JSON object (VS Code passes `arguments: [{...}]`). Bad input raises
`UserInputError` naming the field, which pygls returns to the client as a request error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kimi_code.errors import UserInputError, WorkspaceError
from kimi_code.lsp.convert import uri_to_path
from kimi_code.lsp.settings import Settings

__all__ = ["CancelArgs", "SwarmArgs", "parse_cancel", "parse_swarm"]


@dataclass(frozen=True, slots=True)
class SwarmArgs:
    """A checked `kimiCode.swarmRefactor` request."""

    recipe: str | None
    instruction: str | None
    paths: tuple[str, ...]
    """Workspace-relative scope (empty: the whole workspace)."""
    max_agents: int
    dry_run: bool

    @property
    def label(self) -> str:
        """Short human title of the run."""
        what = self.recipe or (self.instruction or "refactor")[:40]
        scope = self.paths[0] if len(self.paths) == 1 else f"{len(self.paths) or 'all'} paths"
        return f"{what} ({scope})"


@dataclass(frozen=True, slots=True)
class CancelArgs:
    """A checked `kimiCode.cancel` request."""

    run_id: str | None
    agent_id: str | None


def _object(args: tuple[Any, ...], command: str) -> dict[str, Any]:
    if len(args) == 0:
        return {}
    if len(args) != 1 or not isinstance(args[0], dict):
        raise UserInputError(f"{command} takes one JSON object as its argument")
    return args[0]


def _field(raw: dict[str, Any], key: str, kinds: type | tuple[type, ...], default: Any) -> Any:
    value = raw.get(key, default)
    ok = isinstance(value, kinds) and (kinds is bool or not isinstance(value, bool))
    if value is not None and not ok:
        raise UserInputError(f"field {key!r} has the wrong type: {value!r}")
    return value


def parse_swarm(args: tuple[Any, ...], root: Path, settings: Settings) -> SwarmArgs:
    """Check the arguments of `kimiCode.swarmRefactor`.

    Raises:
        UserInputError: a field is missing, mistyped, or a path lies outside the workspace.
    """
    raw = _object(args, "kimiCode.swarmRefactor")
    recipe = _field(raw, "recipe", str, None)
    instruction = _field(raw, "instruction", str, None)
    if not recipe and not (instruction and instruction.strip()):
        raise UserInputError("kimiCode.swarmRefactor needs a 'recipe' or an 'instruction'")
    uris = _field(raw, "paths", list, [])
    paths: list[str] = []
    for uri in uris:
        rel = uri_to_path(root, uri) if isinstance(uri, str) else None
        if rel is None:
            raise WorkspaceError(f"path {uri!r} lies outside the workspace {root}")
        if rel != ".":
            paths.append(rel)
    max_agents = _field(raw, "maxAgents", int, settings.max_agents)
    if not 1 <= max_agents <= 100:
        raise UserInputError(f"field 'maxAgents' must be 1..100, not {max_agents}")
    dry_run = _field(raw, "dryRun", bool, False)
    return SwarmArgs(recipe, instruction, tuple(paths), max_agents, dry_run)


def parse_cancel(args: tuple[Any, ...]) -> CancelArgs:
    """Check the arguments of `kimiCode.cancel` (no run id: every running run).

    Raises:
        UserInputError: a field is mistyped.
    """
    raw = _object(args, "kimiCode.cancel")
    return CancelArgs(_field(raw, "runId", str, None), _field(raw, "agentId", str, None))
