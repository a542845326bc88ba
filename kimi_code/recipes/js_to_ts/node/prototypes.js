'use strict';
// Prototype-style constructors of the JS->TS recipe (Node helper). `function Option(flags) {
// this.flags = flags }` with `Option.prototype.is = function (arg) { ... }` is constructed with
// `new Option(...)`, which TypeScript refuses for a function (TS7009), so the last resort cast
// it, `new (Option as any)(...)`, and every instance was `any`. Here the instance type becomes
// an interface merged with the function: the members the function's `this` type declares (or
// those it assigns on `this`), then every member its prototype is given, typed by the value
// assigned, extending what it inherits from (`util.inherits(F, Base)`,
// `F.prototype.__proto__ = Base.prototype`). The function's `this` is that interface, and each
// construction asserts the constructor it is: `new (Option as unknown as new (...args:
// Parameters<typeof Option>) => Option)(...)`. Kept only where, once the last resort has mended
// what typed instances newly show, the file's errors do not rise and its `any` count drops, and
// the errors of the files importing it do not rise.
const ts = require('typescript');
const { applyAll, importers } = require('./batch');
const { lastResort } = require('./last_resort');
const { nameable } = require('./names');
const { readsArguments, isAssignment } = require('./shapes');
const { indentOf } = require('./members');

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope |
  ts.TypeFormatFlags.WriteArrowStyleSignature;
const IDENT = /^[A-Za-z_$][\w$]*$/;
const MAX_MEMBERS = 80;
// every object has them, typed by Object: `toString: () => unknown` would say less
const OBJECT_MEMBERS = new Set(['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']);
const MAX_REPAIRS = 8; // new errors the last resort may mend before a candidate is given up

const isAnyCast = (n) => ts.isAsExpression(n) && n.type.kind === ts.SyntaxKind.AnyKeyword;
const unparen = (n) => { while (n && ts.isParenthesizedExpression(n)) n = n.expression; return n; };

/** `F.prototype.name` (or `F.prototype`, with `name` null): F's name and the member, else null. */
function prototypeAccess(e) {
  if (!ts.isPropertyAccessExpression(e)) return null;
  if (e.name.text === 'prototype' && ts.isIdentifier(e.expression)) return { fn: e.expression.text, name: null };
  const inner = e.expression;
  if (ts.isPropertyAccessExpression(inner) && inner.name.text === 'prototype' && ts.isIdentifier(inner.expression)) {
    return { fn: inner.expression.text, name: e.name.text };
  }
  return null;
}

/** The constructions `new (F as any)(...)` of the file's own top-level functions, by function. */
function constructions(sf) {
  const fns = new Map();
  for (const st of sf.statements) if (ts.isFunctionDeclaration(st) && st.name && st.body) fns.set(st.name.text, st);
  const out = new Map();
  (function visit(n) {
    if (ts.isNewExpression(n)) {
      const cast = unparen(n.expression);
      if (cast && isAnyCast(cast) && ts.isIdentifier(cast.expression) && fns.has(cast.expression.text)) {
        const name = cast.expression.text;
        if (!out.has(name)) out.set(name, { fn: fns.get(name), casts: [] });
        out.get(name).casts.push(cast);
      }
    }
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

/** `util.inherits(F, Base)`, `inherits(F, Base)`, `F.prototype.__proto__ = Base.prototype`, `Object.setPrototypeOf(F.prototype, Base.prototype)`. */
function baseOf(sf, name) {
  for (const st of sf.statements) {
    if (!ts.isExpressionStatement(st)) continue;
    const e = st.expression;
    if (ts.isCallExpression(e) && e.arguments.length === 2) {
      const [a, b] = e.arguments, callee = e.expression;
      const inherits = (ts.isIdentifier(callee) && callee.text === 'inherits') ||
        (ts.isPropertyAccessExpression(callee) && callee.name.text === 'inherits');
      if (inherits && ts.isIdentifier(a) && a.text === name && ts.isEntityNameExpression(b)) return b;
      const setProto = ts.isPropertyAccessExpression(callee) && callee.name.text === 'setPrototypeOf' && callee.expression.getText(sf) === 'Object';
      const pa = prototypeAccess(a), pb = prototypeAccess(b);
      if (setProto && pa && pa.fn === name && !pa.name && pb && !pb.name) return b.expression;
    }
    if (isAssignment(e) && ts.isPropertyAccessExpression(e.left) && e.left.name.text === '__proto__') {
      const pa = prototypeAccess(e.left.expression), pb = prototypeAccess(e.right);
      if (pa && pa.fn === name && !pa.name && pb && !pb.name) return e.right.expression;
    }
  }
  return null;
}

/** The type of the value `e` as a member type written in this file, or null. */
function memberType(checker, e) {
  let t = checker.getTypeAtLocation(e);
  if (t.flags & (ts.TypeFlags.Literal | ts.TypeFlags.BooleanLiteral)) t = checker.getBaseTypeOfLiteralType(t);
  t = checker.getWidenedType(t);
  const sigs = t.getCallSignatures();
  let s;
  if (sigs.length === 1 && !t.getProperties().length && (ts.isFunctionExpression(e) || ts.isArrowFunction(e))) {
    // a method's own `this` is the instance: left out of its type
    const sig = sigs[0], params = sig.getParameters().map((p) => {
      const d = p.valueDeclaration, rest = d && ts.isParameter(d) && d.dotDotDotToken;
      const optional = d && ts.isParameter(d) && (d.questionToken || d.initializer) && !rest;
      const pt = checker.typeToString(checker.getTypeOfSymbolAtLocation(p, e), e, FLAGS);
      return `${rest ? '...' : ''}${p.name}${optional ? '?' : ''}: ${optional ? pt.replace(/ \| undefined$/, '') : pt}`;
    });
    // one that reads `arguments` takes more than its parameters say
    if (readsArguments(e)) params.splice(0, params.length, '...args: unknown[]');
    s = `(${params.join(', ')}) => ${checker.typeToString(sig.getReturnType(), e, FLAGS)}`;
  } else {
    s = checker.typeToString(t, e, FLAGS);
  }
  if (/\bany\b/.test(s)) s = s.replace(/\bany\b/g, 'unknown');
  // a method that never returns (it exits or throws) says so: `=> never` is a type, a `never[]` is not
  const named = s.replace(/=> never$/, '=> void');
  if (/\bnever\b/.test(named) || /typeof |import\(|\.\.\.\s*\d/.test(s) || s.length > 300 || !nameable(checker, e, named)) return null;
  return s;
}

/** The members the instance gets in `fn` itself: its `this` type's, or what it assigns on `this` (or on `var self = this`). */
function ownMembers(checker, sf, fn, thisParam, existing) {
  const out = new Map();
  const literal = thisParam && thisParam.type && ts.isTypeLiteralNode(thisParam.type) ? thisParam.type : null;
  const members = literal ? literal.members : existing ? existing.members : null;
  if (members) {
    for (const m of members) {
      if (!m.name || !ts.isIdentifier(m.name)) return null;
      out.set(m.name.text, m.getText(sf).replace(/[;,]\s*$/, ''));
    }
    return out;
  }
  const selves = new Set();
  (function collect(n) {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && n.initializer.kind === ts.SyntaxKind.ThisKeyword) selves.add(n.name.text);
    if (n === fn || !ts.isFunctionLike(n)) ts.forEachChild(n, collect);
  })(fn.body);
  const types = new Map();
  (function visit(n) {
    if (isAssignment(n) && ts.isPropertyAccessExpression(n.left) && IDENT.test(n.left.name.text)) {
      const o = n.left.expression;
      if (o.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(o) && selves.has(o.text))) {
        // `this.head = null` says nothing of what the member holds later
        const k = n.left.name.text, v = memberType(checker, n.right), t = !v || v === 'null' || v === 'undefined' ? 'unknown' : v;
        if (!types.has(k)) types.set(k, new Set());
        types.get(k).add(t);
      }
    }
    if (n === fn.body || !ts.isFunctionLike(n) || ts.isArrowFunction(n)) ts.forEachChild(n, visit);
  })(fn.body);
  for (const [k, ts_] of types) {
    const parts = [...ts_];
    const t = parts.includes('unknown') || parts.length > 3 ? 'unknown' : parts.map((p) => (/=>/.test(p) ? `(${p})` : p)).join(' | ');
    out.set(k, `${k}: ${t}`);
  }
  return out;
}

/** Every `F.prototype.m = v` of the file's top level: m -> member text, null when one cannot be named. */
function prototypeMembers(checker, sf, name) {
  const out = new Map();
  for (const st of sf.statements) {
    if (!ts.isExpressionStatement(st) || !isAssignment(st.expression)) continue;
    const pa = prototypeAccess(st.expression.left);
    if (!pa || pa.fn !== name || !pa.name || !IDENT.test(pa.name) || OBJECT_MEMBERS.has(pa.name)) continue;
    // `F.prototype.a = F.prototype.b = fn`: the value at the end of the chain
    let value = st.expression.right;
    while (isAssignment(value)) value = value.right;
    const t = memberType(checker, value);
    if (!t) return null;
    out.set(pa.name, `${pa.name}: ${t}`);
  }
  return out;
}

/**
 * The edits giving the instances of `fn` an interface, or null when that cannot be written;
 * `loose`: the constructions take any arguments (`unknown[]`), for callers that pass values
 * typed less precisely than the function's parameters.
 */
function instanceEdits(checker, sf, name, { fn, casts }, loose = false) {
  const first = fn.parameters[0];
  const thisParam = first && ts.isIdentifier(first.name) && first.name.text === 'this' ? first : null;
  const existing = sf.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === name) || null;
  if (existing && (existing.heritageClauses || existing.typeParameters)) return null;
  if (thisParam && thisParam.type && !ts.isTypeLiteralNode(thisParam.type) && thisParam.type.kind !== ts.SyntaxKind.AnyKeyword &&
      thisParam.type.kind !== ts.SyntaxKind.UnknownKeyword && !(existing && thisParam.type.getText(sf) === name)) return null;
  const own = ownMembers(checker, sf, fn, thisParam, existing);
  const proto = prototypeMembers(checker, sf, name);
  if (!own || !proto) return null;
  const members = new Map([...own]);
  for (const [k, m] of proto) if (!members.has(k)) members.set(k, m);
  if (!members.size || members.size > MAX_MEMBERS) return null;
  const base = baseOf(sf, name);
  let heritage = '';
  if (base) {
    const t = checker.getTypeAtLocation(base);
    if (!t || !t.getConstructSignatures().length) return null; // a base we cannot name the instances of
    heritage = ` extends InstanceType<typeof ${base.getText(sf)}>`;
  }
  const text = sf.text, edits = [];
  // after the function, whose JSDoc stays its own (an interface needs no hoisting)
  const at = existing ? existing.getStart(sf) : fn.getEnd(), indent = indentOf(text, existing ? at : fn.getStart(sf));
  const exported = (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Export) ? 'export ' : '';
  const body = [...members.values()].map((m) => `${indent}  ${m};\n`).join('');
  const decl = `${exported}interface ${name}${heritage} {\n${body}${indent}}`;
  if (existing) edits.push({ start: existing.getStart(sf), end: existing.getEnd(), text: decl });
  else edits.push({ start: at, end: at, text: `\n\n${indent}${decl}` });
  if (thisParam && thisParam.type) edits.push({ start: thisParam.type.getStart(sf), end: thisParam.type.getEnd(), text: name });
  else if (thisParam) edits.push({ start: thisParam.name.getEnd(), end: thisParam.name.getEnd(), text: `: ${name}` });
  else {
    const open = fn.parameters.pos;
    edits.push({ start: open, end: open, text: fn.parameters.length ? `this: ${name}, ` : `this: ${name}` });
  }
  const args = loose || readsArguments(fn) ? 'unknown[]' : `Parameters<typeof ${name}>`;
  for (const cast of casts) {
    edits.push({ start: cast.type.getStart(sf), end: cast.type.getEnd(), text: `unknown as new (...args: ${args}) => ${name}` });
  }
  return edits;
}

/** The `any` keywords of `rel`. */
function anyCount(project, rel) {
  let n = 0;
  (function visit(x) { if (x.kind === ts.SyntaxKind.AnyKeyword) n++; ts.forEachChild(x, visit); })(project.sourceFile(rel));
  return n;
}

/**
 * Apply `edits` to `rel` and keep them where, once the last resort (no suppressions) has
 * handled the few errors typed instances newly show (a `string` parameter passed an `unknown`
 * the cast let through), the file has no more errors and fewer `any` than before, and the
 * files importing it no more errors.
 */
function tryInstances(project, rel, edits) {
  const before = project.text(rel), errs = project.errorCount(rel), anys = anyCount(project, rel);
  const others = importers(project, rel), otherErrs = others.map((o) => project.errorCount(o));
  project.setText(rel, applyAll(before, edits));
  let now = project.errorCount(rel);
  if (now > errs && now - errs <= MAX_REPAIRS) {
    lastResort(project, rel, false);
    now = project.errorCount(rel);
  }
  if (now <= errs && anyCount(project, rel) < anys && others.every((o, i) => project.errorCount(o) <= otherErrs[i])) return true;
  project.setText(rel, before);
  return false;
}

/** Give each prototype-style constructor of `rel` constructed through `as any` an instance interface; returns how many. */
function prototypeInstances(project, rel) {
  let kept = 0;
  const tried = new Set();
  for (let round = 0; round < 16; round++) {
    const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
    const next = [...constructions(sf)].find(([name]) => !tried.has(name));
    if (!next) break;
    tried.add(next[0]);
    for (const loose of [false, true]) {
      const edits = instanceEdits(checker, sf, next[0], next[1], loose);
      if (!edits) break;
      if (tryInstances(project, rel, edits)) { kept++; break; }
    }
  }
  return kept;
}

module.exports = { prototypeInstances };
