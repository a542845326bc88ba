'use strict';
// Symbol-keyed class members (Node helper). Libraries keep private state under symbols:
// `const MAX = Symbol('max')`, then `this[MAX] = n` in the constructor and `this[MAX]` in every
// method. TypeScript sees no such member and reports each access (TS7053, "Element implicitly
// has an 'any' type"), and TypeScript's own code fix declares only named members, so every
// access would end as a suppression. A class whose code writes `this[K]` for a `const K =
// Symbol(...)` of the file gets `declare [K]: T;` (a `unique symbol` key is a valid member
// name; `declare` emits nothing, so no class field resets what the constructor sets), typed
// by the union of the values the class assigns it, `any` when some value has no type that can
// be written yet (the later passes narrow it: `unknown`, then the assigned values' types once
// the file is typed). Kept only where the file's errors drop.
const ts = require('typescript');
const { bisectApply } = require('./batch');
const { unionOf } = require('./evidence');

/** Whether identifier `id` names a `const` of this file initialized with `Symbol(...)`. */
function isSymbolConst(checker, id) {
  const sym = checker.getSymbolAtLocation(id);
  const d = sym && sym.valueDeclaration;
  return !!d && ts.isVariableDeclaration(d) && ts.isVariableDeclarationList(d.parent) && !!(d.parent.flags & ts.NodeFlags.Const) &&
    !!d.initializer && ts.isCallExpression(d.initializer) && ts.isIdentifier(d.initializer.expression) &&
    d.initializer.expression.text === 'Symbol' && d.getSourceFile() === id.getSourceFile();
}

/** The keys `cls` already declares as computed members (`[K]`), by name. */
function declaredKeys(cls) {
  const out = new Set();
  for (const m of cls.members) {
    if (m.name && ts.isComputedPropertyName(m.name) && ts.isIdentifier(m.name.expression)) out.add(m.name.expression.text);
  }
  return out;
}

/**
 * The symbol keys `cls`'s own code writes on `this` (`this[K] = v`, `this[K] += v`, ...), each
 * with the values plain assignments give it, in order of first write.
 */
function writtenKeys(checker, cls) {
  const keys = new Map();
  (function visit(n) {
    if (n !== cls && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassLike(n))) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment &&
        ts.isElementAccessExpression(n.left) && n.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
        ts.isIdentifier(n.left.argumentExpression) && isSymbolConst(checker, n.left.argumentExpression)) {
      const name = n.left.argumentExpression.text;
      if (!keys.has(name)) keys.set(name, []);
      if (n.operatorToken.kind === ts.SyntaxKind.EqualsToken) keys.get(name).push(n.right);
    }
    ts.forEachChild(n, visit);
  })(cls);
  return keys;
}

/** The indentation of `cls`'s members (two spaces deeper than the class when it has none). */
function memberIndent(sf, cls) {
  const first = cls.members[0], text = sf.text;
  const at = first ? first.getStart(sf) : cls.getStart(sf);
  const line = text.lastIndexOf('\n', at - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(line))[0];
  return first ? indent : indent + '  ';
}

/** Declare the symbol-keyed members the file's classes write; returns how many were kept. */
function symbolMembers(project, rel) {
  if (!/\bSymbol\s*\(/.test(project.text(rel))) return 0;
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = [];
  (function visit(n) {
    if (ts.isClassLike(n)) {
      const have = declaredKeys(n), lines = [], indent = memberIndent(sf, n);
      for (const [key, values] of writtenKeys(checker, n)) {
        if (have.has(key)) continue;
        const t = values.length ? unionOf(checker, values) : null;
        lines.push(`${indent}declare [${key}]: ${t || 'any'};\n`);
      }
      // after the line of the class body's `{` (when nothing but a comment follows it there);
      // one edit per class: insertions at one point cannot be tried apart
      const open = n.members.pos, eol = sf.text.indexOf('\n', open);
      const lineEnds = eol >= 0 && /^[ \t]*(\/\/.*)?$/.test(sf.text.slice(open, eol));
      if (lines.length && lineEnds) edits.push({ start: eol + 1, end: eol + 1, text: lines.join('') });
    }
    ts.forEachChild(n, visit);
  })(sf);
  if (!edits.length) return 0;
  return bisectApply(project, rel, edits, (now, before) => now < before);
}

module.exports = { symbolMembers };
