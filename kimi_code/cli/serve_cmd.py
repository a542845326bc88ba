"""`kimi-code serve`: run the OpenAI-compatible API over the local engine (adapter layer).

Binds 127.0.0.1 by default. With no `--model` (or `--model local`) it starts the bundled
llama.cpp engine on the default MoE model or `--model-path GGUF`; any other spec serves that
upstream through the same API. Swarm requests are allowed only for workspaces under an
`--allow-root`. The API key is read from the environment variable `--api-key-env` names.

The heavy modules (uvicorn, starlette, httpx, numpy/gguf through the engine) are imported in
the handler only: `kimi-code` builds every subcommand's parser on each start.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimi_code.errors import ConfigError

if TYPE_CHECKING:
    from kimi_code.llm.openai_compat import OpenAICompatClient
    from kimi_code.server.app import ServerState

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the `serve` subcommand."""
    p = subparsers.add_parser("serve", help="serve the OpenAI-compatible API (local MoE engine)")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--model-path", type=Path, help="GGUF model to serve (default: bundled MoE)")
    p.add_argument("--model", default=None, help="backend SPEC instead of the local engine")
    p.add_argument(
        "--allow-root",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="allow swarm runs on workspaces under DIR (repeatable)",
    )
    p.add_argument("--api-key-env", metavar="VAR", help="require the key held in env VAR")
    p.add_argument("--parallel", type=int, default=8, help="engine slots decoded together")
    p.add_argument("--ctx-size", type=int, default=4096, help="context tokens per slot")
    p.add_argument("--threads", type=int, default=None, help="engine CPU threads")
    p.add_argument("--max-runs", type=int, default=2, help="concurrent swarm runs")
    p.add_argument("--max-body-bytes", type=int, default=8 * 1024 * 1024)
    p.set_defaults(func=run_serve)


def _api_key(var: str | None) -> str | None:
    if var is None:
        return None
    key = os.environ.get(var)
    if not key:
        raise ConfigError(f"--api-key-env {var}: the environment variable is empty or unset")
    return key


def build_state(args: argparse.Namespace) -> ServerState:
    """Resolve the backend and policy from the parsed flags.

    Raises:
        ConfigError: bad flags, missing model or engine, missing key, bad allow-root.
    """
    from kimi_code.engine.local import LocalEngine
    from kimi_code.llm.backend import LocalBackend, client_for
    from kimi_code.llm.config import resolve_model
    from kimi_code.server.app import ServerConfig, ServerState

    roots = []
    for root in args.allow_root:
        if not root.is_dir():
            raise ConfigError("--allow-root is not a directory", path=str(root))
        roots.append(root.resolve())
    config = ServerConfig(
        api_key=_api_key(args.api_key_env),
        allow_roots=tuple(roots),
        max_body_bytes=args.max_body_bytes,
        max_concurrent_runs=args.max_runs,
    )
    cfg = resolve_model(args.model, workspace=Path.cwd())
    if cfg.kind == "local" or args.model_path is not None:
        engine = LocalEngine(
            args.model_path or cfg.model_path,
            parallel=args.parallel,
            ctx_per_slot=args.ctx_size,
            threads=args.threads,
        )
        local = LocalBackend(engine, max_agents=max(args.parallel, 64), capable=cfg.capable)
        return ServerState(config, local, local.client, engine.model_id, engine.model)
    client = client_for(cfg, max_agents=64)

    async def upstream() -> OpenAICompatClient:
        return client

    return ServerState(config, client, upstream, cfg.model, force_tool_calls=False)


async def _serve(args: argparse.Namespace, state: ServerState) -> None:
    import uvicorn

    from kimi_code.server.app import create_app

    client = await state.upstream()  # starts the local engine before accepting requests
    print(f"kimi-code serve: model {state.model_id} via {client.base_url}", file=sys.stderr)
    print(f"kimi-code serve: listening on http://{args.host}:{args.port}/v1", file=sys.stderr)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(state),
            host=args.host,
            port=args.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
    )
    try:
        await server.serve()
    finally:
        await state.backend.aclose()


def run_serve(args: argparse.Namespace) -> int:
    """Run the server until interrupted; return the exit code.

    Raises:
        ConfigError: see `build_state`.
    """
    import asyncio

    state = build_state(args)
    if args.host not in ("127.0.0.1", "localhost", "::1") and state.config.api_key is None:
        print(
            "kimi-code serve: warning: listening beyond loopback without --api-key-env",
            file=sys.stderr,
        )
    asyncio.run(_serve(args, state))
    return 0
