"""Drive real runs (the swarm run API + the real OpenAI-compatible client) against the
fault server, then judge the workspace. Shared by tests and `benchmarks/fault_bench.py`."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from kimi_code.errors import KimiError, UserInputError
from kimi_code.llm.openai_compat import ClientConfig, OpenAICompatClient, Timeouts
from kimi_code.llm.retry import RetryPolicy
from kimi_code.llm.types import BackendInfo
from kimi_code.swarm.api import RunReport, RunRequest, start_run

from .faultserver import FaultServer
from .harness import Arena, Verdict


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """One real run: how it ended and what the workspace looked like afterwards."""

    verdict: Verdict
    report: RunReport | None
    error: str | None
    """A `KimiError` the run ended with (reported cleanly, no traceback)."""
    cancelled: bool
    crash: str | None = None
    """Any other exception: a traceback would reach the user (goal: never)."""
    user_input: bool = False
    """The error is a `UserInputError` (a one-line message naming file and reason)."""

    @property
    def consistent(self) -> bool:
        """The workspace matches what the report says (applied -> applied, else original)."""
        applied = self.report is not None and self.report.applied
        return self.verdict.state == ("applied" if applied else "original")


def fault_backend(server: FaultServer, max_agents: int) -> OpenAICompatClient:
    """The real client, pointed at the fault server, with short timeouts and backoff."""
    config = ClientConfig(
        base_url=server.base_url,
        info=BackendInfo(name="fault", model="fault-model", supports_tools=True, capable=True),
        max_connections=max_agents,
        timeouts=Timeouts(connect=5, read=20, write=10, pool=60),
        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.1),
    )
    return OpenAICompatClient(config)


async def real_run(
    arena: Arena,
    server: FaultServer,
    *,
    recipe: str = "js-to-ts",
    max_agents: int = 100,
    policy: str = "model",
    cancel_after: float | None = None,
    rng: random.Random | None = None,
) -> RunOutcome:
    """Run `recipe` on `arena` through `start_run`; cancel after `cancel_after` s if given."""
    backend = fault_backend(server, max_agents)
    request = RunRequest(
        root=arena.root,
        recipe=recipe,
        max_agents=max_agents,
        policy=policy,  # type: ignore[arg-type]
        wall_seconds=120,
        agent_timeout=60,
    )
    report: RunReport | None = None
    error: str | None = None
    crash: str | None = None
    user_input = False
    cancelled = False
    try:
        handle = await start_run(request, backend=backend)
        if cancel_after is not None:
            await asyncio.sleep(cancel_after)
            cancelled = handle.cancel()
        report = await handle.wait()
    except KimiError as exc:
        error = f"{type(exc).__name__}: {exc}"
        user_input = isinstance(exc, UserInputError)
    except Exception as exc:  # recorded, not hidden: the figures count crashes
        crash = f"{type(exc).__name__}: {_leaf(exc)}"
    finally:
        await backend.aclose()
    changes = report.changeset if report is not None and report.applied else None
    return RunOutcome(arena.judge(changes), report, error, cancelled, crash, user_input)


def _leaf(exc: BaseException) -> str:
    """The first leaf of an exception group (what actually went wrong)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
