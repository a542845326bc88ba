"""Kimi Code: whole-repository refactors by a swarm of AI agents.

The package is layered; dependencies point down this list only (see docs/architecture.md):

    cli/, lsp/, server/        adapters: terminal, language server, OpenAI-compatible HTTP API
    swarm/, plan/              orchestration: planner, coordinator, agent loop, tools, budgets
    recipes/, verify/          refactor recipes (js-to-ts, cjs-to-esm) and their verification
    llm/, engine/              model clients (httpx) and the bundled local llama.cpp engine
    index/, edits/             tree-sitter workspace index; staged edits, atomic apply, undo
    model/, errors.py          frozen domain values and the exception tree
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
