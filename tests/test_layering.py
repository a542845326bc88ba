"""Layering rules from docs/architecture.md, enforced by an AST scan of kimi_code/."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kimi_code"

# module prefix -> the packages (relative to kimi_code/) allowed to import it
RESTRICTED = {
    "pygls": ("lsp",),
    "lsprotocol": ("lsp",),
    "httpx": ("llm", "engine"),
    "httptools": ("llm",),
    "rich": ("cli",),
    "starlette": ("server",),
    "uvicorn": ("server", "cli"),
}

# core packages that must not import adapters
CORE = ("model", "index", "edits", "plan", "swarm", "recipes", "verify", "llm", "engine")
ADAPTERS = ("kimi_code.cli", "kimi_code.lsp", "kimi_code.server")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def python_files() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        top = parts[0] if len(parts) > 1 else ""
        out.append((top, path))
    return out


def test_third_party_imports_stay_in_their_layer() -> None:
    violations = []
    for top, path in python_files():
        for module in imported_modules(path):
            root = module.split(".")[0]
            allowed = RESTRICTED.get(root)
            if allowed is not None and top not in allowed:
                violations.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert violations == []


def test_core_does_not_import_adapters() -> None:
    violations = []
    for top, path in python_files():
        if top not in CORE:
            continue
        for module in imported_modules(path):
            if module.startswith(ADAPTERS):
                violations.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert violations == []
