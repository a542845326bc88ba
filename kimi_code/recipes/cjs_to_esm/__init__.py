"""The `cjs-to-esm` recipe: CommonJS modules to ES modules, public API kept, verified.

Recipe layer. `CjsToEsmRecipe` implements `kimi_code.recipes.base.Recipe`; the swarm's
recipe registry imports it by that name. `convert_source` is the pure per-file conversion.
"""

from kimi_code.recipes.cjs_to_esm.convert import Conversion, convert_source
from kimi_code.recipes.cjs_to_esm.recipe import CjsToEsmRecipe, leftover_commonjs

__all__ = ["CjsToEsmRecipe", "Conversion", "convert_source", "leftover_commonjs"]
