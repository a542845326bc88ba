"""JavaScript to TypeScript recipe: real types, verified by tsc and the project's own tests.

Core layer. `JsToTsRecipe` implements `kimi_code.recipes.base.Recipe`; its per-file tools
(`tools.py`) drive a Node helper (`node/`) running the TypeScript 5 language service over
an in-memory copy of the staged workspace.
"""

from kimi_code.recipes.js_to_ts.recipe import JsToTsRecipe

__all__ = ["JsToTsRecipe"]
