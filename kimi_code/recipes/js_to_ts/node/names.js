'use strict';
// Whether a type text can be written at a place of a file (Node helper, used by the passes
// that write out types the checker prints): a type another module declares without exporting
// it (`Node` of a library's d.ts) prints by its bare name, which does not resolve there.
const ts = require('typescript');

const BUILTIN = new Set(['string', 'number', 'boolean', 'null', 'undefined', 'unknown', 'void', 'object', 'symbol', 'bigint',
  'true', 'false', 'this', 'typeof', 'keyof', 'readonly', 'infer', 'extends', 'new', 'unique', 'asserts', 'is']);

/** Whether every type name in `text` resolves at `location` (a type of another module may not). */
function nameable(checker, location, text) {
  if (typeof checker.resolveName !== 'function') return !/[A-Z]/.test(text);
  const re = /[A-Za-z_$][\w$]*/g;
  for (let m; (m = re.exec(text));) {
    const name = m[0], before = text[m.index - 1], after = text.slice(m.index + name.length);
    if (BUILTIN.has(name) || before === '.' || /^\??\s*:/.test(after) || /^\s*=>/.test(after)) continue;
    if (!checker.resolveName(name, location, ts.SymbolFlags.Type | ts.SymbolFlags.Namespace, false)) return false;
  }
  return true;
}

module.exports = { nameable };
