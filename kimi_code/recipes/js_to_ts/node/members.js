'use strict';
// Member shapes for values the code reaches through `as any` (Node helper). The last resort
// casts a value to `any` wherever the code reads or writes a member its type lacks:
// `(current as any).value = value`, `(this as any)._events`, `(opts as any).loose`. When one
// variable, parameter, class property or a function's `this` is cast for member access, its
// declaration gets a real type instead: an object type with every member the file reads or
// writes on it (written members typed by the assigned values, called ones as functions,
// otherwise `unknown`; members the declared type already has keep its type), and its casts
// are dropped. A parameter typed `any` whose value is spread into a local object
// (`const opts = { strict: true, ...options }`) gets the members the file reads or writes on
// that object. Candidates go through the trial machinery (batch.js) and are kept only where
// the file's strict error count does not rise; the narrowest candidate that compiles wins.
const ts = require('typescript');
const { acceptAlong, bisectApply, editGroup, importers } = require('./batch');
const { liftParens } = require('./casts');
const { nameable } = require('./names');

const IDENT = /^[A-Za-z_$][\w$]*$/;
const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
const CALLABLE = '(...args: unknown[]) => unknown';
const MAX_MEMBERS = 16;
const MAX_ALL = 40;
const OBJECT_MEMBERS = ['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable'];

const { isWeak, nameKeys } = require('./weak');

// `x as any`, or the all-`unknown` member shape the cast pass (casts.js) wrote in its place
const isAnyCast = (n) => ts.isAsExpression(n) && (n.type.kind === ts.SyntaxKind.AnyKeyword || (ts.isTypeLiteralNode(n.type) && isWeak(n.type, true)));
const isWeakType = (t) => !t || t.kind === ts.SyntaxKind.AnyKeyword || t.kind === ts.SyntaxKind.UnknownKeyword;

/** The widened type of `node` as this file can write it, or null when it cannot be named safely. */
function typeText(checker, node, t = checker.getTypeAtLocation(node)) {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return null;
  if (t.flags & ts.TypeFlags.Literal || t.flags & ts.TypeFlags.BooleanLiteral) t = checker.getBaseTypeOfLiteralType(t);
  t = checker.getWidenedType(t);
  const s = checker.typeToString(t, undefined, FLAGS);
  if (/\bany\b|\bnever\b|^\{\}$|\.\.\.|typeof |import\(/.test(s) || s.length > 160) return null;
  return nameable(checker, node, s) ? s : null;
}

/** The function whose `this` a `this` keyword is (arrow functions see through), or null. */
function thisOwner(n) {
  const fn = ts.findAncestor(n.parent, (a) => (ts.isFunctionLike(a) && !ts.isArrowFunction(a)) || ts.isClassLike(a) || ts.isSourceFile(a));
  return fn && (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.body ? fn : null;
}

/** The target a cast expression stands for: {key, decl, kind} or null. */
function targetOf(checker, expr) {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  if (e.kind === ts.SyntaxKind.ThisKeyword) {
    const fn = thisOwner(e);
    if (!fn) return null;
    const p = fn.parameters[0];
    const thisParam = p && ts.isIdentifier(p.name) && p.name.text === 'this' ? p : null;
    if (thisParam && !isWeakType(thisParam.type)) return null;
    return { key: fn, kind: 'this', fn, thisParam };
  }
  const named = ts.isIdentifier(e) || (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword);
  if (!named) return null;
  const sym = checker.getSymbolAtLocation(ts.isIdentifier(e) ? e : e.name);
  const decl = sym && sym.valueDeclaration;
  if (!decl || !decl.name || !ts.isIdentifier(decl.name) || sym.declarations.length !== 1) return null;
  if (ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent)) return { key: sym, kind: 'decl', decl, sym };
  if (ts.isParameter(decl) && !decl.dotDotDotToken) return { key: sym, kind: 'decl', decl, sym };
  if (ts.isPropertyDeclaration(decl)) return { key: sym, kind: 'decl', decl, sym };
  return null;
}

/** Whether reference `e` (an expression node) is an instance of `target`. */
function refersTo(checker, e, target) {
  if (target.kind === 'this') return e.kind === ts.SyntaxKind.ThisKeyword && thisOwner(e) === target.fn;
  if (ts.isIdentifier(e)) return checker.getSymbolAtLocation(e) === target.sym;
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) return checker.getSymbolAtLocation(e.name) === target.sym;
  return false;
}

/**
 * Every use of `target` in the file: {casts: [the `(x as any)` nodes used for member access],
 * members: Map name -> {writes: Set of type texts (null: unnameable), read, called, known}}.
 */
function usesOf(checker, sf, target) {
  const casts = [], members = new Map(), accesses = [];
  const seen = new Set();
  (function visit(n) {
    const isRef = n.kind === ts.SyntaxKind.ThisKeyword || ts.isIdentifier(n) || ts.isPropertyAccessExpression(n);
    if (isRef && !seen.has(n) && refersTo(checker, n, target) && !(n.parent && ts.isVariableDeclaration(n.parent) && n.parent.name === n)) {
      seen.add(n);
      let use = n, cast = null;
      while (use.parent && (ts.isParenthesizedExpression(use.parent) || ts.isNonNullExpression(use.parent))) use = use.parent;
      if (use.parent && isAnyCast(use.parent)) {
        cast = use.parent; use = liftParens(cast);
      }
      const p = use.parent;
      if (p && ts.isPropertyAccessExpression(p) && p.expression === use && IDENT.test(p.name.text)) {
        if (cast) casts.push(use);
        accesses.push(p);
        note(checker, members, p, !!cast);
      }
    }
    ts.forEachChild(n, visit);
  })(sf);
  return { casts, members, accesses };
}

/**
 * The parameter `value` is, when it is one of this file's parameters typed `any`/`unknown`:
 * what such a parameter receives is whatever the member needs (`after(f) { m.after = f }`
 * with `m.after` called later), so the candidate types the parameter with the member's type.
 */
function weakParam(checker, value) {
  if (!ts.isIdentifier(value)) return null;
  const sym = checker.getSymbolAtLocation(value), d = sym && sym.valueDeclaration;
  if (!d || !ts.isParameter(d) || !ts.isIdentifier(d.name) || d.dotDotDotToken || !d.type || !isWeakType(d.type)) return null;
  return d.getSourceFile() === value.getSourceFile() ? d : null;
}

function note(checker, members, access, viaCast) {
  const name = access.name.text;
  const m = members.get(name) || { writes: new Set(), params: new Set(), read: false, called: false, known: null };
  members.set(name, m);
  const p = access.parent;
  if (p && ts.isBinaryExpression(p) && p.left === access && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const param = weakParam(checker, p.right);
    if (param) m.params.add(param);
    else m.writes.add(typeText(checker, p.right));
    return;
  }
  m.read = true;
  if (p && ts.isCallExpression(p) && p.expression === access) m.called = true;
  if (p && ts.isPropertyAccessExpression(p) && p.expression === access && /^(call|apply|bind)$/.test(p.name.text) &&
      p.parent && ts.isCallExpression(p.parent)) m.called = true;
  // a member the current type has (not one a suppressed error reads) stays required
  const has = !viaCast && !!checker.getPropertyOfType(checker.getApparentType(checker.getTypeAtLocation(access.expression)), name);
  if (has && m.known === null) m.known = typeText(checker, access) || 'unknown';
  if (has) m.direct = true;
}

const paren = (t) => (/=>|\|/.test(t) && !/^\(.*\)$/.test(t) ? `(${t})` : t);

/** Type text of one member: `precise` from what is written (or known), else unknown / a callable. */
function memberType(m, precise) {
  const fallback = m.called ? CALLABLE : 'unknown';
  if (!precise) return m.known && m.known !== 'unknown' && !m.writes.size ? m.known : fallback;
  const parts = new Set(m.writes);
  if (m.known) parts.add(m.known);
  if (!parts.size || parts.has(null) || parts.has('unknown') || parts.size > 4) return fallback;
  if (m.called && [...parts].every((t) => !/=>/.test(t))) return fallback;
  return [...parts].map((t) => (parts.size > 1 ? paren(t) : t)).join(' | ');
}

/** Candidate shape texts, narrowest first: precise/unknown member types, required/optional. */
function shapes(members, indent, optionalOnly) {
  const out = [];
  for (const precise of [true, false]) {
    for (const optional of optionalOnly ? [true] : [false, true]) {
      const parts = [...members].map(([k, m]) => `${k}${optional && !m.init && !m.direct ? '?' : ''}: ${memberType(m, precise)}`);
      const shape = parts.length > 3 ? `{\n${parts.map((x) => `${indent}  ${x};\n`).join('')}${indent}}` : `{ ${parts.join('; ')} }`;
      if (!out.some((c) => c.shape === shape)) out.push({ shape, members, precise });
    }
  }
  return out;
}

/** The edit that types the `this` of `t.fn` as `type`. */
function thisEdit(t, type) {
  if (t.thisParam && t.thisParam.type) return { start: t.thisParam.type.getStart(), end: t.thisParam.type.getEnd(), text: type };
  if (t.thisParam) return { start: t.thisParam.name.getEnd(), end: t.thisParam.name.getEnd(), text: `: ${type}` };
  const at = t.fn.parameters.pos;
  return { start: at, end: at, text: `this: ${type}${t.fn.parameters.length ? ', ' : ''}` };
}

/**
 * The functions that pass their own `this` on to `target.fn` (`F.init = function () {...}`
 * and `function F() { F.init.call(this) }`, a prototype-style constructor and its
 * initializer): their `this` must get the same type. Each as a `this` target.
 */
function thisCallers(sf, target) {
  const fn = target.fn;
  let callee = null;
  if (ts.isFunctionDeclaration(fn) && fn.name) callee = fn.name.text;
  else if (fn.parent && ts.isBinaryExpression(fn.parent) && fn.parent.right === fn && ts.isPropertyAccessExpression(fn.parent.left)) callee = fn.parent.left.getText(sf);
  if (!callee) return [];
  const out = [];
  (function visit(n) {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(call|apply)$/.test(n.expression.name.text) &&
        n.expression.expression.getText(sf) === callee && n.arguments[0] && n.arguments[0].kind === ts.SyntaxKind.ThisKeyword) {
      const g = thisOwner(n.arguments[0]);
      const p = g && g.parameters[0];
      const thisParam = p && ts.isIdentifier(p.name) && p.name.text === 'this' ? p : null;
      if (g && g !== fn && (!thisParam || isWeakType(thisParam.type)) && !out.some((t) => t.fn === g)) out.push({ key: g, kind: 'this', fn: g, thisParam });
    }
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

const indentOf = (text, pos) => /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', pos - 1) + 1))[0];

/** The edits that give `target` the type `shape` and drop its member-access casts. */
function editsFor(sf, target, { shape, members, precise }, casts, accesses) {
  const text = sf.text, edits = [];
  if (target.kind === 'this') {
    let type = shape;
    if (target.named) {
      const at = ts.findAncestor(target.named, ts.isStatement).getStart(sf), indent = indentOf(text, at);
      // a merged declaration is exported with the function or not at all
      const exported = (ts.getCombinedModifierFlags(target.named) & ts.ModifierFlags.Export) ? 'export ' : '';
      edits.push({ start: at, end: at, text: `${exported}interface ${target.named.name.text} ${shape}\n${indent}` });
      type = target.named.name.text;
    }
    for (const t of [target, ...(target.callers || [])]) edits.push(thisEdit(t, type));
  } else {
    const d = target.decl;
    if (d.type) edits.push({ start: d.type.getStart(sf), end: d.type.getEnd(), text: isWeakType(d.type) ? shape : `${d.type.getText(sf)} & ${shape}` });
    else {
      const at = d.questionToken ? d.questionToken.getEnd() : d.exclamationToken ? d.exclamationToken.getEnd() : d.name.getEnd();
      edits.push({ start: at, end: at, text: `: ${shape}` });
    }
  }
  const retyped = new Set();
  for (const [, m] of members) {
    const t = memberType(m, precise);
    if (t === 'unknown') continue;
    for (const param of m.params) {
      if (param === target.decl) continue; // `(o as any).self = o`: the target's own type edit
      if (!retyped.has(param)) edits.push({ start: param.type.getStart(sf), end: param.type.getEnd(), text: t });
      retyped.add(param);
    }
  }
  for (const use of casts) {
    let inner = use;
    while (ts.isParenthesizedExpression(inner) || isAnyCast(inner)) inner = inner.expression;
    let start = use.getStart(sf);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (text[start - 1] === ';' && /(^|[{;])\s*$/.test(text.slice(lineStart, start - 1)) && IDENT.test(inner.getText(sf).charAt(0) || '') &&
        guardOnly(sf, use, start)) start -= 1;
    edits.push({ start, end: use.getEnd(), text: inner.getText(sf) });
  }
  return edits.concat(unsuppress(sf, accesses));
}

/**
 * Whether the `;` right before `use` (at `start`) only guards a statement that starts with a
 * parenthesis (`;(x as any).p = v`), so `x.p = v` may drop it: the statement starts with the
 * use, and the `;` ends the previous statement of the same list (an empty one, or a simple
 * one that automatic semicolon insertion ends as well, the line break being there) - not an
 * `else ;` or `if (c) ;` body, which the next statement would become.
 */
function guardOnly(sf, use, start) {
  const stmt = ts.findAncestor(use, ts.isStatement);
  if (!stmt || !ts.isExpressionStatement(stmt) || stmt.getStart(sf) !== start || !stmt.parent.statements) return false;
  const list = stmt.parent.statements, prev = list[list.indexOf(stmt) - 1];
  if (!prev || prev.end !== start) return false;
  return ts.isEmptyStatement(prev) || ts.isExpressionStatement(prev) || ts.isVariableStatement(prev);
}

/**
 * The `// @ts-expect-error` lines right above the lines that use the target's members: the
 * last resort put them there for member errors the shape may fix; with the shape they are
 * either unused (an error of their own) or still needed (their error comes back), so the
 * candidate drops them and the trial decides.
 */
function unsuppress(sf, accesses) {
  const text = sf.text, out = [], done = new Set();
  for (const a of accesses) {
    const lineStart = text.lastIndexOf('\n', a.getStart(sf) - 1) + 1;
    if (lineStart === 0 || done.has(lineStart)) continue;
    done.add(lineStart);
    const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
    if (/^[ \t]*\/\/ *@ts-expect-error\b[^\n]*\n$/.test(text.slice(prevStart, lineStart))) out.push({ start: prevStart, end: lineStart, text: '' });
  }
  return out;
}

/**
 * A variable declared without a type takes its initializer's type: the members of that type
 * the file does not touch are kept in the shape (typed as that type has them, where this file
 * can name it), so the initializer stays assignable to it.
 */
function initMembers(checker, target, members) {
  const d = target.decl;
  if (target.kind !== 'decl' || d.type || !d.initializer) return;
  const t = checker.getTypeAtLocation(d.initializer);
  if (!(t.flags & ts.TypeFlags.Object) || checker.isArrayType(t) || t.getCallSignatures().length) return;
  for (const prop of t.getProperties()) {
    if (members.has(prop.name)) members.get(prop.name).init = true;
    if (members.has(prop.name) || !IDENT.test(prop.name)) continue;
    const pt = checker.getTypeOfSymbolAtLocation(prop, d.initializer);
    const known = typeText(checker, d.initializer, pt);
    // a member this file cannot name would lose its type (`unknown`) in a written-out shape
    if (!known && !(pt.flags & ts.TypeFlags.Any)) target.lossy = true;
    members.set(prop.name, { writes: new Set(), params: new Set(), read: true, called: false, init: true, known: known || 'unknown' });
  }
}

/**
 * `ReturnType<typeof pool.get>` for a variable initialized by a call of a plainly named
 * function: the shape then only adds the members the file gives it on top of that type.
 */
function returnBase(checker, target) {
  const d = target.kind === 'decl' && !target.decl.type && target.decl.initializer;
  if (!d || !ts.isCallExpression(d) || d.typeArguments) return null;
  // one plain signature (not an overload or a generic one, whose ReturnType is another type)
  const signatures = checker.getTypeAtLocation(d.expression).getCallSignatures();
  if (signatures.length !== 1 || signatures[0].getTypeParameters()) return null;
  if (!(checker.getTypeAtLocation(d).flags & ts.TypeFlags.Object)) return null;
  let callee = d.expression;
  while (ts.isPropertyAccessExpression(callee)) callee = callee.expression;
  return ts.isIdentifier(callee) ? `ReturnType<typeof ${d.expression.getText()}>` : null;
}

/** The members to declare: those the declared type lacks (none when it is not an object type). */
function addedMembers(checker, target, members) {
  if (target.kind !== 'decl' || !target.decl.type || isWeakType(target.decl.type)) return members;
  const declared = checker.getTypeFromTypeNode(target.decl.type);
  // only an object type can gain members (`string & { type: string }` says nothing true)
  const parts = declared.isUnionOrIntersection() ? declared.types : [declared];
  if (parts.some((t) => !(t.flags & ts.TypeFlags.Object))) return new Map();
  const apparent = checker.getApparentType(checker.getNonNullableType(declared));
  const out = new Map([...members].filter(([k]) => !checker.getPropertyOfType(apparent, k)));
  return out;
}

/**
 * For `const opts = { strict: true, ...options }` where `options` is a parameter typed `any`
 * (`weakParam`): the parameter as a target whose members are read through its copies
 * (`copies`: the variables the object literals initialize); else null.
 */
function spreadSource(checker, n) {
  if (!ts.isVariableDeclaration(n) || !ts.isIdentifier(n.name) || n.type || !n.initializer) return null;
  let init = n.initializer;
  while (ts.isParenthesizedExpression(init)) init = init.expression;
  if (!ts.isObjectLiteralExpression(init)) return null;
  const spreads = init.properties.filter(ts.isSpreadAssignment);
  if (spreads.length !== 1 || !ts.isIdentifier(spreads[0].expression)) return null;
  const d = weakParam(checker, spreads[0].expression), sym = d && checker.getSymbolAtLocation(spreads[0].expression);
  const copy = sym && checker.getSymbolAtLocation(n.name);
  if (!copy || sym.declarations.length !== 1) return null;
  const own = new Set(init.properties.filter((q) => !ts.isSpreadAssignment(q) && q.name && ts.isIdentifier(q.name)).map((q) => q.name.text));
  return { key: sym, kind: 'decl', decl: d, sym, copies: [{ key: copy, kind: 'decl', decl: n, sym: copy, own }] };
}

/**
 * The targets of `sf` worth a shape: cast for member access, a `this: any` with members used,
 * or a parameter typed `any` spread into a local object (`spreadSource`).
 */
function candidates(checker, sf) {
  const found = new Map();
  (function visit(n) {
    if (isAnyCast(n)) {
      const use = liftParens(n);
      if (use.parent && ts.isPropertyAccessExpression(use.parent) && use.parent.expression === use) {
        const t = targetOf(checker, n.expression);
        if (t && !found.has(t.key)) found.set(t.key, t);
      }
    }
    const spread = spreadSource(checker, n);
    if (spread) {
      const t = found.get(spread.key);
      if (!t) found.set(spread.key, spread); else if (t.copies) t.copies.push(...spread.copies);
    }
    if (ts.isParameter(n) && ts.isIdentifier(n.name) && n.name.text === 'this' && n.type && n.type.kind === ts.SyntaxKind.AnyKeyword &&
        (ts.isFunctionDeclaration(n.parent) || ts.isFunctionExpression(n.parent)) && n.parent.body && !found.has(n.parent)) {
      found.set(n.parent, { key: n.parent, kind: 'this', fn: n.parent, thisParam: n });
    }
    ts.forEachChild(n, visit);
  })(sf);
  return [...found.values()];
}

/**
 * Keys that name the same target after edits (which move positions but add no functions or
 * declarations outside type nodes): the function's ordinal, or the name and its ordinal.
 */
function keysOf(sf) {
  let fns = 0;
  const declaration = (n) => ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isPropertyDeclaration(n);
  const functions = (n, keys) => {
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) keys.set(n, `this#${fns++}`);
  };
  return nameKeys(sf, declaration, { skipTypes: true, also: functions });
}


/** Whether `target`'s declared type is visible outside its function (so to other files). */
function seenOutside(target) {
  if (target.kind === 'this') return true;
  const d = target.decl;
  if (ts.isParameter(d) || ts.isPropertyDeclaration(d)) return true;
  return !ts.findAncestor(d, (a) => ts.isFunctionLike(a));
}

/**
 * What `target` is used for in `sf`: {casts, accesses, added (the members to declare)}, with
 * the functions passing their `this` on to it folded in; null when it is not worth a shape.
 */
function gather(checker, sf, target) {
  const { casts, members, accesses } = usesOf(checker, sf, target);
  if (target.kind === 'this') {
    target.callers = thisCallers(sf, target);
    for (const caller of target.callers) {
      const more = usesOf(checker, sf, caller);
      casts.push(...more.casts);
      accesses.push(...more.accesses);
      for (const [k, m] of more.members) if (!members.has(k)) members.set(k, m);
      const name = ts.isFunctionDeclaration(caller.fn) && caller.fn.name;
      if (!target.named && name && !nameTaken(checker, caller.fn, name.text)) target.named = caller.fn;
    }
  }
  for (const copy of target.copies || []) {
    // what is read or written on a copy may come from the parameter: each an optional member
    const more = usesOf(checker, sf, copy);
    accesses.push(...more.accesses);
    for (const [k, m] of more.members) {
      if (!members.has(k)) members.set(k, { writes: new Set(), params: new Set(), read: true, called: m.called, known: null });
      if (copy.own.has(k)) members.get(k).copied = true;
    }
  }
  initMembers(checker, target, members);
  for (const k of OBJECT_MEMBERS) members.delete(k); // every object has them
  const added = addedMembers(checker, target, members);
  const fresh = [...added.values()].filter((m) => !m.init).length;
  if (!fresh || fresh > MAX_MEMBERS || added.size > MAX_ALL) return null;
  if (target.kind === 'decl' && !casts.length && !target.copies) return null;
  return { casts, accesses, added };
}

const nameTaken = (checker, at, name) => typeof checker.resolveName !== 'function' ||
  !!checker.resolveName(name, at, ts.SymbolFlags.Type, false);

/** The candidate shapes of `target`, the narrowest first. */
function candidateShapes(checker, sf, target, added) {
  // a parameter's callers need not pass what the function only reads when present
  const optionalOnly = target.kind === 'decl' && ts.isParameter(target.decl);
  const indent = indentOf(sf.text, (target.kind === 'this' ? target.fn : target.decl).getStart(sf));
  const base = returnBase(checker, target), out = [];
  if (base) {
    const own = new Map([...added].filter(([, m]) => !m.init));
    out.push(...shapes(own, indent, false).map((c) => ({ ...c, shape: `${base} & ${c.shape}` })));
  }
  if (!target.lossy) out.push(...shapes(added, indent, optionalOnly));
  // the members the copy's own literal sets may keep that literal's types (`strict: true`)
  const uncopied = new Map([...added].filter(([, m]) => !m.copied));
  if (target.copies && uncopied.size && uncopied.size < added.size) out.push(...shapes(uncopied, indent, optionalOnly));
  return out;
}

/** Give each cast-for-members target of `rel` a member shape where it compiles; returns how many. */
function memberShapes(project, rel) {
  let kept = 0;
  const tried = new Set();
  for (let round = 0; round < 60; round++) {
    const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
    const keys = keysOf(sf), keyOf = (t) => keys.get(t.kind === 'this' ? t.fn : t.decl);
    const target = candidates(checker, sf).find((t) => keyOf(t) && !tried.has(keyOf(t)));
    if (!target) break;
    tried.add(keyOf(target));
    const plan = gather(checker, sf, target);
    if (!plan) continue;
    const accept = acceptAlong(project, seenOutside(target) ? importers(project, rel) : []);
    for (const cand of candidateShapes(checker, sf, target, plan.added)) {
      const edit = editGroup(editsFor(sf, target, cand, plan.casts, plan.accesses));
      if (bisectApply(project, rel, [edit], accept)) { kept++; break; }
    }
  }
  return kept;
}

module.exports = { memberShapes, indentOf, unsuppress };
