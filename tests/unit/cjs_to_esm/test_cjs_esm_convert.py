"""Golden before/after tests of each CJS→ESM transformation (kimi_code.recipes.cjs_to_esm)."""

from __future__ import annotations

from conftest import Convert

NAMED = "exports.a = 1;\nexports.b = function b() {};\n"
DEFAULT = "function C() {}\nmodule.exports = C;\n"
BOTH = "const a = 1;\nconst b = 2;\nmodule.exports = { a, b };\n"


def test_requires_choose_default_named_or_namespace(convert: Convert) -> None:
    files = {
        "named.js": NAMED,
        "dflt.js": DEFAULT,
        "both.js": BOTH,
        "main.js": (
            "'use strict';\n\n"
            "const named = require('./named');\n"
            "const { a, b: bee } = require('./named');\n"
            "const C = require('./dflt.js');\n"
            "const { x } = require('./dflt');\n"
            "const both = require('./both');\n"
            "const onlyA = require('./both').a;\n"
            "require('./named');\n"
            "console.log(named, a, bee, C, x, both, onlyA);\n"
        ),
    }
    result = convert(files, "main.js")
    assert result.issues == ()
    assert result.text == (
        "import * as named from './named.js';\n"
        "import { a, b as bee } from './named.js';\n"
        "import C from './dflt.js';\n"
        "import dflt from './dflt.js';\n"
        "const { x } = dflt;\n"
        "import both from './both.js';\n"
        "import { a as onlyA } from './both.js';\n"
        "import './named.js';\n"
        "console.log(named, a, bee, C, x, both, onlyA);\n"
    )


def test_builtins_packages_json_and_directories(convert: Convert) -> None:
    files = {
        "lib/index.js": NAMED,
        "data.json": "{}",
        "main.js": (
            'const fs = require("fs");\n'
            "const { join } = require('node:path');\n"
            "const { pick, omit = null } = require('lodash');\n"
            "const fp = require('lodash/fp');\n"
            "const lib = require('./lib');\n"
            "const data = require('./data.json');\n"
            "module.exports = { fs, join, pick, omit, fp, lib, data };\n"
        ),
    }
    result = convert(files, "main.js")
    assert result.text == (
        "import { createRequire } from 'node:module';\n"
        'import fs from "fs";\n'
        "import { join } from 'node:path';\n"
        "import lodash from 'lodash';\n"
        "const { pick, omit = null } = lodash;\n\n"
        "const require = createRequire(import.meta.url);\n\n"
        "const fp = require('lodash/fp');\n"
        "import * as lib from './lib/index.js';\n"
        "const data = require('./data.json');\n"
        "export default { fs, join, pick, omit, fp, lib, data };\n\n"
        "export { fs, join, pick, omit, fp, lib, data };\n"
    )


def test_named_exports_keep_bindings_and_rewrite_uses(convert: Convert) -> None:
    files = {
        "m.js": (
            "function helper(x) {\n  return x * 2;\n}\n"
            "exports.helper = helper;\n"
            "exports.twice = (x) => exports.helper(exports.helper(x));\n"
            "exports.count = 0;\n"
            "exports.bump = function () {\n  exports.count += 1;\n};\n"
        )
    }
    result = convert(files, "m.js")
    assert result.text == (
        "function helper(x) {\n  return x * 2;\n}\n"
        "export const twice = (x) => helper(helper(x));\n"
        "export let count = 0;\n"
        "export const bump = function () {\n  count += 1;\n};\n\n"
        "export { helper };\n"
    )


def test_entry_module_gets_a_default_object(convert: Convert) -> None:
    result = convert({"m.js": NAMED}, "m.js", want_default=True)
    assert result.text == (
        "export const a = 1;\nexport const b = function b() {};\n\nexport default { a, b };\n"
    )


def test_module_exports_object_with_computed_values(convert: Convert) -> None:
    files = {
        "m.js": (
            "const money = require('./money');\n"
            "const version = '1.0';\n"
            "module.exports = {\n"
            "  VERSION: version,\n"
            "  money: money.money,\n"
            "  double(x) {\n    return x * 2;\n  },\n"
            "  ...extra,\n"
            "};\n"
        ),
        "money.js": "exports.money = (c) => ({ c });\n",
    }
    result = convert(files, "m.js")
    assert result.text == (
        "import * as money from './money.js';\n"
        "const version = '1.0';\n"
        "const moduleExports = {\n"
        "  VERSION: version,\n"
        "  money: money.money,\n"
        "  double(x) {\n    return x * 2;\n  },\n"
        "  ...extra,\n"
        "};\n"
        "export default moduleExports;\n\n"
        "const money2 = moduleExports.money;\n"
        "export const double = moduleExports.double;\n"
        "export { version as VERSION, money2 as money };\n"
    )
    assert any("...extra" in note for note in result.notes)


def test_default_function_with_properties(convert: Convert) -> None:
    files = {
        "m.js": (
            "module.exports = function parse(text) {\n  return text.trim();\n};\n"
            "module.exports.strict = true;\n"
            "exports.VERSION = '2';\n"
        )
    }
    result = convert(files, "m.js")
    assert result.text == (
        "export default function parse(text) {\n  return text.trim();\n}\n"
        "parse.strict = true;\n"
        "parse.VERSION = '2';\n\n"
        "export const strict = parse.strict;\n"
        "export const VERSION = parse.VERSION;\n"
    )


def test_file_globals_resolve_and_main_check(convert: Convert) -> None:
    files = {
        "bin/cli.js": (
            "#!/usr/bin/env node\n"
            "'use strict';\n"
            "const path = require('path');\n"
            "const here = path.join(__dirname, 'x');\n"
            "const self = __filename;\n"
            "const where = require.resolve('./cli');\n"
            "if (require.main === module) {\n  console.log(here, self, where);\n}\n"
        )
    }
    result = convert(files, "bin/cli.js")
    assert result.text == (
        "#!/usr/bin/env node\n"
        "import { fileURLToPath } from 'node:url';\n"
        "import { realpathSync } from 'node:fs';\n"
        "import { createRequire } from 'node:module';\n"
        "import { dirname } from 'node:path';\n"
        "import path from 'path';\n\n"
        "const require = createRequire(import.meta.url);\n"
        "function isMainModule() {\n"
        "  // ES modules have no require.main: compare this file with the script node started.\n"
        "  try {\n"
        "    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);\n"
        "  } catch {\n"
        "    return false;\n"
        "  }\n"
        "}\n"
        "const __filename = fileURLToPath(import.meta.url);\n"
        "const __dirname = dirname(__filename);\n\n"
        "const here = path.join(__dirname, 'x');\n"
        "const self = __filename;\n"
        "const where = require.resolve('./cli');\n"
        "if (isMainModule()) {\n  console.log(here, self, where);\n}\n"
    )


def test_nested_requires_are_hoisted(convert: Convert) -> None:
    files = {
        "lazy.js": DEFAULT,
        "m.js": "function load() {\n  return require('./lazy')();\n}\nmodule.exports = load;\n",
    }
    result = convert(files, "m.js")
    assert result.text == (
        "import lazy from './lazy.js';\n\n"
        "function load() {\n  return lazy();\n}\nexport default load;\n"
    )
    assert result.notes == ("line 2: require of './lazy' hoisted to an import",)


def test_cjs_file_is_renamed_and_importers_follow(convert: Convert) -> None:
    files = {
        "util.cjs": "exports.x = 1;\n",
        "main.js": "const { x } = require('./util.cjs');\nconsole.log(x);\n",
        "esm.mjs": "import util from './util.cjs';\nexport const y = util.x;\n",
    }
    assert convert(files, "util.cjs").new_path == "util.js"
    assert convert(files, "main.js").text == "import { x } from './util.js';\nconsole.log(x);\n"
    assert convert(files, "esm.mjs").text.startswith("import util from './util.js';\n")
    clash = {**files, "util.js": "exports.y = 2;\n"}
    assert convert(clash, "util.cjs").new_path == "util.mjs"


def test_reassigned_require_binding_stays_mutable(convert: Convert) -> None:
    files = {"dflt.js": DEFAULT, "m.js": "let C = require('./dflt');\nC = null;\n"}
    assert convert(files, "m.js").text == "import C2 from './dflt.js';\nlet C = C2;\nC = null;\n"


def test_blocking_issues_leave_the_file_unchanged(convert: Convert) -> None:
    missing = convert({"m.js": "const x = require('./nope');\n"}, "m.js")
    assert missing.issues == ("line 1: cannot resolve './nope' (no such file in the workspace)",)
    assert not missing.changed
    broken = convert({"m.js": "const x = require('./m';\n"}, "m.js")
    assert broken.issues and "syntax error" in broken.issues[0]
    twice = convert({"m.js": "module.exports = 1;\nmodule.exports = 2;\n"}, "m.js")
    assert twice.issues == ("line 2: module.exports is assigned more than once",)
    leaked = convert({"m.js": "exports.a = 1;\nregister(module);\n"}, "m.js")
    assert leaked.issues == ("line 2: `module` used outside an export",)


def test_esm_and_plain_scripts_are_left_alone(convert: Convert) -> None:
    files = {"a.mjs": "export const a = 1;\n", "s.js": "console.log('hi');\n"}
    assert not convert(files, "a.mjs").changed
    assert not convert(files, "s.js").changed


def test_directory_specifiers_and_own_require(convert: Convert) -> None:
    files = {
        "index.js": NAMED,
        "test/t.js": "const lib = require('../');\nconst again = require('..');\n",
    }
    assert convert(files, "test/t.js").text == (
        "import * as lib from '../index.js';\nimport * as again from '../index.js';\n"
    )
    own = convert({"m.js": "var require = (f) => f;\nrequire('./x');\n"}, "m.js")
    assert own.issues == (
        "declares its own top-level `require`; convert this file by hand or with the model",
    )


def test_reserved_word_export_names(convert: Convert) -> None:
    files = {"m.js": "exports.new = () => 1;\nmodule.exports.delete = 2;\n"}
    assert convert(files, "m.js").text == (
        "const new_ = () => 1;\nconst delete_ = 2;\n\nexport { new_ as new, delete_ as delete };\n"
    )
    obj = {"o.js": "function del() {}\nmodule.exports = { delete: del, default: 1 };\n"}
    assert convert(obj, "o.js").text == (
        "function del() {}\nexport default { delete: del, default: 1 };\n\n"
        "export { del as delete };\n"
    )
    interop = convert({"i.js": "exports.default = 1;\n"}, "i.js")
    assert interop.issues == (
        "line 1: exports.default (transpiled interop); decide by hand what the default export "
        "should be",
    )
