'use strict';
// `number`, `string` or `object` for what is still typed `any` (or a member typed `unknown`,
// where type tests guard each use: `typeof o.max !== 'number' || o.max < 0`) where the code's
// own uses say which (Node helper, polish round). TypeScript's inference from usage leaves
// `any` where its evidence conflicts or is missing, e.g. on the members of an options object
// it writes out (`arrayLimit: any`), while the uses may be plain: an operand of arithmetic or
// of `<` beside a number, an argument or a returned value where only a number or only a
// string fits, a method only strings (or only numbers) have, the right operand of `in` (an
// object), what `for...of`, a spread or `yield*` goes through (`Iterable<unknown>`). For a
// parameter typed `any[]` (or `Array<any>`, or `{ [x: string]: any }`), the uses of its
// elements type the elements: element reads, an iteration callback's element parameter
// (`args.forEach(function (arg) { ... })`); and the uses of a variable a value initializes or is
// assigned to are uses of that value (`const r = rgb[0]; r * 255`). Equality with a
// literal is not counted (`type === 'error'` does not make an event type a string), nor `+`
// (it concatenates strings too). A type is tried only when every use that says anything says
// the same, and kept where neither this file's compiler errors nor those of the files that
// import it rise.
const ts = require('typescript');
const { acceptAlong, bisectApply, importers } = require('./batch');
const { builtinPart, liftParens } = require('./casts');
const { nameable } = require('./names');
const { argumentType } = require('./callsites');
const { usesOf, referencesOf } = require('./refine');

const ARITHMETIC = new Set([
  ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken, ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.PercentEqualsToken,
]);
const RELATIONAL = new Set([
  ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

const ITERABLE = 'Iterable<unknown>';

/** What one use of the value says: 'number', 'string', 'object', an iterable, or null (nothing, or either). */
function says(checker, e) {
  const use = liftParens(e), p = use.parent;
  if (!p) return null;
  // `for (const v of values)`, `[...values]`, `f(...values)`, `yield* values`: something iterable
  if ((ts.isForOfStatement(p) && p.expression === use) || ts.isSpreadElement(p) || (ts.isYieldExpression(p) && p.asteriskToken)) {
    return ITERABLE;
  }
  if (ts.isBinaryExpression(p)) {
    const op = p.operatorToken.kind;
    if (ARITHMETIC.has(op)) return 'number';
    // `key in obj` throws unless obj is an object
    if (op === ts.SyntaxKind.InKeyword && p.right === use) return 'object';
    if (RELATIONAL.has(op)) {
      const other = checker.getTypeAtLocation(p.left === use ? p.right : p.left);
      return other.flags & ts.TypeFlags.NumberLike && !(other.flags & ts.TypeFlags.Any) ? 'number' : null;
    }
    return null;
  }
  if (ts.isPrefixUnaryExpression(p) && p.operator === ts.SyntaxKind.MinusToken) return 'number';
  if (ts.isPostfixUnaryExpression(p) || (ts.isPrefixUnaryExpression(p) && (p.operator === ts.SyntaxKind.PlusPlusToken ||
      p.operator === ts.SyntaxKind.MinusMinusToken))) return 'number';
  if (ts.isPropertyAccessExpression(p) && p.expression === use) {
    // a member only one of string, number and arrays has
    const owner = builtinPart(checker, use, p.name.text);
    return owner === 'string' || owner === 'number' ? owner : null;
  }
  const returned = ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === use);
  if (((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== use) || returned) {
    // an argument, or what a function returns where its context says what it must return
    const ctx = checker.getContextualType(use);
    if (!ctx || ctx.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return null;
    const t = checker.getNonNullableType(ctx);
    if (t.flags & ts.TypeFlags.Number) return 'number';
    if (t.flags & ts.TypeFlags.String) return 'string';
  }
  return null;
}

/**
 * `any` annotations of parameters and type-literal members (`unknown` ones of members), with
 * the symbol their uses resolve to; for a parameter typed `any[]`, its element type, and for
 * one typed `{ [x: string]: any }`, its values (`elements`: the uses are its elements).
 */
function targets(checker, sf) {
  const out = [];
  (function visit(n) {
    // `unknown` only on a member (an option a type test checks): a parameter typed `unknown`
    // whose one guarded branch reads it as a number may take anything (`typeof x === 'number'
    // ? x.toFixed(2) : String(x)`), which `number` would refuse its callers
    const weak = n.kind === ts.SyntaxKind.AnyKeyword || (n.kind === ts.SyntaxKind.UnknownKeyword && ts.isPropertySignature(n.parent));
    const holder = weak && (isArrayOf(n) ? n.parent : indexValueOf(n));
    const elements = !!holder && ts.isParameter(holder.parent);
    const decl = elements ? holder.parent : n.parent;
    if (weak && decl.type === (elements ? holder : n) && ts.isIdentifier(decl.name || {}) &&
        ((ts.isParameter(decl) && !decl.dotDotDotToken) || ts.isPropertySignature(decl))) {
      const sym = checker.getSymbolAtLocation(decl.name);
      if (sym) out.push({ node: n, decl, sym, elements });
    }
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

/** Whether type node `n` is the element type of `n[]` or `Array<n>` (what JSDoc's `{Array}` gives). */
function isArrayOf(n) {
  const p = n.parent;
  if (ts.isArrayTypeNode(p)) return true;
  return ts.isTypeReferenceNode(p) && ts.isIdentifier(p.typeName) && p.typeName.text === 'Array' &&
    !!p.typeArguments && p.typeArguments.length === 1 && p.typeArguments[0] === n;
}

/** For the value type of `{ [x: string]: n }` (the literal's one member), that literal; else null. */
function indexValueOf(n) {
  const sig = n.parent, lit = sig && sig.parent;
  return ts.isIndexSignatureDeclaration(sig) && sig.type === n && ts.isTypeLiteralNode(lit) && lit.members.length === 1 ? lit : null;
}

/**
 * The uses whose type `target` types, for reference `m` to it: a member read, or `m` itself; for
 * elements, an element read, and the references to the element parameter of a callback the
 * array's iteration method gets (`args.forEach(function (arg) { ... })`).
 */
function typedUses(checker, target, m) {
  const p = m.parent;
  if (ts.isPropertySignature(target.decl)) return ts.isPropertyAccessExpression(p) && p.name === m ? [p] : [];
  if (!target.elements) return [m];
  if (ts.isElementAccessExpression(p) && p.expression === m) return [p];
  return callbackElements(checker, m);
}

const ITERATION = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'flatMap']);

/** References to the first parameter (unannotated) of the callback in `m.forEach(cb)` and the like. */
function callbackElements(checker, m) {
  const p = m.parent, call = p && p.parent;
  if (!ts.isPropertyAccessExpression(p) || p.expression !== m || !ITERATION.has(p.name.text)) return [];
  if (!call || !ts.isCallExpression(call) || call.expression !== p || !call.arguments.length) return [];
  const cb = call.arguments[0], param = (ts.isFunctionExpression(cb) || ts.isArrowFunction(cb)) && cb.parameters[0];
  if (!param || param.type || !ts.isIdentifier(param.name)) return [];
  return usesOf(checker, m.getSourceFile(), param);
}

/** The one primitive every telling use of `target` in `sf` agrees on, or null. */
function agreed(checker, sf, target) {
  const seen = new Set();
  (function visit(m) {
    if (ts.isIdentifier(m) && m !== target.decl.name && checker.getSymbolAtLocation(m) === target.sym) {
      for (const u of typedUses(checker, target, m).flatMap((e) => [e, ...aliasUses(checker, sf, e)])) {
        const said = says(checker, u);
        if (said) seen.add(said);
      }
    }
    ts.forEachChild(m, visit);
  })(sf);
  return seen.size === 1 ? [...seen][0] : null;
}

/**
 * The references to a variable that `e` initializes or is assigned to, the variable declared
 * without a type (`const r = rgb[0]`, or `arg = args[i]`; then `r * 255`): what they say is
 * said of `e`'s value. A variable written again may hold something else there; the compiler
 * check of the type tried decides.
 */
function aliasUses(checker, sf, e) {
  const v = liftParens(e), d = v.parent;
  let name = null;
  if (d && ts.isVariableDeclaration(d) && d.initializer === v && ts.isIdentifier(d.name)) name = d.name;
  else if (d && ts.isBinaryExpression(d) && d.operatorToken.kind === ts.SyntaxKind.EqualsToken && d.right === v && ts.isIdentifier(d.left)) name = d.left;
  const sym = name && checker.getSymbolAtLocation(name), decl = sym && sym.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || decl.type) return [];
  const scope = ts.findAncestor(decl, (n) => ts.isFunctionLike(n) || ts.isSourceFile(n)) || sf;
  return referencesOf(checker, scope, decl).filter((m) => m !== name && !written(m));
}

/** Whether identifier `m` is the target of a plain assignment (`m = v`: says nothing of the value before). */
function written(m) {
  const p = m.parent;
  return ts.isBinaryExpression(p) && p.left === m && p.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** Type each such `any`/`unknown` of `rel` by what its uses agree on, where that compiles; returns how many. */
function typeFromEvidence(project, rel) {
  if (!/\b(any|unknown)\b/.test(project.text(rel))) return 0;
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = [];
  for (const target of targets(checker, sf)) {
    const t = agreed(checker, sf, target);
    if (t) edits.push({ start: target.node.getStart(sf), end: target.node.getEnd(), text: t });
  }
  if (!edits.length) return 0;
  return bisectApply(project, rel, edits, acceptAlong(project, importers(project, rel)));
}

/**
 * The widened type of a written value as text (what `argumentType` gives a call's argument),
 * not an object literal type and short; null when it cannot be written here.
 */
function partOf(checker, value) {
  const text = argumentType(checker, value);
  return text && !text.startsWith('{') && text.length <= 60 && nameable(checker, value, text) ? text : null;
}

/** The values a conditional expression may have (`c ? m[5].split('.') : []`: both), else `[v]`. */
function branches(v) {
  while (ts.isParenthesizedExpression(v)) v = v.expression;
  return ts.isConditionalExpression(v) ? [...branches(v.whenTrue), ...branches(v.whenFalse)] : [v];
}

/** The union of what `values` are (an empty array literal counts as one of the other arrays); null when some cannot be named. */
function unionOf(checker, values) {
  const parts = new Set();
  let emptyArray = false;
  for (const v of values.flatMap(branches)) {
    if (ts.isArrayLiteralExpression(v) && !v.elements.length) { emptyArray = true; continue; }
    const text = partOf(checker, v);
    if (!text) return null;
    text.split(' | ').forEach((x) => parts.add(x));
  }
  const real = [...parts].filter((x) => x !== 'null' && x !== 'undefined');
  if (emptyArray && !real.some((x) => x.endsWith('[]'))) return null;
  // `unknown` absorbs every other member of a union
  if (!real.length || parts.size > 4 || parts.has('unknown')) return null;
  return [...parts].map((x) => (/=>/.test(x) ? `(${x})` : x)).join(' | ');
}

/** The function whose `this` parameter's type literal declares member `m`, or null. */
function thisOf(m) {
  const lit = m.parent, param = lit && lit.parent;
  return ts.isTypeLiteralNode(lit) && param && ts.isParameter(param) && param.type === lit && ts.isIdentifier(param.name) &&
    param.name.text === 'this' && param.parent.body ? param.parent : null;
}

/** The name of a member, for `name`, `#name` and a symbol key `[K]` (the text `K`); null otherwise. */
function memberName(name) {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  return ts.isComputedPropertyName(name) && ts.isIdentifier(name.expression) ? name.expression.text : null;
}

/**
 * Values a class property (or a member of a function's `this` type) is given: its initializer
 * and every `this.name = v` (`this[K] = v` for a symbol key) in the class or function (not in
 * nested functions).
 */
function propertyValues(cls, prop) {
  const computed = ts.isComputedPropertyName(prop.name), name = memberName(prop.name);
  const out = prop.initializer ? [prop.initializer] : [];
  const writes = (left) => (computed
    ? ts.isElementAccessExpression(left) && ts.isIdentifier(left.argumentExpression) && left.argumentExpression.text === name
    : ts.isPropertyAccessExpression(left) && left.name.text === name) && left.expression.kind === ts.SyntaxKind.ThisKeyword;
  (function visit(n) {
    if (n !== cls && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassLike(n))) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && writes(n.left)) out.push(n.right);
    ts.forEachChild(n, visit);
  })(cls);
  return out;
}

/** Whether `e` writes `this.<name>` (`this.a = this.b = v` writes both). */
function writesThis(e, name) {
  while (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    if (ts.isPropertyAccessExpression(e.left) && e.left.expression.kind === ts.SyntaxKind.ThisKeyword && e.left.name.text === name) return true;
    e = e.right;
  }
  return false;
}

/**
 * Whether class property `prop` is set by a method the constructor calls (`this.clear()`, which
 * sets `this.#size = 0`), the call and the write each a statement of its own body, not under a
 * condition: no instance is seen without it, but TypeScript does not follow the call and asks
 * for an initializer (TS2564), which the property's definite assignment assertion answers.
 */
function setThroughConstructor(cls, prop) {
  const name = memberName(prop.name), ctor = cls.members.find((m) => ts.isConstructorDeclaration(m) && m.body);
  if (!ctor) return false;
  const sets = (body) => body.statements.some((st) => ts.isExpressionStatement(st) && writesThis(st.expression, name));
  return ctor.body.statements.some((st) => {
    const call = ts.isExpressionStatement(st) && st.expression;
    if (!call || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) ||
        call.expression.expression.kind !== ts.SyntaxKind.ThisKeyword) return false;
    const method = cls.members.find((m) => ts.isMethodDeclaration(m) && m.body && m.name && memberName(m.name) === call.expression.name.text);
    return !!method && sets(method.body);
  });
}

/** Values a variable is given: its initializer and every `name = v` to the same symbol in the file. */
function variableValues(checker, sf, decl) {
  const sym = checker.getSymbolAtLocation(decl.name), out = decl.initializer ? [decl.initializer] : [];
  (function visit(n) {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) &&
        checker.getSymbolAtLocation(n.left) === sym) out.push(n.right);
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

/**
 * Class properties, members of a prototype-style constructor's `this` type and variables
 * annotated `any` or `unknown` get the union of what the code assigns them
 * (`declare operator: any` assigned `m[1]` and `''`: `string`), where every value's type can be
 * written here; kept where neither this file's errors nor its importers' rise.
 */
function typeFromAssignments(project, rel) {
  if (!/\b(any|unknown)\b/.test(project.text(rel))) return 0;
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = [];
  (function visit(n) {
    if (n.type && (n.type.kind === ts.SyntaxKind.AnyKeyword || n.type.kind === ts.SyntaxKind.UnknownKeyword) && n.name && memberName(n.name) !== null &&
        (ts.isIdentifier(n.name) || ts.isPropertyDeclaration(n))) {
      let values = null;
      if (ts.isPropertyDeclaration(n) && ts.isClassLike(n.parent)) values = propertyValues(n.parent, n);
      else if (ts.isPropertySignature(n) && thisOf(n)) values = propertyValues(thisOf(n), n);
      else if (ts.isVariableDeclaration(n)) values = variableValues(checker, sf, n);
      const t = values && values.length ? unionOf(checker, values) : null;
      const definite = t && ts.isPropertyDeclaration(n) && ts.isClassLike(n.parent) && !n.initializer && !n.questionToken &&
        !n.exclamationToken && !(ts.getCombinedModifierFlags(n) & ts.ModifierFlags.Ambient) && setThroughConstructor(n.parent, n);
      const start = definite ? n.name.getEnd() : n.type.getStart(sf);
      if (t) edits.push({ start, end: n.type.getEnd(), text: (definite ? '!' + sf.text.slice(start, n.type.getStart(sf)) : '') + t });
    }
    ts.forEachChild(n, visit);
  })(sf);
  if (!edits.length) return 0;
  return bisectApply(project, rel, edits, acceptAlong(project, importers(project, rel)));
}

module.exports = { typeFromEvidence, typeFromAssignments, unionOf };
