'use strict';
// Checker-driven candidate edits of the JS->TS recipe (Node helper), tried before any cast:
//  - too few arguments (TS2554) to a function of this file: its trailing parameters become optional;
//  - an object built property by property (TS2339/TS2551 on `o.p`, TS7053 on `o[k]`) where `o` is
//    declared with an object literal: its declared type gains the property (`& { p?: T }`) or
//    becomes `Record<string, T>` for an empty literal, T from what the code writes there;
//  - an empty array literal in an object literal (`never[]` under strict) gets an element type.
const ts = require('typescript');

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

/** The innermost node of `sf` that spans [start, start + length). */
function nodeAt(sf, start, length) {
  let best = sf;
  (function visit(n) {
    if (n.getStart(sf) <= start && n.getEnd() >= start + length) { best = n; ts.forEachChild(n, visit); }
  })(sf);
  return best;
}
const edit = (text, start, end, repl) => text.slice(0, start) + repl + text.slice(end);

function typeText(checker, node) {
  let t = checker.getTypeAtLocation(node);
  if (t.flags & ts.TypeFlags.UniqueESSymbol) return 'symbol'; // `typeof iterator` names nothing here
  if (t.flags & ts.TypeFlags.Literal || t.flags & ts.TypeFlags.BooleanLiteral) t = checker.getBaseTypeOfLiteralType(t);
  t = checker.getWidenedType(t);
  const s = checker.typeToString(t, undefined, FLAGS);
  return /\bany\b|\bnever\b|^\{\}$|\.\.\.|typeof import/.test(s) || s.length > 200 ? null : s;
}

/** Whether function `fn` reads its own `arguments` (not a nested ordinary function's). */
function readsArguments(fn) {
  let found = false;
  (function visit(n) {
    if (found || (n !== fn && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)))) return;
    if (ts.isIdentifier(n) && n.text === 'arguments') found = true;
    ts.forEachChild(n, visit);
  })(fn);
  return found;
}

/**
 * `function quantile(values, p, valueof = number)` calling `valueof(v, i, values)`: the
 * parameter is typed by its default, `number`'s `(x: unknown) => number`, which takes one
 * argument; JavaScript passes the rest along. The parameter is declared as its default's type
 * with the rest taken: `(x: unknown, ...rest: unknown[]) => number`, else with its parameters
 * `any` where the callers' arguments are not what the default takes.
 */
function defaultedCallee(checker, sf, text, call) {
  if (!ts.isIdentifier(call.expression)) return [];
  const sym = checker.getSymbolAtLocation(call.expression), d = sym && sym.valueDeclaration;
  if (!d || !(ts.isParameter(d) || ts.isVariableDeclaration(d)) || d.type || !d.initializer || !ts.isIdentifier(d.name) || d.getSourceFile() !== sf) return [];
  const sigs = checker.getTypeAtLocation(d.initializer).getCallSignatures();
  if (sigs.length !== 1 || sigs[0].getTypeParameters()) return [];
  const t = checker.typeToString(checker.getTypeAtLocation(d.initializer), d, FLAGS);
  const m = /^\((.*)\) => (.+)$/.exec(t);
  if (!m || /\.\.\.|\bany\b|=>.*=>|typeof |import\(/.test(t) || t.length > 160) return [];
  const typed = `(${m[1] ? `${m[1]}, ` : ''}...rest: unknown[]) => ${m[2]}`;
  // what callers pass may not be what the default takes (`values[i]` of an `unknown[]` for
  // `number`'s `x: string | number`): then its parameters as `any`, one declaration instead of
  // an assertion or a suppression at every call
  const loose = sigs[0].parameters.map((p) => {
    const pd = p.valueDeclaration, optional = pd && ts.isParameter(pd) && checker.isOptionalParameter(pd);
    return `${p.name}${optional ? '?' : ''}: any, `;
  }).join('');
  return [typed, `(${loose}...rest: unknown[]) => ${m[2]}`].map((t) => edit(text, d.name.getEnd(), d.name.getEnd(), `: ${t}`));
}

function optionalParams(checker, sf, text, n) {
  const call = ts.isCallExpression(n) ? n : ts.findAncestor(n, ts.isCallExpression);
  if (!call) return [];
  const defaulted = defaultedCallee(checker, sf, text, call);
  if (defaulted.length) return defaulted;
  const sig = checker.getResolvedSignature(call);
  const decl = sig && sig.declaration;
  if (!decl || !decl.parameters || decl.getSourceFile() !== sf) return [];
  let out = text;
  const params = [...decl.parameters].slice(call.arguments.length).reverse();
  const last = decl.parameters[decl.parameters.length - 1];
  if (call.arguments.length > decl.parameters.length && !(last && last.dotDotDotToken) && decl.body && readsArguments(decl)) {
    // `function extend() { ... arguments[i] ... }`: it takes what it reads from `arguments`
    const at = last ? last.getEnd() : decl.parameters.pos;
    return [edit(text, at, at, `${last ? ', ' : ''}...args: unknown[]`)];
  }
  if (!params.length) return [];
  for (const p of params) {
    if (p.questionToken || p.initializer || p.dotDotDotToken) continue;
    out = edit(out, p.name.getEnd(), p.name.getEnd(), '?');
  }
  return out === text ? [] : [out];
}

const symbolOf = (checker, e) => checker.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e);

/** The declaration an object expression comes from, when it is an object literal we may type. */
function literalDecl(checker, sf, obj) {
  const sym = symbolOf(checker, obj);
  const decl = sym && sym.valueDeclaration;
  if (!decl || decl.getSourceFile() !== sf) return null;
  let init = decl.initializer;
  if (!init) return null;
  if (ts.isAsExpression(init) || ts.isParenthesizedExpression(init)) {
    const inner = ts.isParenthesizedExpression(init) ? init.expression : init;
    if (ts.isAsExpression(inner) && ts.isObjectLiteralExpression(inner.expression)) return { decl, init: inner.expression, typeNode: inner.type };
    return null;
  }
  if (!ts.isObjectLiteralExpression(init)) return null;
  if (ts.isVariableDeclaration(decl) || ts.isPropertyAssignment(decl)) return { decl, init, typeNode: decl.type || null };
  return null;
}

function writesTo(checker, sf, obj, accessKind) {
  const target = symbolOf(checker, obj);
  const assigned = assignedTypes(checker, sf, (m) => accessKind(m.left) && symbolOf(checker, m.left.expression) === target);
  const types = new Set(assigned.map((t) => t || 'unknown'));
  if (types.has('unknown')) return 'unknown';
  return types.size ? [...types].join(' | ') : null;
}

function withType(sf, text, found, typeStr, extend) {
  const { decl, init, typeNode } = found;
  if (typeNode) {
    if (!extend) return null;
    return edit(text, typeNode.getEnd(), typeNode.getEnd(), ` & ${typeStr}`);
  }
  if (ts.isVariableDeclaration(decl)) return edit(text, decl.name.getEnd(), decl.name.getEnd(), `: ${extend ? extend + ' & ' : ''}${typeStr}`);
  return edit(text, init.getStart(sf), init.getEnd(), `(${init.getText(sf)} as ${extend ? extend + ' & ' : ''}${typeStr})`);
}

/**
 * `var w = new Error(m); w.emitter = e; w.count = n;`: a variable of this file, initialized with
 * a value of a named object type, gains properties afterwards. Its declared type becomes that
 * type with every property the code adds: `Error & { emitter?: E; count?: number }`.
 */
function addedProperties(checker, sf, text, access) {
  const sym = symbolOf(checker, access.expression);
  const decl = sym && sym.valueDeclaration;
  if (!decl || decl.getSourceFile() !== sf || !ts.isVariableDeclaration(decl) || decl.type || !decl.initializer) return [];
  if (!ts.isIdentifier(decl.name) || ts.isObjectLiteralExpression(decl.initializer)) return [];
  const base = typeText(checker, decl.initializer);
  const type = checker.getTypeAtLocation(decl.initializer);
  if (!base || !(type.flags & ts.TypeFlags.Object) || /[|&{]/.test(base)) return [];
  const added = new Map();
  (function visit(m) {
    if (ts.isBinaryExpression(m) && m.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(m.left) &&
        ts.isIdentifier(m.left.expression) && checker.getSymbolAtLocation(m.left.expression) === sym &&
        !checker.getPropertyOfType(type, m.left.name.text)) {
      const t = typeText(checker, m.right) || 'unknown';
      const prev = added.get(m.left.name.text);
      added.set(m.left.name.text, prev && prev !== t ? 'unknown' : t);
    }
    ts.forEachChild(m, visit);
  })(sf);
  if (!added.size || added.size > 12) return [];
  const at = decl.name.getEnd();
  const members = (exact) => [...added].map(([k, t]) => `${k}?: ${exact ? t : 'unknown'}`).join('; ');
  const out = [edit(text, at, at, `: ${base} & { ${members(true)} }`)];
  if ([...added.values()].some((t) => t !== 'unknown')) out.push(edit(text, at, at, `: ${base} & { ${members(false)} }`));
  return out;
}

function objectShapes(checker, sf, text, n, code) {
  let access = null;
  if (ts.isElementAccessExpression(n)) access = n;
  else if (n.parent && (ts.isPropertyAccessExpression(n.parent) || ts.isElementAccessExpression(n.parent))) access = n.parent;
  if (!access) return [];
  const found = literalDecl(checker, sf, access.expression);
  if (!found) return (code === 2339 || code === 2551) && ts.isPropertyAccessExpression(access) ? addedProperties(checker, sf, text, access) : [];
  const out = [];
  if (code === 7053 && found.init.properties.length === 0 && !found.typeNode) {
    const v = writesTo(checker, sf, access.expression, ts.isElementAccessExpression);
    for (const t of [v, 'unknown', 'any']) if (t) out.push(withType(sf, text, found, `Record<string, ${t}>`, null));
  } else if ((code === 2339 || code === 2551) && ts.isPropertyAccessExpression(access)) {
    const name = access.name.text;
    const parent = access.parent;
    const isWrite = parent && ts.isBinaryExpression(parent) && parent.left === access && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
    const v = isWrite ? typeText(checker, parent.right) : null;
    const base = found.typeNode ? null : typeText(checker, found.init);
    if (!found.typeNode && !base) return [];
    const all = isWrite ? writtenMembers(checker, sf, access.expression) : null;
    if (all && all.size > 1) out.push(withMembers(sf, text, found, all, base));
    for (const t of [v, 'unknown']) if (t) out.push(withMembers(sf, text, found, new Map([[name, t]]), base));
  }
  return out.filter(Boolean);
}

/**
 * Every member the file writes on `obj` (`convert.rgb.hsl = ...; convert.rgb.hsv = ...`) that
 * its type lacks, each typed by what is written there (`unknown` where that cannot be named).
 */
function writtenMembers(checker, sf, obj) {
  const target = symbolOf(checker, obj), type = checker.getTypeAtLocation(obj), found = new Map();
  if (!target) return null;
  (function visit(m) {
    if (isAssignment(m) && ts.isPropertyAccessExpression(m.left) && symbolOf(checker, m.left.expression) === target &&
        !checker.getPropertyOfType(type, m.left.name.text)) {
      const k = m.left.name.text, t = typeText(checker, m.right) || 'unknown', prev = found.get(k);
      found.set(k, prev && prev !== t ? 'unknown' : t);
    }
    ts.forEachChild(m, visit);
  })(sf);
  return found.size <= 40 ? found : null;
}

/**
 * The declared type of an object literal of this file with optional `members` added: into the
 * one-line type literal it already ends with (`{ channels: number } & { hsl?: F; hsv?: G }`),
 * else as one more `& { ... }`, else (no declared type) as `base & { ... }`.
 */
function withMembers(sf, text, found, members, base) {
  const added = [...members].map(([k, t]) => `${k}?: ${t}`).join('; ');
  const node = found.typeNode;
  if (!node) return withType(sf, text, found, `{ ${added} }`, base);
  const last = ts.isIntersectionTypeNode(node) ? node.types[node.types.length - 1] : node;
  if (ts.isTypeLiteralNode(last) && !last.getText(sf).includes('\n')) {
    const own = last.members.map((m) => m.getText(sf).replace(/[;,]\s*$/, ''));
    return edit(text, last.getStart(sf), last.getEnd(), `{ ${[...own, added].join('; ')} }`);
  }
  const loose = ts.isUnionTypeNode(node) || ts.isFunctionTypeNode(node) || ts.isConstructorTypeNode(node) || ts.isConditionalTypeNode(node);
  const t = node.getText(sf);
  return edit(text, node.getStart(sf), node.getEnd(), `${loose ? `(${t})` : t} & { ${added} }`);
}

const isAssignment = (a) => ts.isBinaryExpression(a) && a.operatorToken.kind === ts.SyntaxKind.EqualsToken;

/** The plain assignment (`a = b`) that `n` is part of, if any. */
const assignmentAbove = (n) => ts.findAncestor(n, isAssignment);

/** The type texts (`typeText`, null where unnameable) of what each assignment `wanted` picks in `sf` assigns. */
function assignedTypes(checker, sf, wanted) {
  const out = [];
  (function visit(m) {
    if (isAssignment(m) && wanted(m)) out.push(typeText(checker, m.right));
    ts.forEachChild(m, visit);
  })(sf);
  return out;
}

/** `A | B` of type texts, a function type parenthesized. */
const unionText = (parts) => [...parts].map((t) => (/=>/.test(t) ? `(${t})` : t)).join(' | ');

/** `this.xs.push(v)` where the member was declared `never[]` (from `this.xs = []`). */
function neverMembers(checker, sf, text, n, d) {
  const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (!/\bnever\b/.test(msg)) return [];
  const access = ts.isElementAccessExpression(n) ? n : null;
  if (access && ts.isIdentifier(access.expression)) return arrayElements(checker, sf, text, access.expression);
  const call = ts.findAncestor(n, ts.isCallExpression);
  if (!call || !ts.isPropertyAccessExpression(call.expression)) return [];
  const target = call.expression.expression;
  if (ts.isIdentifier(target)) return arrayElements(checker, sf, text, target);
  const sym = checker.getSymbolAtLocation(target);
  const decl = sym && sym.valueDeclaration;
  if (!decl || !ts.isPropertyDeclaration(decl) || decl.getSourceFile() !== sf) return [];
  return arrayElements(checker, sf, text, decl.name);
}

function emptyArrays(checker, sf, text, n, d) {
  const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (!/\bnever\b/.test(msg)) return [];
  // the `never[]` comes from an empty array literal in an object literal declared in this file
  const out = [];
  (function visit(m) {
    if (ts.isPropertyAssignment(m) && ts.isArrayLiteralExpression(m.initializer) && m.initializer.elements.length === 0) {
      out.push(edit(text, m.initializer.getStart(sf), m.initializer.getEnd(), '[] as unknown[]'));
    }
    ts.forEachChild(m, visit);
  })(sf);
  const call = ts.findAncestor(n, ts.isCallExpression);
  if (call && ts.isPropertyAccessExpression(call.expression) && ts.isArrayLiteralExpression(call.expression.expression) &&
      call.expression.expression.elements.length === 0) {
    const arr = call.expression.expression;
    out.unshift(edit(text, arr.getStart(sf), arr.getEnd(), '([] as unknown[])'));
  }
  return out;
}

/** Element type of an array from what the code writes into it (push/unshift arguments, x[i] = v). */
function arrayWrites(checker, sf, sym) {
  const types = new Set();
  const target = sym.valueDeclaration;
  const same = (e) => { const s = checker.getSymbolAtLocation(e); return !!s && (s === sym || (!!target && s.valueDeclaration === target)); };
  (function visit(m) {
    if (ts.isCallExpression(m) && ts.isPropertyAccessExpression(m.expression) && /^(push|unshift)$/.test(m.expression.name.text) &&
        same(m.expression.expression)) {
      for (const a of m.arguments) types.add(typeText(checker, a) || 'unknown');
    }
    if (ts.isBinaryExpression(m) && m.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isElementAccessExpression(m.left) &&
        same(m.left.expression)) types.add(typeText(checker, m.right) || 'unknown');
    ts.forEachChild(m, visit);
  })(sf);
  if (!types.size || types.has('unknown')) return null;
  const list = [...types];
  return list.length === 1 && !/[|&=]/.test(list[0]) ? `${list[0]}[]` : `(${list.join(' | ')})[]`;
}

/** `const xs = []` (implicit any[]) or a `never[]` member: the element type comes from the writes. */
function arrayElements(checker, sf, text, n) {
  let decl = ts.findAncestor(n, (a) => ts.isVariableDeclaration(a) || ts.isPropertyDeclaration(a));
  if (decl && decl.name !== n && ts.isIdentifier(n)) decl = null;
  if (!decl && ts.isIdentifier(n)) {
    const s = checker.getSymbolAtLocation(n), v = s && s.valueDeclaration;
    if (v && (ts.isVariableDeclaration(v) || ts.isPropertyDeclaration(v)) && v.getSourceFile() === sf) decl = v;
  }
  if (!decl || !ts.isIdentifier(decl.name)) return [];
  const sym = checker.getSymbolAtLocation(decl.name);
  let elem = sym && arrayWrites(checker, sf, sym);
  if (!elem && sym && ts.isPropertyDeclaration(decl)) elem = memberArrayWrites(checker, sf, decl.name.text);
  const out = [];
  for (const t of [elem, 'unknown[]']) {
    if (!t) continue;
    if (decl.type) out.push(edit(text, decl.type.getStart(sf), decl.type.getEnd(), t));
    else out.push(edit(text, decl.name.getEnd(), decl.name.getEnd(), `: ${t}`));
  }
  return out;
}

/** this.name.push(v) / this.name[i] = v inside the class. */
function memberArrayWrites(checker, sf, name) {
  const types = new Set();
  const isMember = (e) => ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword && e.name.text === name;
  (function visit(m) {
    if (ts.isCallExpression(m) && ts.isPropertyAccessExpression(m.expression) && /^(push|unshift)$/.test(m.expression.name.text) && isMember(m.expression.expression)) {
      for (const a of m.arguments) types.add(typeText(checker, a) || 'unknown');
    }
    ts.forEachChild(m, visit);
  })(sf);
  if (!types.size || types.has('unknown')) return null;
  return `(${[...types].join(' | ')})[]`;
}

/** `this.p = v` where the class declares `p: T` and v is not a T: the member becomes `T | V`. */
function widenMember(checker, sf, text, n) {
  const assign = assignmentAbove(n);
  if (!assign || !ts.isPropertyAccessExpression(assign.left)) return [];
  const sym = checker.getSymbolAtLocation(assign.left.name);
  const decl = sym && sym.valueDeclaration;
  if (!decl || !ts.isPropertyDeclaration(decl) || !decl.type || decl.getSourceFile() !== sf) return [];
  const v = typeText(checker, assign.right);
  if (!v) return [];
  const t = decl.type;
  return [edit(text, t.getStart(sf), t.getEnd(), `${t.getText(sf)} | ${v}`)];
}

/**
 * `x = v` where `x` is a variable or parameter of this file whose type does not admit `v` (e.g.
 * `let max = null` assigned in a callback): its declared type becomes the union of what it is
 * initialized with and what is assigned to it, or `unknown` when that cannot be named.
 */
function widenVariable(checker, sf, text, n) {
  const assign = assignmentAbove(n);
  if (!assign || !ts.isIdentifier(assign.left)) return [];
  const sym = checker.getSymbolAtLocation(assign.left);
  const decl = sym && sym.valueDeclaration;
  if (!decl || decl.getSourceFile() !== sf || !ts.isIdentifier(decl.name)) return [];
  if (!(ts.isParameter(decl) || (ts.isVariableDeclaration(decl) && !(decl.parent.flags & ts.NodeFlags.Const)))) return [];
  const parts = new Set();
  if (decl.type) parts.add(decl.type.getText(sf));
  else if (decl.initializer) parts.add(typeText(checker, decl.initializer) || (isNullish(decl.initializer) ? 'null' : null));
  for (const t of assignedTypes(checker, sf, (m) => ts.isIdentifier(m.left) && checker.getSymbolAtLocation(m.left) === sym)) parts.add(t);
  const at = (t) => (decl.type ? edit(text, decl.type.getStart(sf), decl.type.getEnd(), t)
    : edit(text, decl.name.getEnd() + (decl.questionToken ? 1 : 0), decl.name.getEnd() + (decl.questionToken ? 1 : 0), `: ${t}`));
  const out = [];
  if (!parts.has(null) && parts.size > 1 && parts.size <= 4) {
    out.push(at(unionText(parts)));
  }
  out.push(at('unknown'));
  return out;
}

/**
 * `o.p = v` where `p` is a property of an object literal of this file initialized with `null`
 * or `undefined` (`{ keys: null }`, typed `null` under strict): the initializer becomes
 * `null as V | null`, V from everything the file assigns to that property.
 */
function widenLiteralProperty(checker, sf, text, n) {
  const assign = assignmentAbove(n);
  if (!assign || !ts.isPropertyAccessExpression(assign.left)) return [];
  const sym = checker.getSymbolAtLocation(assign.left.name);
  const decl = sym && sym.valueDeclaration;
  if (!decl || !ts.isPropertyAssignment(decl) || decl.getSourceFile() !== sf || !isNullish(decl.initializer)) return [];
  const parts = new Set(assignedTypes(checker, sf, (m) => ts.isPropertyAccessExpression(m.left) &&
    checker.getSymbolAtLocation(m.left.name) === sym && !isNullish(m.right)));
  if (!parts.size || parts.has(null) || parts.size > 4) return [];
  const init = decl.initializer, nullish = init.getText(sf);
  return [edit(text, init.getStart(sf), init.getEnd(), `${nullish} as ${unionText(parts)} | ${nullish === 'null' ? 'null' : 'undefined'}`)];
}

/**
 * `xs[i] = v` or `xs.push(v)` where `xs` is a variable of this file declared without a type and
 * initialized with an array of another element type (`var res = objectKeys(obj)`, then symbols
 * written into it): its declared type becomes `(T | V)[]`.
 */
function widenArrayElements(checker, sf, text, n) {
  const assign = assignmentAbove(n);
  const call = ts.findAncestor(n, ts.isCallExpression);
  let target = null, value = null;
  if (assign && ts.isElementAccessExpression(assign.left)) { target = assign.left.expression; value = assign.right; }
  else if (call && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'push' && call.arguments.length === 1) {
    target = call.expression.expression; value = call.arguments[0];
  }
  if (!target || !ts.isIdentifier(target)) return [];
  const sym = checker.getSymbolAtLocation(target), decl = sym && sym.valueDeclaration;
  if (!decl || decl.getSourceFile() !== sf || !ts.isVariableDeclaration(decl) || decl.type || !decl.initializer || !ts.isIdentifier(decl.name)) return [];
  const declared = checker.typeToString(checker.getTypeAtLocation(decl.name), undefined, FLAGS);
  const elem = /^[\w$.]+\[\]$/.test(declared) ? declared.slice(0, -2) : null;
  const v = typeText(checker, value);
  // `never[]` (from `[]`) is arrayElements' case: the element type comes from every write
  if (!elem || /^(never|any|unknown)$/.test(elem) || !v || v === elem || /=>/.test(v)) return [];
  return [edit(text, decl.name.getEnd(), decl.name.getEnd(), `: (${elem} | ${v})[]`)];
}

/**
 * `function f(a, { glob, posix } = {})`: a destructured parameter or variable whose default is
 * an empty object literal (type `{}`, no property to destructure) gets a declared type with every
 * name optional, typed by its own default value where it has one: `{ glob?: unknown; ... }`.
 */
function defaultedPattern(checker, sf, text, element) {
  const pattern = element.parent, decl = pattern.parent;
  if (!ts.isObjectBindingPattern(pattern) || !(ts.isParameter(decl) || ts.isVariableDeclaration(decl)) || decl.name !== pattern) return [];
  if (decl.type || !decl.initializer || !ts.isObjectLiteralExpression(decl.initializer) || decl.initializer.properties.length) return [];
  const members = [];
  for (const e of pattern.elements) {
    const key = e.propertyName || e.name;
    if (e.dotDotDotToken || !ts.isIdentifier(key)) return [];
    members.push(`${key.text}?: ${(e.initializer && typeText(checker, e.initializer)) || 'unknown'}`);
  }
  return [edit(text, pattern.getEnd(), pattern.getEnd(), `: { ${members.join('; ')} }`)];
}

function isNullish(e) {
  return e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined');
}

/** Candidate texts from the checker for diagnostic `d` of the program's source file `sf`. */
function shapeCandidates(checker, sf, d) {
  const text = sf.text, n = nodeAt(sf, d.start, d.length || 0);
  try {
    if (d.code === 2554 || d.code === 2555) return optionalParams(checker, sf, text, n);
    if ((d.code === 2339 || d.code === 2525) && n.parent && ts.isBindingElement(n.parent)) return defaultedPattern(checker, sf, text, n.parent);
    if (d.code === 7053 || d.code === 2339 || d.code === 2551) return objectShapes(checker, sf, text, n, d.code);
    if (d.code === 7034 || d.code === 7005) return arrayElements(checker, sf, text, n);
    if (d.code === 2564 && ts.isIdentifier(n) && ts.isPropertyDeclaration(n.parent)) {
      return [edit(text, n.getEnd(), n.getEnd(), '!')]; // assigned outside the constructor (e.g. parse())
    }
    if (d.code === 2322) {
      const widened = [...widenMember(checker, sf, text, n), ...widenVariable(checker, sf, text, n),
        ...widenLiteralProperty(checker, sf, text, n), ...widenArrayElements(checker, sf, text, n)];
      if (widened.length) return widened;
    }
    if (d.code === 2345 || d.code === 2322) {
      return [...neverMembers(checker, sf, text, n, d), ...emptyArrays(checker, sf, text, n, d),
        ...(d.code === 2345 ? widenArrayElements(checker, sf, text, n) : [])];
    }
  } catch (e) {
    return [];
  }
  return [];
}

module.exports = { shapeCandidates, nodeAt, edit, readsArguments, isAssignment };
