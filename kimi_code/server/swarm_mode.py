"""The swarm extension of `/v1/chat/completions` (adapter layer).

A request with `"agent_mode": "swarm" | "single"`, `"max_agents": N` and `"workspace": DIR`
(a directory under one of the server's `--allow-root`s) runs a refactor with the same core as
the CLI (`kimi_code.swarm.api.start_run`). The user message is a recipe name (`js-to-ts`) or an
instruction (`"recipe"` may also be given). Streamed, each agent event becomes a chunk whose
text is a progress line and whose `kimi_event` field carries the event; the final message is
the report with the edits as a unified diff, applied only when `"apply": true`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.responses import JSONResponse, Response, StreamingResponse

from kimi_code.errors import BackendError, KimiError, UserInputError
from kimi_code.llm.types import ChatBackend
from kimi_code.model.events import AgentEvent
from kimi_code.recipes.registry import list_recipes
from kimi_code.server.errors import ApiError, error_response

__all__ = ["RunLimiter", "SwarmRequest", "handle_swarm_request", "parse_swarm_request"]

MAX_AGENTS = 100


class RunLimiter:
    """Counts swarm runs in flight; refuses beyond `limit`."""

    def __init__(self, limit: int) -> None:
        """Allow `limit` concurrent runs."""
        self.limit = limit
        self.active = 0

    def acquire(self) -> None:
        """Take a run slot.

        Raises:
            ApiError: 429 when every slot is taken.
        """
        if self.active >= self.limit:
            raise ApiError(429, f"{self.limit} swarm runs already in progress; retry later")
        self.active += 1

    def release(self) -> None:
        """Give a run slot back."""
        self.active = max(0, self.active - 1)


@dataclass(frozen=True, slots=True)
class SwarmRequest:
    """A validated swarm request."""

    mode: str
    max_agents: int
    workspace: Path
    recipe: str | None
    instruction: str | None
    apply: bool
    stream: bool
    paths: tuple[str, ...] = ()


def _workspace(raw: Any, roots: tuple[Path, ...]) -> Path:
    if not roots:
        raise ApiError(403, "swarm mode is disabled: start the server with --allow-root DIR")
    if not isinstance(raw, str) or not raw:
        raise ApiError(400, "'workspace' must be a directory path", param="workspace")
    path = Path(raw).expanduser().resolve()
    if not any(path == r or path.is_relative_to(r) for r in roots):
        raise ApiError(403, f"workspace {raw} is not under an allowed root", param="workspace")
    if not path.is_dir():
        raise ApiError(400, f"workspace {raw} is not a directory", param="workspace")
    return path


def _task(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """Return (recipe, instruction) from `recipe` or the last user message."""
    recipe = body.get("recipe")
    users = [m for m in body["messages"] if isinstance(m, dict) and m.get("role") == "user"]
    text = users[-1].get("content") if users else None
    text = text.strip() if isinstance(text, str) else None
    if recipe is None and text in list_recipes():
        return text, None
    if recipe is not None and (not isinstance(recipe, str) or recipe not in list_recipes()):
        raise ApiError(400, f"unknown recipe {recipe!r}: one of {list_recipes()}", param="recipe")
    if recipe is None and not text:
        raise ApiError(400, "give a recipe name or an instruction as the user message")
    return recipe, (text or None) if recipe is None or text != recipe else None


def parse_swarm_request(body: dict[str, Any], roots: tuple[Path, ...]) -> SwarmRequest:
    """Validate the swarm fields of a chat request.

    Raises:
        ApiError: 400 for malformed fields, 403 for a workspace outside the allowed roots.
    """
    mode = body.get("agent_mode")
    if mode not in ("swarm", "single"):
        raise ApiError(400, "'agent_mode' must be 'swarm' or 'single'", param="agent_mode")
    n = body.get("max_agents", 8 if mode == "swarm" else 1)
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_AGENTS:
        raise ApiError(
            400, f"'max_agents' must be an integer in 1..{MAX_AGENTS}", param="max_agents"
        )
    paths = body.get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ApiError(400, "'paths' must be a list of strings", param="paths")
    recipe, instruction = _task(body)
    return SwarmRequest(
        mode=mode,
        max_agents=1 if mode == "single" else n,
        workspace=_workspace(body.get("workspace"), roots),
        recipe=recipe,
        instruction=instruction,
        apply=bool(body.get("apply", False)),
        stream=bool(body.get("stream", False)),
        paths=tuple(paths),
    )


def render_report(report: Any) -> str:
    """The final message: a summary, per-file outcomes and the unified diff."""
    applied = "applied" if getattr(report, "applied", False) else "not applied"
    lines = [
        f"Run {report.run_id}: {report.recipe or 'instruction'} ({report.mode}), "
        f"{len(report.files)} files, {report.tool_calls} tool calls, {report.tokens} tokens, "
        f"{report.wall_seconds:.1f}s, {applied}."
    ]
    for f in report.files:
        lines.append(f"- {f.path}: {f.status}" + (f" ({f.reason})" if f.reason else ""))
    diff = report.diff()
    if diff:
        lines += ["", "```diff", diff.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def _progress_line(event: AgentEvent) -> str:
    where = f" {event.file}" if event.file else ""
    tool = f" {event.tool}" if event.tool else ""
    note = f": {event.message}" if event.message else ""
    return f"[{event.agent_id}] {event.state.value}{where}{tool}{note}\n"


def _chunk(run_id: str, model: str, delta: dict[str, Any], **extra: Any) -> bytes:
    obj = {
        "id": f"chatcmpl-{run_id}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "delta": delta, "finish_reason": extra.pop("finish_reason", None)}
        ],
        **extra,
    }
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


async def _start(req: SwarmRequest, backend: ChatBackend, queue: asyncio.Queue[Any]) -> Any:
    try:
        api = importlib.import_module("kimi_code.swarm.api")
    except ModuleNotFoundError:
        raise ApiError(501, "swarm mode is not available in this build") from None
    run_request = api.RunRequest(
        root=req.workspace,
        recipe=req.recipe,
        instruction=req.instruction,
        paths=req.paths,
        max_agents=req.max_agents,
        apply=req.apply,
    )
    try:
        return await api.start_run(run_request, on_event=queue.put_nowait, backend=backend)
    except UserInputError as exc:
        raise ApiError(400, str(exc)) from None
    except KimiError as exc:
        raise ApiError(500, f"{type(exc).__name__}: {exc}") from None


def _run_failed(exc: KimiError) -> ApiError:
    """A run that ended in an error instead of a report (e.g. the model broke the planner)."""
    status = (
        400 if isinstance(exc, UserInputError) else 502 if isinstance(exc, BackendError) else 500
    )
    return ApiError(status, f"swarm run failed: {type(exc).__name__}: {exc}")


async def _events(handle: Any, queue: asyncio.Queue[Any], model: str) -> AsyncIterator[bytes]:
    run_id = str(handle.run_id)
    yield _chunk(run_id, model, {"role": "assistant", "content": ""})
    waiter = asyncio.ensure_future(handle.wait())
    try:
        while not (waiter.done() and queue.empty()):
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({getter, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if not getter.done():
                getter.cancel()
                continue
            event: AgentEvent = getter.result()
            yield _chunk(
                run_id, model, {"content": _progress_line(event)}, kimi_event=event.to_json()
            )
        try:
            report = waiter.result()
        except KimiError as exc:
            yield b"data: " + bytes(error_response(_run_failed(exc)).body) + b"\n\n"
            return
        yield _chunk(
            run_id, model, {"content": render_report(report)}, kimi_report=report.to_json()
        )
        yield _chunk(run_id, model, {}, finish_reason="stop")
        yield b"data: [DONE]\n\n"
    finally:
        if not waiter.done():
            handle.cancel()
            waiter.cancel()


async def handle_swarm_request(
    body: dict[str, Any],
    backend: ChatBackend,
    roots: tuple[Path, ...],
    runs: RunLimiter,
    model: str,
) -> Response:
    """Run a swarm request; stream progress chunks or answer with the final report.

    Raises:
        ApiError: invalid request (400/403), too many runs (429), swarm unavailable (501).
    """
    req = parse_swarm_request(body, roots)
    runs.acquire()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    try:
        handle = await _start(req, backend, queue)
    except BaseException:
        runs.release()
        raise
    if req.stream:

        async def stream() -> AsyncIterator[bytes]:
            try:
                async for chunk in _events(handle, queue, model):
                    yield chunk
            finally:
                runs.release()

        return StreamingResponse(stream(), media_type="text/event-stream")
    try:
        report = await handle.wait()
    except KimiError as exc:
        raise _run_failed(exc) from None
    finally:
        runs.release()
    return JSONResponse(_completion(str(handle.run_id), model, report))


def _completion(run_id: str, model: str, report: Any) -> dict[str, Any]:
    """The non-streamed answer: the report as the assistant message."""
    message = {"role": "assistant", "content": render_report(report)}
    return {
        "id": f"chatcmpl-{run_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": 0,
            "completion_tokens": report.tokens,
            "total_tokens": report.tokens,
        },
        "kimi_report": report.to_json(),
    }
