"""CommonJS to TypeScript module syntax (`node/module_syntax.js`) keeps what a module exports.

Each source runs twice in Node, as written and as the converted TypeScript after TypeScript's
own CommonJS emit, and the two `module.exports` must have the same names and kinds.
"""

from __future__ import annotations

import json

import pytest
from jstsnode import run_node

_RUN = r"""
const ts = require('typescript');
const { convertModule } = require('./module_syntax');
const source = process.argv[1];
const shape = (js) => {
  const module = { exports: {} };
  const common = () => (exports) => {
    const f = () => 0; f.formatters = {}; f.keys = Object.keys(exports); return f;
  };
  const fake = (spec) => (spec === './common' ? common() : { EventEmitter: function () {} });
  new Function('exports', 'require', 'module', js)(module.exports, fake, module);
  const e = module.exports;
  const keys = Object.keys(e).sort().map((k) => [k, typeof e[k]]);
  return { type: typeof e, keys: Object.fromEntries(keys) };
};
const converted = convertModule('m.ts', source);
const emitted = ts.transpileModule(converted.text, { compilerOptions: {
  module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
process.stdout.write(JSON.stringify({ before: shape(source), after: shape(emitted),
  text: converted.text, notes: converted.notes }));
"""

CASES = {
    # ini@1: two names for one function
    "chained names": (
        "exports.parse = exports.decode = decode\n"
        "exports.stringify = exports.encode = encode\n"
        "function decode (s) { return exports.parse === decode }\n"
        "function encode (o) { return '' }\n",
        "export { decode as parse, decode };",
    ),
    "chained value": (
        "exports.a = exports.b = function (x) { return x }\nexports.c = exports.a(1)\n",
        "export { b as a };",
    ),
    # commander@2: the exports object is replaced, then given members
    "exports replaced, then members": (
        "exports = module.exports = new Command()\nexports.Command = Command\n"
        "function Command () { this.commands = [] }\n",
        "exports.Command = Command",
    ),
    # debug@4: module.exports read after it is assigned
    "module.exports read after": (
        "exports.init = init\nfunction init () {}\n"
        "module.exports = require('./common')(exports)\n"
        "const { formatters } = module.exports\nformatters.o = function () {}\n",
        "module.exports = require('./common')(exports)",
    ),
    "module.exports replaced in branches": (
        "if (typeof window === 'undefined') module.exports = require('./common')\n"
        "else module.exports = require('./other')\n",
        "export {};",
    ),
    "a value and a member": (
        "function f () {}\nmodule.exports = f\nmodule.exports.g = 1\n",
        "export = f;",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_converted_module_exports_the_same_shape(name: str) -> None:
    source, expected = CASES[name]
    result = run_node(_RUN, source)
    assert result["after"] == result["before"], json.dumps(result, indent=1)
    assert expected in str(result["text"])
