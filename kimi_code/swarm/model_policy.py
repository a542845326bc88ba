"""The model-driven policy: the backend chooses tool calls (core layer).

A plain OpenAI tool-calling loop, hardened for models that misbehave: malformed JSON
arguments and invented tools come back to the model as errors; answers without a tool
call get a bounded number of nudges; the same call repeated is warned about, then
stopped; a run of failing calls and the per-agent turn limit end the agent. State lives
on the `Agent`, so a loop interrupted by a rate limit continues where it stopped.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from importlib import resources
from typing import TYPE_CHECKING

from kimi_code.llm.types import Message, ToolCall
from kimi_code.swarm.outcome import AgentFailed
from kimi_code.swarm.tools import describe

if TYPE_CHECKING:
    from kimi_code.recipes.base import ToolResult
    from kimi_code.swarm.agent import Agent

__all__ = ["MAX_ERRORS_IN_ROW", "MAX_NUDGES", "REPEAT_FAIL", "REPEAT_WARN", "run_model_loop"]

MAX_NUDGES = 2
"""Answers without a tool call tolerated in a row (each answered with a nudge)."""
MAX_ERRORS_IN_ROW = 6
"""Failing tool calls tolerated in a row."""
REPEAT_WARN = 3
"""Identical calls after which the model is warned that it is looping."""
REPEAT_FAIL = 5
"""Identical calls after which the agent is stopped."""
MAX_TOOL_TEXT = 8000


@functools.cache
def _prompt(name: str) -> str:
    return resources.files("kimi_code.swarm").joinpath("prompts", name).read_text("utf-8")


def _bullets(items: tuple[str, ...] | list[str], empty: str) -> str:
    return "\n".join(f"- {item}" for item in items) if items else f"- {empty}"


def task_prompt(agent: Agent) -> str:
    """The first user message: the task, its files and its context."""
    task, ctx = agent.task, agent.ctx
    if task.instruction:
        goal = task.instruction
    elif ctx.recipe is not None:
        goal = f"apply the {ctx.recipe.name} refactor ({ctx.recipe.description}) to your files"
    else:
        goal = ctx.instruction or "improve your files"
    diagnostics = ""
    if agent.diagnostics:
        lines = [f"{d.file}:{d.line}:{d.column} {d.code} {d.message}" for d in agent.diagnostics]
        diagnostics = "\nFix these errors reported for your files:\n" + _bullets(lines[:50], "")
    return _prompt("agent_task.md").format(
        task_id=task.id,
        goal=goal,
        files=_bullets(
            [
                t if t == f else f"{t} (was {f})"
                for f, t in zip(task.files, agent.targets, strict=True)
            ],
            "none",
        ),
        signatures=_bullets(task.context.imported_signatures, "none"),
        usages=_bullets(task.context.export_usages, "none known"),
        diagnostics=diagnostics,
    )


def _start(agent: Agent) -> list[Message]:
    system = _prompt("agent_system.md").format(tools=describe(agent.ctx.tools))
    return [
        Message(role="system", content=system),
        Message(role="user", content=task_prompt(agent)),
    ]


def _signature(call: ToolCall) -> str:
    try:
        args = json.dumps(json.loads(call.arguments or "{}"), sort_keys=True)
    except json.JSONDecodeError:
        args = call.arguments
    return f"{call.name}:{args}"


async def _answer(agent: Agent, messages: list[Message], queue: list[ToolCall]) -> None:
    """Ask the model for its next turn; queue its tool calls or nudge it."""
    state = agent.model_state
    if state.get("turns", 0) >= agent.ctx.limits.max_turns:
        raise AgentFailed(f"turn limit of {agent.ctx.limits.max_turns} model answers reached")
    assert agent.counting is not None
    specs = [agent.ctx.tools[n].spec for n in sorted(agent.ctx.tools)]
    response = await agent.counting.chat(messages, tools=specs)
    state["turns"] = state.get("turns", 0) + 1
    message = response.message
    messages.append(message)
    if message.tool_calls:
        queue.extend(message.tool_calls)
        state["nudges"] = 0
        return
    state["nudges"] = state.get("nudges", 0) + 1
    if state["nudges"] > MAX_NUDGES:
        what = "empty answers" if not (message.content or "").strip() else "answers"
        raise AgentFailed(f"the model gave {state['nudges']} {what} without calling a tool")
    messages.append(Message(role="user", content=_prompt("nudge.md")))


def _track(agent: Agent, call: ToolCall, result: ToolResult) -> str:
    """Update loop and error counters; return a warning to append, if any."""
    state = agent.model_state
    seen: Counter[str] = state.setdefault("seen", Counter())
    signature = _signature(call)
    seen[signature] += 1
    state["errors"] = 0 if result.ok else state.get("errors", 0) + 1
    if seen[signature] >= REPEAT_FAIL:
        raise AgentFailed(
            f"stuck in a loop: called {call.name} with the same arguments {REPEAT_FAIL} times"
        )
    if state["errors"] >= MAX_ERRORS_IN_ROW:
        raise AgentFailed(
            f"{MAX_ERRORS_IN_ROW} failing tool calls in a row; last: {result.content[:200]}"
        )
    if seen[signature] >= REPEAT_WARN:
        times = seen[signature]
        return f"\n[warning: you made this exact call {times} times; change course or call done]"
    return ""


async def run_model_loop(agent: Agent) -> None:
    """Run the model-driven loop until the model calls `done`.

    Raises:
        AgentFailed: the model misbehaved past the bounds above.
        RateLimited: the backend is overloaded (the loop resumes on the next call).
        BudgetExhausted: a run budget is spent.
    """
    if agent.counting is None:
        raise AgentFailed("the model-driven policy needs a model backend")
    state = agent.model_state
    messages: list[Message] = state.setdefault("messages", [])
    queue: list[ToolCall] = state.setdefault("queue", [])
    if not messages:
        messages.extend(_start(agent))
    while not agent.finished:
        if not queue:
            await _answer(agent, messages, queue)
            continue
        call = queue[0]
        result = await agent.call_tool(call.name, call.arguments)
        queue.pop(0)
        agent.step += 1
        warning = _track(agent, call, result)
        content = result.content[:MAX_TOOL_TEXT] + warning
        messages.append(Message(role="tool", content=content, tool_call_id=call.id, name=call.name))
    queue.clear()
