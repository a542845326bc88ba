'use strict';
// Last-resort pass of the JS->TS recipe (Node helper): for each compiler error left in a file,
// try the least harmful edit that removes it, keeping an edit only when the file's error count
// drops: a declared return type widened by a value it refuses, a variable's declared type
// widened by a value assigned to it later, a method typed by its base class's method, a
// function parameter called with a spread taking what it is given, a regular expression
// TypeScript refuses as `new RegExp(...)`, the arguments of one call asserted together, the
// operands of numeric operators as the numbers they make them (`+(x as number)`, `+(a < b)`),
// a destructured `unknown` as `unknown[]`, a constructor called without `new` through a
// function type, a loop's redeclared `var` as its own `let`, a value's name written as a type
// as `typeof` it, a member a spread's default overwrites made optional, a browser global or a
// probed member of a library's global interface declared (globals.js), a member shape, a
// non-null assertion, `unknown`, then `any` (annotation or cast), and only then an
// `@ts-expect-error` comment carrying the compiler's message as its reason.
const ts = require('typescript');
const { shapeCandidates, nodeAt, edit } = require('./shapes');
const { diffEdit, bisectApply, parsesCleanly } = require('./batch');
const { globalCandidates } = require('./globals');
const { liftParens, opensStatement } = require('./casts');

const IMPLICIT_ANY = new Set([7005, 7006, 7008, 7018, 7019, 7022, 7023, 7031, 7034, 7043, 7044, 7045, 7046, 7047, 7048, 7049, 7050]);
const MAYBE_NULL = new Set([2531, 2532, 2533, 18047, 18048, 18049]);
const UNTYPED_CALL = new Set([2349, 2351, 18046]);

const NUMERIC_PREFIX = new Set([ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.TildeToken]);
// binary operators that make numbers of both operands (not `+`, which concatenates strings)
const ARITHMETIC = new Set([ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken, ts.SyntaxKind.AsteriskAsteriskToken]);

/**
 * Operands numeric operators convert anyway: `+opacity` of an `unknown` (TS18046) as `+(opacity
 * as number)`; `(g < b) * 6` of a boolean or `m[1] * 255` of a string (TS2362, TS2363) as
 * `+(g < b) * 6`, `+(m[1]) * 255`, which are the same numbers (binary `+` only beside a number:
 * it concatenates strings).
 */
function numericCandidates(checker, sf, text, d) {
  const n = nodeAt(sf, d.start, d.length || 0);
  if (!ts.isExpression(n) || ts.isSourceFile(n)) return [];
  const around = liftParens(n).parent;
  const arithmetic = around && ts.isBinaryExpression(around) && ARITHMETIC.has(around.operatorToken.kind);
  if ((d.code === 2571 || d.code === 18046) && around && ((ts.isPrefixUnaryExpression(around) && NUMERIC_PREFIX.has(around.operator)) || arithmetic)) {
    return [paren(text, sf, n, 'as number')];
  }
  const toNumber = (e) => edit(text, e.getStart(sf), e.getEnd(), `+${ts.isParenthesizedExpression(e) ? e.getText(sf) : `(${e.getText(sf)})`}`);
  const isBoolean = (e) => !!(checker.getTypeAtLocation(e).flags & ts.TypeFlags.BooleanLike);
  if ((d.code === 2362 || d.code === 2363) && around && ts.isBinaryExpression(around) &&
      around.operatorToken.kind !== ts.SyntaxKind.PlusToken && around.operatorToken.kind !== ts.SyntaxKind.PlusEqualsToken) {
    const t = checker.getTypeAtLocation(n);
    if (t.flags & ts.TypeFlags.Unknown) return [paren(text, sf, n, 'as number')];
    // a string (`m[1] * 255`) or a boolean: unary `+` makes the number the operator would
    const odd = ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.BigIntLike | ts.TypeFlags.ESSymbolLike;
    const assigned = liftParens(n) === around.left && around.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      around.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
    if (!assigned && !(t.isUnion() ? t.types : [t]).some((u) => u.flags & odd)) return [toNumber(n)];
  }
  // `j + (tz[j] <= x)`: beside a number, binary `+` adds a boolean as a number too
  const bin = ts.isBinaryExpression(n) ? n : null;
  if (d.code === 2365 && bin && bin.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const isNumber = (e) => !!(checker.getTypeAtLocation(e).flags & ts.TypeFlags.NumberLike);
    if (isNumber(bin.left) && isBoolean(bin.right)) return [toNumber(bin.right)];
    if (isBoolean(bin.left) && isNumber(bin.right)) return [toNumber(bin.left)];
  }
  return [];
}

/**
 * A destructured parameter typed `unknown` (TS2488: `([key, value]: unknown) => ...`, from a
 * callback whose context said nothing): an array of unknowns, which it can be destructured as
 * (else of `any`, where the elements go where `unknown` may not).
 */
function patternCandidates(sf, text, d) {
  if (d.code !== 2488) return [];
  const n = nodeAt(sf, d.start, d.length || 0);
  const pattern = ts.isArrayBindingPattern(n) ? n : ts.findAncestor(n, ts.isArrayBindingPattern);
  const p = pattern && pattern.parent;
  if (!p || !ts.isParameter(p) || p.name !== pattern || !p.type || p.type.kind !== ts.SyntaxKind.UnknownKeyword) return [];
  return ['unknown[]', 'any[]'].map((t) => edit(text, p.type.getStart(sf), p.type.getEnd(), t));
}

/**
 * `(n suffix)`; a `;` goes first when the parenthesis would open a statement (ASI: no call),
 * except the body of an `if`, a loop or a label, which the `;` would end (`if (c) ;(x as any)`).
 */
function paren(text, sf, n, suffix) {
  return edit(text, n.getStart(sf), n.getEnd(), `${opensStatement(sf, n) ? ';' : ''}(${n.getText(sf)} ${suffix})`);
}

function declarationOf(n) {
  for (let p = n; p; p = p.parent) {
    if (ts.isParameter(p) || ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p)) return p;
    if (ts.isBlock(p) || ts.isSourceFile(p)) return null;
  }
  return null;
}

/** Candidate texts for one diagnostic, best first. */
function candidates(text, sf, d) {
  const n = nodeAt(sf, d.start, d.length || 0), out = [];
  if (d.code === 2578) { // unused @ts-expect-error (the code under it compiles now): drop the line
    const ls = lineStartOf(text, d.start), le = text.indexOf('\n', d.start);
    return [edit(text, ls, le < 0 ? text.length : le + 1, '')];
  }
  if (IMPLICIT_ANY.has(d.code)) {
    const decl = declarationOf(n);
    if (decl && !decl.type && decl.name) {
      const rest = ts.isParameter(decl) && decl.dotDotDotToken;
      const at = decl.name.getEnd() + (decl.questionToken ? 1 : 0);
      // `tok => ...` has no parentheses to hold a type: `(tok: unknown) => ...`
      const bare = ts.isParameter(decl) && ts.isArrowFunction(decl.parent) && decl.parent.parameters.length === 1 &&
        !text.slice(decl.parent.getStart(sf), decl.getStart(sf)).trimEnd().endsWith('(');
      for (const t of rest ? ['unknown[]', 'any[]'] : ['unknown', 'any']) {
        out.push(bare ? edit(text, decl.getStart(sf), decl.getEnd(), `(${decl.getText(sf)}: ${t})`) : edit(text, at, at, `: ${t}`));
      }
    }
  }
  if (d.code === 2683 || d.code === 7041) {
    const fn = ts.findAncestor(n, (p) => ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p));
    if (fn) {
      const open = fn.parameters.pos;
      out.push(edit(text, open, open, fn.parameters.length ? 'this: any, ' : 'this: any'));
    }
  }
  const expr = ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n) ? n : null;
  if (MAYBE_NULL.has(d.code) && expr) out.push(edit(text, expr.getEnd(), expr.getEnd(), '!'));
  if (d.code === 2370) { // a rest parameter typed `string | unknown[]` (from usage): its array part
    const p = ts.findAncestor(n, ts.isParameter);
    if (p && p.dotDotDotToken && p.type) {
      const parts = ts.isUnionTypeNode(p.type) ? p.type.types.filter((t) => ts.isArrayTypeNode(t) || ts.isTupleTypeNode(t)) : [];
      const array = parts.length ? parts.map((t) => t.getText(sf)).join(' | ') : 'unknown[]';
      out.push(edit(text, p.type.getStart(sf), p.type.getEnd(), array));
    }
  }
  // used before being assigned on some path (`let code;` set in a loop that may not run)
  if (d.code === 2454 && ts.isIdentifier(n)) out.push(edit(text, n.getEnd(), n.getEnd(), '!'));
  if ((d.code === 2339 || d.code === 7053 || UNTYPED_CALL.has(d.code)) && n.parent) {
    const obj = ts.isPropertyAccessExpression(n.parent) ? n.parent.expression
      : ts.isElementAccessExpression(n) ? n.expression : ts.isElementAccessExpression(n.parent) ? n.parent.expression : expr;
    if (obj && !ts.isSourceFile(obj)) out.push(paren(text, sf, obj, 'as any'));
  }
  if ((d.code === 2571 || d.code === 18046) && ts.isExpression(n) && !ts.isSourceFile(n)) out.push(paren(text, sf, n, 'as any'));
  if (d.code === 7009) {
    const ne = ts.isNewExpression(n) ? n : ts.findAncestor(n, ts.isNewExpression);
    if (ne) out.push(paren(text, sf, ne.expression, 'as any'));
  }
  if (d.code === 7015) {
    const ea = ts.isElementAccessExpression(n) ? n : ts.findAncestor(n, ts.isElementAccessExpression);
    if (ea) out.push(paren(text, sf, ea.expression, 'as any'));
  }
  const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if ((d.code === 2345 || d.code === 2322) && ts.isExpression(n) && !ts.isSourceFile(n)) {
    // an assertion to the expected type (checked: TS rejects one between unrelated types)
    const m = /to (?:parameter of )?type '([^']+)'/.exec(msg);
    if (m && m[1].length < 80 && !/\bany\b|\bnever\b/.test(m[1])) out.push(paren(text, sf, n, `as ${m[1]}`));
  }
  if (d.code === 2365 && /\bnumber\b/.test(msg)) {
    const bin = ts.isBinaryExpression(n) ? n : ts.findAncestor(n, ts.isBinaryExpression);
    if (bin) for (const side of [bin.right, bin.left]) out.push(paren(text, sf, side, 'as number'));
  }
  if (d.code === 2538 && ts.isExpression(n) && !ts.isSourceFile(n)) out.push(paren(text, sf, n, 'as string'));
  if ((d.code === 2345 || d.code === 2322 || d.code === 2769) && ts.isExpression(n) && !ts.isIdentifier(n.parent) ) {
    out.push(paren(text, sf, n, 'as any'));
  }
  // generic: the expression the compiler complains about, as `any` (before any suppression)
  const target = [n, n.parent].find((e) => e && ts.isExpression(e) && !ts.isSourceFile(e) && !isWriteTarget(e) &&
    !(ts.isStringLiteral(e) && e.parent && (ts.isImportDeclaration(e.parent) || ts.isExportDeclaration(e.parent) ||
      ts.isExternalModuleReference(e.parent) || ts.isLiteralTypeNode(e.parent))) &&
    !ts.isFunctionLike(e) && !ts.isObjectLiteralExpression(e) && e.getText(sf).length < 400);
  if (target && !(ts.isIdentifier(target) && target.parent && ts.isPropertyAccessExpression(target.parent) && target.parent.name === target)) {
    out.push(paren(text, sf, target, 'as any'));
  }
  return out;
}

function isWriteTarget(e) {
  const p = e.parent;
  return !!p && ((ts.isBinaryExpression(p) && p.left === e && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) || ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p) ||
    ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isPropertyAssignment(p) && p.name === e);
}

function lineStartOf(text, pos) { return text.lastIndexOf('\n', pos - 1) + 1; }

function suppress(text, d) {
  const ls = lineStartOf(text, d.start);
  const indent = /^[ \t]*/.exec(text.slice(ls))[0];
  const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\s+/g, ' ').slice(0, 120).replace(/\*\//g, '* /');
  return edit(text, ls, ls, `${indent}// @ts-expect-error -- TS${d.code}: ${msg}\n`);
}

function insideTemplate(sf, pos) {
  const n = nodeAt(sf, pos, 0);
  if (ts.findAncestor(n, (a) => ts.isJsxElement(a) || ts.isJsxFragment(a) || ts.isJsxSelfClosingElement(a))) return true;
  return ts.isTemplateLiteral(n) || n.kind === ts.SyntaxKind.TemplateMiddle || n.kind === ts.SyntaxKind.TemplateTail ||
    n.kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || ts.isTemplateSpan(n);
}

function allCandidates(project, rel, text, sf, d) {
  const psf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  return [...returnCandidates(checker, psf, text, d), ...reassignedCandidates(checker, psf, text, d), ...overrideCandidates(checker, psf, text, d), ...spreadCandidates(checker, psf, text, d), ...recursionCandidates(checker, psf, text, d), ...regexCandidates(sf, text, d),
    ...argumentCandidates(checker, psf, text, d), ...numericCandidates(checker, psf, text, d), ...patternCandidates(psf, text, d), ...callCandidates(psf, text, d), ...loopVarCandidates(checker, psf, text, d),
    ...valueTypeCandidates(checker, psf, text, d), ...defaultedMembers(checker, psf, text, d),
    ...globalCandidates(checker, psf, d), ...shapeCandidates(checker, psf, d), ...candidates(text, sf, d)];
}

/** The name a function is called by: its own, or that of the variable or property it is assigned to. */
function calledAs(fn) {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isBinaryExpression(p) && p.right === fn && ts.isPropertyAccessExpression(p.left)) return p.left.name.text;
  return null;
}

/**
 * A recursive function whose return type TypeScript cannot infer (TS7023, TS7024: what it
 * returns depends on a call of itself): the union of what its other return statements return
 * (those typed through the cycle, `any`, left out), written as its return type; the trial
 * checks every return against it.
 */
function recursionCandidates(checker, sf, text, d) {
  if (d.code !== 7023 && d.code !== 7024) return [];
  const at = nodeAt(sf, d.start, d.length || 0);
  const fn = ts.isFunctionLike(at) ? at : ts.findAncestor(at, ts.isFunctionLike);
  const name = fn && calledAs(fn);
  if (!fn || fn.type || !fn.body || !ts.isBlock(fn.body) || !name || fn.asteriskToken) return [];
  const self = (e) => ts.isCallExpression(e) && (ts.isIdentifier(e.expression) ? e.expression.text === name
    : ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === name);
  const parts = new Set();
  let unnamed = false;
  (function visit(n) {
    if (n !== fn.body && ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n) && n.expression && !self(n.expression)) {
      const s = valueType(checker, n.expression, fn);
      // a value typed through the cycle itself (`any`) is checked against the others' type
      if (/\bany\b/.test(s)) return;
      if (UNWRITABLE.test(s) || s.length > 80) unnamed = true;
      else parts.add(s);
    }
    ts.forEachChild(n, visit);
  })(fn.body);
  const close = text.indexOf(')', fn.parameters.end);
  if (unnamed || !parts.size || parts.size > 3 || close < 0 || close > fn.body.getStart(sf)) return [];
  return [edit(text, close + 1, close + 1, `: ${[...parts].join(' | ')}`)];
}

const RETURN_FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
// what a return type written from a returned value's type must not hold
const UNWRITABLE = /\bany\b|\bnever\b|\bunknown\b|typeof |import\(|=>/;

/** The widened type of the value `e` as text, written as seen from `at` (literal types widened). */
function valueType(checker, e, at) {
  let t = checker.getTypeAtLocation(e);
  if (t.flags & (ts.TypeFlags.Literal | ts.TypeFlags.BooleanLiteral)) t = checker.getBaseTypeOfLiteralType(t);
  return checker.typeToString(checker.getWidenedType(t), at, RETURN_FLAGS);
}

/**
 * A value returned where the declared return type refuses it (TS2322: JSDoc's `@returns {Array}`
 * on a function that also returns `-1`; TS2353: an object literal returned for `@return {Array}`):
 * the declared type widened by the returned value's type; where the function returns nothing
 * else, first replaced by it.
 */
function returnCandidates(checker, sf, text, d) {
  if (d.code !== 2322 && d.code !== 2353) return [];
  const ret = ts.findAncestor(nodeAt(sf, d.start, d.length || 0), (a) => ts.isReturnStatement(a) || ts.isFunctionLike(a));
  if (!ret || !ts.isReturnStatement(ret) || !ret.expression) return [];
  const fn = ts.findAncestor(ret, ts.isFunctionLike);
  if (!fn || !fn.type || ts.isTypePredicateNode(fn.type) || (fn.modifiers || []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) || fn.asteriskToken) return [];
  const added = valueType(checker, ret.expression, fn);
  if (UNWRITABLE.test(added) || added.length > 80) return [];
  const declared = fn.type.getText(sf), wrap = ts.isFunctionTypeNode(fn.type) || ts.isConstructorTypeNode(fn.type);
  const widened = edit(text, fn.type.getStart(sf), fn.type.getEnd(), `${wrap ? `(${declared})` : declared} | ${added}`);
  let returns = 0;
  (function visit(n) {
    if (n !== fn.body && ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n)) returns++;
    ts.forEachChild(n, visit);
  })(fn.body);
  // the function's only return: the declared type is wrong, not too narrow
  return returns === 1 ? [edit(text, fn.type.getStart(sf), fn.type.getEnd(), added), widened] : [widened];
}

// a value not assignable to a target's type: plainly, or missing members the type has
const NOT_ASSIGNABLE = new Set([2322, 2559, 2739, 2740, 2741]);

/**
 * A variable given a value of another type than the one it was declared with (TS2322 at `tz`
 * in `tz = ticks(...)`, `tz` declared `var tz = threshold(...)`, a number; TS2740 at `stops =
 * [...stops]` of a `Set`): its declaration typed as the union of both. TypeScript narrows a
 * variable of a union type to what each assignment gives it, so the code after the assignment
 * sees the new value's type.
 */
function reassignedCandidates(checker, sf, text, d) {
  if (!NOT_ASSIGNABLE.has(d.code)) return [];
  const n = nodeAt(sf, d.start, d.length || 0), assign = n.parent;
  if (!ts.isIdentifier(n) || !assign || !ts.isBinaryExpression(assign) || assign.left !== n ||
      assign.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return [];
  const sym = checker.getSymbolAtLocation(n), decl = sym && sym.valueDeclaration;
  // not a parameter: TypeScript narrows a variable by its initializer, so the uses before the
  // new value keep the type they had, but a parameter starts as its whole declared type
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || decl.getSourceFile() !== sf) return [];
  const declared = decl.type ? decl.type.getText(sf) : valueType(checker, decl.name, decl);
  // `prefix = false`, a setting switched off: `string | false`, which a truthiness test narrows
  // back to the setting's own type
  const flag = [ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.TrueKeyword].includes(assign.right.kind);
  const added = flag ? assign.right.getText(sf) : valueType(checker, assign.right, decl);
  // `any` may stay (`number | any[]`): one in the declaration, where each later use of the
  // variable as the new value would cost a cast of its own
  if ([declared, added].some((t) => /\bnever\b|typeof |import\(/.test(t) || t.length > 100)) return [];
  // a function type in a union needs its parentheses (a type literal holding one does not)
  const member = (t) => (/=>/.test(t) && !(t.startsWith('{') && t.endsWith('}')) ? `(${t})` : t);
  const union = `${member(declared)} | ${member(added)}`;
  return decl.type ? [edit(text, decl.type.getStart(sf), decl.type.getEnd(), union)]
    : [edit(text, decl.name.getEnd(), decl.name.getEnd(), `: ${union}`)];
}

/**
 * A method whose inferred type its base class's refuses (TS2416: `* keys()` of a class extending
 * `Map`, a `Generator<K, void>` where `Map`'s says `MapIterator<K>`, whose return is
 * `undefined`): the base's return type written on the method, which the body is checked against.
 */
function overrideCandidates(checker, sf, text, d) {
  if (d.code !== 2416) return [];
  const n = nodeAt(sf, d.start, d.length || 0);
  const member = ts.findAncestor(n, ts.isMethodDeclaration), cls = member && member.parent;
  if (!member || member.type || !member.body || !cls || !ts.isClassLike(cls)) return [];
  // the instance type's member declared here (a computed name, `[Symbol.iterator]`, is bound late)
  const own = cls.name && checker.getTypeAtLocation(cls.name);
  const sym = own && own.getProperties().find((x) => (x.declarations || []).includes(member));
  if (!sym) return [];
  for (const base of checker.getBaseTypes(own) || []) {
    const prop = base.getProperties().find((x) => x.escapedName === sym.escapedName);
    const sigs = prop ? checker.getTypeOfSymbolAtLocation(prop, member).getCallSignatures() : [];
    if (sigs.length !== 1) continue;
    const t = checker.typeToString(checker.getReturnTypeOfSignature(sigs[0]), member, RETURN_FLAGS);
    if (/\bnever\b|typeof |import\(/.test(t) || t.length > 80) continue;
    const close = text.indexOf(')', member.parameters.end);
    return close < 0 ? [] : [edit(text, close + 1, close + 1, `: ${t}`)];
  }
  return [];
}

/**
 * A parameter typed with a function type of fixed parameters, called with a spread (TS2556:
 * `fn(...args)`, `fn: (arg0: unknown) => unknown` written from another use): it takes what it
 * is given, `(...args: unknown[]) => unknown`.
 */
function spreadCandidates(checker, sf, text, d) {
  if (d.code !== 2556) return [];
  const call = ts.findAncestor(nodeAt(sf, d.start, d.length || 0), ts.isCallExpression);
  if (!call || !ts.isIdentifier(call.expression)) return [];
  const sym = checker.getSymbolAtLocation(call.expression), p = sym && sym.valueDeclaration;
  if (!p || !ts.isParameter(p) || !p.type || !ts.isFunctionTypeNode(p.type) || p.getSourceFile() !== sf ||
      p.type.parameters.some((q) => q.dotDotDotToken)) return [];
  return [edit(text, p.type.getStart(sf), p.type.getEnd(), `(...args: unknown[]) => ${p.type.type.getText(sf)}`)];
}

/**
 * A regular expression TypeScript's regex checking refuses but JavaScript runs (TS1534: `/\1/`,
 * a backreference without a group, is Annex B's octal escape): the same pattern through
 * `new RegExp(source, flags)`, which makes the same object every time the literal would.
 */
function regexCandidates(sf, text, d) {
  if (d.code < 1499 || d.code > 1540) return [];
  const n = nodeAt(sf, d.start, 0);
  if (n.kind !== ts.SyntaxKind.RegularExpressionLiteral) return [];
  const literal = n.getText(sf), slash = literal.lastIndexOf('/');
  const source = JSON.stringify(literal.slice(1, slash)), flags = literal.slice(slash + 1);
  return [edit(text, n.getStart(sf), n.getEnd(), `new RegExp(${source}${flags ? `, '${flags}'` : ''})`)];
}

/**
 * An argument refused by a parameter (TS2345) where the call's other arguments of the same
 * type would be refused next (TS reports the first: `Math.min(min, max)` of two `string |
 * number`): each asserted to the parameter's type in one edit, else each `as any`.
 */
function argumentCandidates(checker, sf, text, d) {
  if (d.code !== 2345) return [];
  const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  const m = /^Argument of type '([^']+)' is not assignable to parameter of type '([^']+)'/.exec(msg);
  const n = nodeAt(sf, d.start, d.length || 0), call = n.parent;
  if (!m || m[2].length > 80 || /\bany\b|\bnever\b/.test(m[2]) || !call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) ||
      !(call.arguments || []).includes(n)) return [];
  const same = call.arguments.filter((a) => !ts.isSpreadElement(a) && checker.typeToString(checker.getTypeAtLocation(a)) === m[1]);
  if (same.length < 2) return [];
  // an assertion TypeScript refuses (the types do not overlap): each `as any`, before a
  // suppression, which one cast alone would not avoid either
  return [m[2], 'any'].map((t) => {
    let out = text;
    for (const a of [...same].reverse()) out = edit(out, a.getStart(sf), a.getEnd(), `(${a.getText(sf)} as ${t})`);
    return out;
  });
}

/**
 * A constructor called without `new` (TS2348: `Buffer(size)`, which JavaScript allows of a
 * function-style constructor): called through a function type making its instances.
 */
function callCandidates(sf, text, d) {
  if (d.code !== 2348) return [];
  const n = nodeAt(sf, d.start, d.length || 0);
  const callee = ts.isCallExpression(n) ? n.expression : ts.isCallExpression(n.parent) && n.parent.expression === n ? n : null;
  if (!callee || !ts.isEntityNameExpression(callee)) return [];
  const name = callee.getText(sf);
  return [edit(text, callee.getStart(sf), callee.getEnd(), `(${name} as unknown as (...args: unknown[]) => InstanceType<typeof ${name}>)`)];
}

/**
 * A `var` a loop declares again with another type (TS2403: `for (var i in o)`, later `for (var
 * i = 0; ...)`): the loop's own `let`, where nothing outside the loop statement reads it and no
 * function inside captures it (so function scope and per-iteration bindings make no difference).
 */
function loopVarCandidates(checker, sf, text, d) {
  if (d.code !== 2403) return [];
  const n = nodeAt(sf, d.start, d.length || 0);
  const decl = ts.findAncestor(n, ts.isVariableDeclaration), list = decl && decl.parent;
  const loop = list && list.parent;
  if (!decl || !ts.isIdentifier(decl.name) || !ts.isVariableDeclarationList(list) || (list.flags & ts.NodeFlags.BlockScoped) || list.declarations.length !== 1 ||
      !loop || !(ts.isForStatement(loop) || ts.isForInStatement(loop) || ts.isForOfStatement(loop)) || loop.initializer !== list) return [];
  const name = decl.name.text;
  const fn = ts.findAncestor(loop, (a) => ts.isFunctionLike(a) || ts.isSourceFile(a));
  // the loops that declare the same `var` for themselves (the other declaration among them)
  const declares = (x) => (ts.isForStatement(x) || ts.isForInStatement(x) || ts.isForOfStatement(x)) && x.initializer &&
    ts.isVariableDeclarationList(x.initializer) && x.initializer.declarations.some((v) => ts.isIdentifier(v.name) && v.name.text === name);
  let outside = false, captured = false;
  (function visit(x, inLoop, inOwn, inFn) {
    if (outside || captured) return;
    if (ts.isIdentifier(x) && x.text === name && !(ts.isPropertyAccessExpression(x.parent) && x.parent.name === x)) {
      if (!inLoop) outside = true;
      else if (inOwn && inFn) captured = true;
    }
    const own = inOwn || x === loop, looped = inLoop || own || declares(x);
    ts.forEachChild(x, (c) => visit(c, looped, own, inFn || (own && x !== loop && ts.isFunctionLike(x))));
  })(fn, false, false, false);
  if (outside || captured) return [];
  const kw = list.getFirstToken(sf);
  return [edit(text, kw.getStart(sf), kw.getEnd(), 'let')];
}

/**
 * A value's name written as a type (TS2749, TS2709: JSDoc's `{mkdir}` naming a function): the
 * value's type, `typeof mkdir`, then `unknown`.
 */
function valueTypeCandidates(checker, sf, text, d) {
  if (d.code !== 2749 && d.code !== 2709) return [];
  const n = nodeAt(sf, d.start, d.length || 0);
  const ref = ts.findAncestor(n, ts.isTypeReferenceNode);
  if (!ref || ref.typeArguments || !ts.isEntityName(ref.typeName)) return [];
  const name = ref.typeName.getText(sf);
  return [edit(text, ref.getStart(sf), ref.getEnd(), `typeof ${name}`), edit(text, ref.getStart(sf), ref.getEnd(), 'unknown')];
}

/**
 * `{ pascalCase: false, ...options }` where `options`' declared type literal requires
 * `pascalCase` (TS2783: the default is always overwritten): the default says callers may leave
 * the member out, so it becomes optional there.
 */
function defaultedMembers(checker, sf, text, d) {
  if (d.code !== 2783) return [];
  const n = nodeAt(sf, d.start, d.length || 0);
  const prop = ts.findAncestor(n, ts.isPropertyAssignment), lit = prop && prop.parent;
  if (!prop || !ts.isIdentifier(prop.name) || !lit || !ts.isObjectLiteralExpression(lit)) return [];
  const name = prop.name.text;
  for (const spread of lit.properties.slice(lit.properties.indexOf(prop) + 1)) {
    if (!ts.isSpreadAssignment(spread) || !ts.isIdentifier(spread.expression)) continue;
    const sym = checker.getSymbolAtLocation(spread.expression), decl = sym && sym.valueDeclaration;
    const type = decl && (ts.isParameter(decl) || ts.isVariableDeclaration(decl)) && decl.getSourceFile() === sf ? decl.type : null;
    const member = type && ts.isTypeLiteralNode(type) &&
      type.members.find((m) => ts.isPropertySignature(m) && m.name && ts.isIdentifier(m.name) && m.name.text === name && !m.questionToken);
    if (member) return [edit(text, member.name.getEnd(), member.name.getEnd(), '?')];
  }
  return [];
}

const errorsOf = (project, rel) =>
  project.diagnostics(rel).filter((d) => d.category === ts.DiagnosticCategory.Error && d.start !== undefined);

/** One batch: the first candidate of every error, kept group by group where errors drop. */
function batchRound(project, rel) {
  const text = project.text(rel);
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true);
  const edits = [], errors = errorsOf(project, rel);
  // a loop's `var` declared again with another type is the cause of the errors in its header,
  // a variable given a value of another type of those where the variable is used as that value
  const psf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const causes = errors.filter((d) => d.code === 2403 || reassignedCandidates(checker, psf, text, d).length);
  for (const d of causes.length ? causes : errors) {
    if (d.code === 2339 || d.code === 2551) continue; // shape fixes read other fixes' results: one at a time
    const first = allCandidates(project, rel, text, sf, d)[0];
    if (first) edits.push(diffEdit(text, first));
  }
  return bisectApply(project, rel, edits, (now, before, n) => now <= before - n && parsesCleanly(project, rel));
}

/** Remove every error of `rel` that can be removed; returns counts of what was used. */
function lastResort(project, rel, allowSuppress = true) {
  const used = { unknown: 0, nonNull: 0, any: 0, suppress: 0, batched: 0, left: 0 };
  for (let i = 0; i < 3 && errorsOf(project, rel).length; i++) {
    const kept = batchRound(project, rel);
    used.batched += kept;
    if (!kept) break;
  }
  const failed = new Set();
  for (let guard = 0; guard < 400; guard++) {
    const diags = errorsOf(project, rel);
    const d = diags.find((x) => !failed.has(`${x.code}:${x.start}`));
    if (!d) { used.left = diags.length; break; }
    const text = project.text(rel), errs = diags.length;
    const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true);
    let done = false;
    for (const cand of allCandidates(project, rel, text, sf, d).slice(0, 4)) {
      project.setText(rel, cand);
      if (parsesCleanly(project, rel) && project.errorCount(rel) < errs && !flawedInsert(project, rel, text, cand)) {
        done = true; tally(used, text, cand); break;
      }
      project.setText(rel, text);
    }
    if (!done && allowSuppress && !insideTemplate(sf, lineStartOf(text, d.start))) {
      const cand = suppress(text, d);
      project.setText(rel, cand);
      if (project.errorCount(rel) < errs) { done = true; used.suppress++; } else project.setText(rel, text);
    }
    if (!done) failed.add(`${d.code}:${d.start}`);
  }
  return used;
}

/**
 * Whether the text a candidate inserted carries an error of its own (e.g. a type name not in
 * scope): fewer errors overall must not buy a new one inside the edit.
 */
function flawedInsert(project, rel, before, after) {
  const e = diffEdit(before, after), end = e.start + e.text.length;
  return errorsOf(project, rel).some((d) => d.start >= e.start && d.start < end);
}

function tally(used, before, after) {
  const added = after.slice(0, 0).length + (after.length - before.length);
  if (after.includes('as any)') && added >= 8) used.any++;
  else if (added === 1) used.nonNull++;
  else if (/: unknown/.test(after) && added <= 11) used.unknown++;
  else used.any++;
}

module.exports = { lastResort };
