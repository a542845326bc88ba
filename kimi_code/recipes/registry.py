"""Recipe registry: recipe name -> recipe class, imported lazily by dotted path (core layer).

Recipes live in their own packages and may pull in heavy helpers (Node tools, libcst), so
the registry names them by import path and imports a recipe only when it is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from kimi_code.errors import UserInputError
from kimi_code.recipes.base import Recipe

__all__ = ["RECIPES", "UnknownRecipe", "get_recipe", "list_recipes", "register_recipe"]

RECIPES: dict[str, str] = {
    "js-to-ts": "kimi_code.recipes.js_to_ts:JsToTsRecipe",
    "cjs-to-esm": "kimi_code.recipes.cjs_to_esm:CjsToEsmRecipe",
}
"""Every recipe the product ships, by the name users type."""

_FACTORIES: dict[str, Callable[[], Recipe]] = {}
"""Recipes registered at run time (plug-ins, tests), by name."""


class UnknownRecipe(UserInputError):
    """The user named a recipe that does not exist."""


def register_recipe(name: str, factory: Callable[[], Recipe]) -> None:
    """Register `factory` as recipe `name` (replacing a previous registration)."""
    _FACTORIES[name] = factory


def list_recipes() -> list[str]:
    """Return the names of every registered recipe, sorted."""
    return sorted({*RECIPES, *_FACTORIES})


def get_recipe(name: str) -> Recipe:
    """Instantiate the recipe registered as `name`.

    Raises:
        UnknownRecipe: no recipe has that name (the message lists the known ones), or the
            recipe's module cannot be imported in this installation.
    """
    factory = _FACTORIES.get(name)
    if factory is not None:
        return factory()
    target = RECIPES.get(name)
    if target is None:
        known = ", ".join(list_recipes())
        raise UnknownRecipe(f"unknown recipe {name!r}; known recipes: {known}")
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UnknownRecipe(f"recipe {name!r} is not available here: {exc}") from exc
    cls = getattr(module, class_name, None)
    if cls is None:
        raise UnknownRecipe(f"recipe {name!r}: {target} does not exist")
    return cast(Recipe, cls())
