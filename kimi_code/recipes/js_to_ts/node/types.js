'use strict';
// Type passes of the JS->TS recipe (Node helper): TypeScript's own code fixes applied to one
// file of the in-memory project, best source first (JSDoc, class members, inference from usage),
// and `any` -> `unknown` where the compiler accepts it.
const ts = require('typescript');
const { applyChanges } = require('./project');
const { acceptAlong, applyAll, bisectApply, groupOf, importers, parsesCleanly } = require('./batch');
const { optionalFromCallSites } = require('./callsites');
const { accessed, liftParens } = require('./casts');
const { nameable } = require('./names');
const { nodeAt } = require('./shapes');
const { symbolMembers } = require('./symbol_members');

const FORMAT = { ...ts.getDefaultFormatCodeSettings('\n'), indentSize: 2, tabSize: 2, convertTabsToSpaces: true,
  insertSpaceBeforeFunctionParenthesis: false };
const PREFS = { quotePreference: 'auto', includeInlayParameterNameHints: 'none' };

/**
 * Members added for `this.x = ...` become `declare x: T;`: a plain field declaration emits a
 * class field (define semantics under ES2022), which would reset what a base constructor or
 * a prototype assignment set. Method stubs (`throw new Error(...)`) are never added.
 */
function declareOnly(change) {
  if (/Method not implemented|throw new Error/.test(change.newText)) return null;
  const newText = change.newText.replace(/^(\s*)(?!declare\b)((?:static\s+)?(?:readonly\s+)?[A-Za-z_$][\w$]*[?!]?\s*:)/gm,
    (m, indent, rest) => `${indent}declare ${rest}`);
  return { ...change, newText };
}

/**
 * Whether `pos` is among a class's members (where an added field must be `declare`), not in a
 * type literal or interface (a `this` parameter's type, where `declare` is not allowed).
 */
function inClassBody(sf, pos) {
  const owner = ts.findAncestor(nodeAt(sf, pos, 0), (a) => ts.isClassLike(a) || ts.isTypeLiteralNode(a) || ts.isInterfaceDeclaration(a));
  return !!owner && ts.isClassLike(owner);
}

/**
 * `fn()`, a TypeScript 5 code fix over `rel`, with the program giving `errors(sourceFile)` as
 * the file's semantic diagnostics and no suggestions from the checker. The language service
 * lists the file's diagnostics before a fix, a whole check of the file for each new program:
 * a single fix only tells from them whether a "fix all" goes with it, which no pass uses; a
 * combined fix finds where to apply in them (the JSDoc suggestions it reads come from the
 * syntax tree, not the checker).
 */
function withDiagnostics(project, rel, errors, fn) {
  const program = project.program(), sf = program.getSourceFile(project.abs(rel));
  const { getSemanticDiagnostics, getSuggestionDiagnostics } = program;
  program.getSemanticDiagnostics = (f, token) => (f === sf ? errors(sf) : getSemanticDiagnostics(f, token));
  program.getSuggestionDiagnostics = (f, token) => (f === sf ? [] : getSuggestionDiagnostics(f, token));
  try {
    return fn();
  } finally {
    Object.assign(program, { getSemanticDiagnostics, getSuggestionDiagnostics });
  }
}

/** The native compiler's semantic errors of `rel` (what its trial checks see), on TypeScript 5's source file `sf`. */
function nativeErrors(project, rel, sf) {
  const syntax = new Set(project.program().getSyntacticDiagnostics(sf).map((d) => `${d.code}:${d.start}`));
  return project.diagnostics(rel).filter((d) => !syntax.has(`${d.code}:${d.start}`)).map((d) => ({ ...d, file: sf }));
}

/** The text changes of one combined code fix in `rel` (those in other files dropped: one owner per file), or null. */
function fixChanges(project, rel, fixId) {
  const fileName = project.abs(rel);
  let res;
  try {
    const fix = () => project.service.getCombinedCodeFix({ type: 'file', fileName }, fixId, FORMAT, PREFS);
    // where TypeScript 5 answers the trial checks, the fix reads its own diagnostics
    res = project.native ? withDiagnostics(project, rel, (sf) => nativeErrors(project, rel, sf), fix) : fix();
  } catch (e) {
    return null;
  }
  let mine = res.changes.filter((c) => c.fileName === fileName).flatMap((c) => c.textChanges);
  if (fixId === 'fixMissingMember') {
    const sf = project.sourceFile(rel);
    mine = mine.map((c) => (inClassBody(sf, c.span.start) ? declareOnly(c) : c)).filter(Boolean);
  }
  return mine.length ? mine : null;
}

/** Apply text changes to `rel` where they change it and do not raise its error count; whether they did. */
function applyGuarded(project, rel, changes) {
  const before = project.text(rel), errs = project.errorCount(rel), after = applyChanges(before, changes);
  if (after === before) return false;
  project.setText(rel, after);
  if (project.errorCount(rel) <= errs) return true;
  project.setText(rel, before);
  return false;
}

/** Apply a combined code fix only if it does not raise the file's error count. */
function guardedFix(project, rel, fixId) {
  const changes = fixChanges(project, rel, fixId);
  return !!changes && applyGuarded(project, rel, changes);
}

// JSDoc types too vague to keep one by one: `{function}` is no TypeScript type (the fix writes
// it as it is, a name that resolves to nothing), `{object}` and `{*}` say less than the code's
// use of the value does; inference from usage types those
const VAGUE_JSDOC = /^\s*\??:\s*(function|object|Object|any)\s*$/;

/**
 * The JSDoc types of `rel`, kept where the file's errors do not rise: all at once
 * (`guardedFix`); one that does not compile refuses them all, so in the first round (`split`)
 * they are tried function by function (the parentheses an arrow's lone parameter needs go with
 * its type), without the vague ones, with `unknown` for a name TypeScript cannot see there
 * (`{Mixed}`, `{ServerResponse}` never imported; a `@typedef` of the file's own is converted
 * later), each function's kept where the file still parses and has fewer errors: an implicit
 * `any` typed, and no error in its place (`res: unknown` where `res.end()` is read).
 * Returns whether some were kept.
 */
function jsdocTypes(project, rel, split) {
  const found = fixChanges(project, rel, 'annotateWithTypeFromJSDoc');
  if (!found) return false;
  if (applyGuarded(project, rel, found)) return true;
  if (!split) return false;
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const typedefs = new Set([...sf.text.matchAll(/@(?:typedef|callback)\s+(?:\{[^}\n]*\}\s*)?([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  const byOwner = new Map();
  for (const c of found) {
    if (VAGUE_JSDOC.test(c.newText)) continue;
    const at = nodeAt(sf, c.span.start, 0), owner = ts.findAncestor(at, ts.isFunctionLike) || c;
    const resolves = (name) => typedefs.has(name) || nameable(checker, at, name);
    if (!byOwner.has(owner)) byOwner.set(owner, []);
    byOwner.get(owner).push({ ...c, newText: unseenAsUnknown(c.newText, resolves) });
  }
  const groups = [...byOwner.values()].map(groupOf);
  return groups.length > 0 &&
    bisectApply(project, rel, groups, (now, before, n) => now <= before - n && parsesCleanly(project, rel)) > 0;
}

/** Annotation `text` with `unknown` for each type name `resolves` refuses (not a member's or a parameter's name). */
function unseenAsUnknown(text, resolves) {
  return text.replace(/(?<![.\w$])[A-Za-z_$][\w$]*(?![\w$])(?!\s*\??:)/g, (name) => (resolves(name) ? name : 'unknown'));
}

// combined fixes, each run only when the file shows what it fixes (every run costs a re-check)
const COMBINED = [
  ['convertTypedefToType', (codes, text) => /@typedef\b/.test(text)],
  ['annotateWithTypeFromJSDoc', (codes, text) => /@(param|type|returns?|typedef|this)\b/.test(text)],
  ['fixMissingMember', (codes) => codes.has(2339) || codes.has(2551)],
  ['fixAddMissingNewOperator', (codes) => codes.has(2348)],
  ['fixAwaitInSyncFunction', (codes) => codes.has(1308)],
  ['fixAddVoidToPromise', (codes) => codes.has(2794) || codes.has(2810)],
];
const IMPLICIT = new Set([7005, 7006, 7008, 7010, 7019, 7031, 7032, 7033, 7034, 2683, 7041]);

/**
 * The name of the function whose `this` is at `pos`, when it is a prototype-style constructor
 * (`new F(...)` or `F.prototype` in the file); else null.
 */
function constructorAt(project, rel, pos) {
  const sf = project.sourceFile(rel);
  const fn = ts.findAncestor(nodeAt(sf, pos, 0), (a) => ts.isFunctionDeclaration(a) || ts.isFunctionExpression(a));
  const name = fn && fn.name && fn.name.text;
  if (!name) return null;
  const esc = name.replace(/\$/g, '\\$');
  return new RegExp(`\\bnew\\s+${esc}\\b|\\b${esc}\\.prototype\\b`).test(sf.text) ? name : null;
}

/** The parameter declaration around `pos`, or undefined. */
const parameterAt = (sf, pos) => ts.findAncestor(nodeAt(sf, pos, 0), ts.isParameter);

/**
 * The class whose instances the calls of the function declaring the parameter at `pos` pass
 * for it as `this` (`get(this, key)` in `LRUCache`'s methods), or null unless it is one class.
 */
function thisArgumentClass(sf, pos) {
  const param = parameterAt(sf, pos), fn = param && param.parent;
  if (!fn || !fn.parameters) return null;
  let name = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : null;
  if (!name && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) name = fn.parent.name.text;
  const index = fn.parameters.indexOf(param), classes = new Set();
  (function visit(n) {
    if (name && ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name) {
      const arg = n.arguments[index];
      if (arg && arg.kind === ts.SyntaxKind.ThisKeyword) {
        // the `this` of a method (arrow functions see through; other functions have their own)
        const owner = ts.findAncestor(arg, (a) => ts.isClassLike(a) || ts.isFunctionDeclaration(a) || ts.isFunctionExpression(a));
        classes.add(owner && ts.isClassLike(owner) && owner.name ? owner.name.text : null);
      }
    }
    ts.forEachChild(n, visit);
  })(sf);
  return classes.size === 1 ? [...classes][0] : null;
}

/**
 * The changes of an inference fix with a `this` type written outside a class or interface
 * (TS2526: inference types `self` in `const get = (self, key) => ...` as `this` when methods
 * call `get(this, key)`) naming the class the calls pass instead; null when there is none.
 */
function thisTypeOutside(sf, changes, pos) {
  // the `this` type, not a function type's `this` parameter (`(this: Foo, x) => ...`)
  const THIS = /\bthis\b(?!\s*\??\s*:)/g;
  const outside = (c) => new RegExp(THIS.source).test(c.newText) &&
    !ts.findAncestor(nodeAt(sf, c.span.start, 0), (a) => ts.isClassLike(a) || ts.isInterfaceDeclaration(a));
  if (!changes.some(outside)) return changes;
  const cls = thisArgumentClass(sf, pos);
  return cls ? changes.map((c) => (outside(c) ? { ...c, newText: c.newText.replace(THIS, cls) } : c)) : null;
}

/**
 * The function whose parameter an implicit-any error at `pos` (TS7006, TS7019) is about, when
 * inference from usage types all its parameters at once whichever one it is asked about (a
 * named parameter of a function other than a setter); else null.
 */
function inferredTogether(sf, pos) {
  const param = parameterAt(sf, pos);
  return param && ts.isIdentifier(param.name) && !ts.isSetAccessorDeclaration(param.parent) ? param.parent : null;
}

/**
 * The text changes in `rel` of TypeScript's inference from usage for the implicit `any` (error
 * `code`) at [start, end): none where it offers no such fix, null where asking failed. The
 * program gives the fix no diagnostics to list: it needs none, and listing them would check
 * the whole file (see `withDiagnostics`).
 */
function usageChanges(project, rel, start, end, code) {
  const fileName = project.abs(rel);
  let fixes;
  try {
    fixes = withDiagnostics(project, rel, () => [], () => project.service.getCodeFixesAtPosition(fileName, start, end, [code], FORMAT, PREFS));
  } catch (e) {
    return null;
  }
  const fix = fixes.find((x) => x.fixName === 'inferFromUsage');
  return fix ? fix.changes.filter((c) => c.fileName === fileName).flatMap((c) => c.textChanges) : [];
}

/** inferFromUsage for every implicit-any error, each fix kept only where the error count drops. */
function inferEach(project, rel) {
  const sf = project.sourceFile(rel);
  const diags = project.diagnostics(rel).filter((x) => IMPLICIT.has(x.code));
  const groups = [];
  const seen = new Set();
  const asked = new Map(); // function -> the changes for its parameters (one inference for all of them)
  for (const d of diags) {
    const ctor = d.code === 2683 ? constructorAt(project, rel, d.start) : null;
    const together = d.code === 7006 || d.code === 7019 ? inferredTogether(sf, d.start) : null;
    let changes = together ? asked.get(together) : undefined;
    if (changes === undefined) {
      changes = usageChanges(project, rel, d.start, d.start + d.length, d.code);
      if (!changes) continue;
      if (together) asked.set(together, changes);
    }
    if (!changes.length) continue;
    const mine = thisTypeOutside(sf, changes, d.start);
    if (!mine) continue;
    // `never`, or a parameter typed `undefined` (no caller passes it yet): not a type the code
    // was written for, and it refuses every value other callers pass
    const unpassed = d.code === 7006 && mine.some((c) => /^\??:\s*undefined\s*$/.test(c.newText.trim()));
    // the `this` of a constructor typed as an object the function is a property of (the
    // module's exports, which list it): not the instance it makes
    const host = ctor && mine.some((c) => new RegExp(`[{;,]\\s*${ctor.replace(/\$/g, '\\$')}\\??:`).test(c.newText));
    if (!mine.length || unpassed || host || mine.some((c) => /\bnever\b/.test(c.newText))) continue;
    const key = JSON.stringify(mine);
    if (seen.has(key)) continue;
    seen.add(key);
    groups.push(groupOf(mine));
  }
  return bisectApply(project, rel, groups, (now, before, n) => now <= before - n);
}

// a name used as a type that is a value only (2749), a namespace (2709) or nothing (2304, 2552)
const NOT_A_TYPE = new Set([2749, 2709, 2304, 2552]);

/**
 * Type references that name no type become `unknown`: JSDoc names what the code means, not what
 * TypeScript can see (`@returns {Command}` for a prototype-style constructor, a value only;
 * `@param {Mixed}`, a name declared nowhere), and the annotations from JSDoc carry such names
 * over. Each is kept where the file's errors do not rise (the later passes type what it holds).
 */
function unresolvedTypeNames(project, rel) {
  const sf = project.sourceFile(rel), edits = [];
  for (const d of project.diagnostics(rel)) {
    if (!NOT_A_TYPE.has(d.code) || d.start === undefined) continue;
    const ref = ts.findAncestor(nodeAt(sf, d.start, d.length || 0), (a) => ts.isTypeReferenceNode(a) || ts.isStatement(a));
    if (ref && ts.isTypeReferenceNode(ref) && !ref.typeArguments) edits.push({ start: ref.getStart(sf), end: ref.getEnd(), text: 'unknown' });
  }
  return edits.length ? bisectApply(project, rel, edits, (now, before) => now <= before) : 0;
}

/**
 * Parameters that default to an empty object (`options = {}`) and have no JSDoc type: TypeScript
 * types them `{}`, so every member the function reads is an error. Each gets the type inference
 * from usage gives it without the default (what the function reads and calls of it), every
 * member optional (the default has none): `options: { maxSize?: number; onEvict?: (...) =>
 * void } = {}`. Kept where neither the file's errors nor its importers' rise.
 */
function emptyObjectDefaults(project, rel) {
  const text = project.text(rel), params = [];
  (function visit(n) {
    if (ts.isParameter(n) && !n.type && !n.dotDotDotToken && ts.isIdentifier(n.name) && n.initializer &&
        ts.isObjectLiteralExpression(n.initializer) && !n.initializer.properties.length && !ts.getJSDocParameterTags(n).length) {
      params.push(n);
    }
    ts.forEachChild(n, visit);
  })(project.sourceFile(rel));
  if (!params.length) return 0;
  // one text without the defaults, where each such parameter is implicitly `any` (TS7006)
  const cuts = params.map((p) => ({ start: p.name.getEnd(), end: p.initializer.getEnd(), text: '' }));
  const cutBefore = (at) => cuts.reduce((d, c) => d + (c.end <= at ? c.end - c.start : 0), 0);
  const edits = [];
  project.setText(rel, applyAll(text, cuts));
  try {
    for (const p of params) {
      const start = p.name.getStart() - cutBefore(p.name.getStart()), end = start + p.name.getWidth();
      const change = (usageChanges(project, rel, start, end, 7006) || []).find((c) => c.span.start === end && c.span.length === 0);
      const type = change && optionalMembers(change.newText.replace(/^\s*:\s*/, ''));
      if (type && !/\bnever\b/.test(type)) edits.push({ start: p.name.getEnd(), end: p.name.getEnd(), text: `: ${type}` });
    }
  } finally {
    project.setText(rel, text);
  }
  return edits.length ? bisectApply(project, rel, edits, acceptAlong(project, importers(project, rel))) : 0;
}

/**
 * Type literal `type` (text) with each of its members optional, null for any other type; `|
 * undefined` (a call that leaves the argument out) is dropped: the default stands for it.
 */
function optionalMembers(type) {
  const sf = ts.createSourceFile('t.ts', `type T = ${type};`, ts.ScriptTarget.Latest, true);
  const alias = sf.statements[0];
  let literal = alias && ts.isTypeAliasDeclaration(alias) ? alias.type : null;
  if (literal && ts.isUnionTypeNode(literal)) {
    const defined = literal.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
    literal = defined.length === 1 ? defined[0] : null;
  }
  if (!literal || !ts.isTypeLiteralNode(literal) || !literal.members.length) return null;
  const marks = [];
  for (const m of literal.members) {
    if (!(ts.isPropertySignature(m) || ts.isMethodSignature(m)) || !m.name) return null;
    if (!m.questionToken) marks.push({ start: m.name.getEnd(), end: m.name.getEnd(), text: '?' });
  }
  return applyAll(sf.text.slice(0, literal.getEnd()), marks).slice(literal.getStart(sf));
}

/** Run the code-fix passes until nothing changes (at most `rounds` rounds). */
function inferTypes(project, rel, rounds = 3) {
  const applied = [];
  if (optionalFromCallSites(project, rel)) applied.push('optionalFromCallSites');
  if (symbolMembers(project, rel)) applied.push('symbolMembers');
  for (let i = 0; i < rounds; i++) {
    let changed = false;
    // JSDoc first (the author's own types), then usage, so that members declared afterwards
    // get the parameters' types
    for (const [fixId, wanted] of COMBINED.slice(0, 2)) {
      if (!wanted(null, project.text(rel))) continue;
      const kept = fixId === 'annotateWithTypeFromJSDoc' ? jsdocTypes(project, rel, i === 0) : guardedFix(project, rel, fixId);
      if (kept) { applied.push(fixId); changed = true; }
    }
    if (inferEach(project, rel)) { applied.push('inferFromUsage'); changed = true; }
    // after the other parameters' types, which the members' types may come from
    if (emptyObjectDefaults(project, rel)) { applied.push('emptyObjectDefaults'); changed = true; }
    for (const [fixId, wanted] of COMBINED.slice(2)) {
      const codes = new Set(project.diagnostics(rel).map((d) => d.code));
      if (!wanted(codes, project.text(rel))) continue;
      if (guardedFix(project, rel, fixId)) { applied.push(fixId); changed = true; }
    }
    if (!changed) break;
  }
  // after the rounds: a `@typedef` the first round could not convert may convert in a later one
  if (/@(param|type|returns?|typedef|this)\b/.test(project.text(rel)) && unresolvedTypeNames(project, rel)) applied.push('unresolvedTypeNames');
  return applied;
}

/** Whether `e` is what an assignment or an increment writes to. */
function written(e) {
  const p = e.parent;
  if (!p) return false;
  if (ts.isBinaryExpression(p)) {
    const op = p.operatorToken.kind;
    return p.left === e && op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  return ts.isPostfixUnaryExpression(p) || (ts.isPrefixUnaryExpression(p) &&
    (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken));
}

/**
 * Whether `m` is a `call`, `apply` or `bind` member of a type literal with a call signature:
 * inference from usage writes `call?: any` for `worker.call(ctx, x)`, but every function has
 * those members, typed by its own signature.
 */
function functionMember(m) {
  return ts.isPropertySignature(m) && ts.isIdentifier(m.name) && /^(call|apply|bind)$/.test(m.name.text) &&
    ts.isTypeLiteralNode(m.parent) && m.parent.members.some(ts.isCallSignatureDeclaration);
}

/**
 * Every `any` keyword in the file that can become `unknown` without new errors does (a
 * `call?: any` member of a function type literal is dropped instead, see `functionMember`); with
 * `rest`, a rest parameter's `any` becomes `unknown[]`. That one waits for the polish round:
 * inference from usage in the files not yet typed reads an argument passed to an `unknown`
 * parameter as a use of type `unknown` (semver's `debug(...args)`, called with every token
 * name, left 94 more `any` in the files that call it when typed early).
 */
function narrowAny(project, rel, { rest = false } = {}) {
  const text = project.text(rel);
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true);
  const edits = [];
  (function visit(n) {
    // `(x as unknown).p`, `(x as unknown)[k]`, `(x as unknown)()` never compile: not tried
    // nor `(x as unknown) = v`: a cast on what is written hides the same unchecked write as
    // `as any` does, so it stays `any` (and is counted as one)
    if (n.kind === ts.SyntaxKind.AnyKeyword && functionMember(n.parent)) {
      edits.push({ start: n.parent.pos, end: n.parent.getEnd(), text: '' });
    } else if (n.kind === ts.SyntaxKind.AnyKeyword && !(ts.isAsExpression(n.parent) && (accessed(liftParens(n.parent)) || written(liftParens(n.parent))))) {
      const isRest = ts.isParameter(n.parent) && n.parent.dotDotDotToken && n.parent.type === n;
      const param = ts.isArrayTypeNode(n.parent) && ts.findAncestor(n.parent, (a) => !ts.isTypeNode(a));
      const element = !!param && ts.isParameter(param) && indexesWithElements(param);
      if (!isRest || rest) edits.push({ start: n.getStart(sf), end: n.getEnd(), text: isRest ? 'unknown[]' : 'unknown', element });
    }
    ts.forEachChild(n, visit);
  })(sf);
  const kept = [];
  const narrowed = bisectApply(project, rel, edits, (now, before) => now <= before, kept);
  return narrowed + keysOf(project, rel, edits.filter((e) => e.element && !kept.includes(e)), kept);
}

/**
 * Whether some element of parameter `p` indexes an object in its function: `node[ps[i]]`, or
 * `node[key]` with `key = ps[i]` (a key path).
 */
function indexesWithElements(p) {
  if (!ts.isIdentifier(p.name) || !p.parent || !p.parent.body) return false;
  const name = p.name.text, keys = new Set();
  const isElement = (e) => e && ts.isElementAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === name;
  (function collect(n) {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && isElement(n.initializer)) keys.add(n.name.text);
    ts.forEachChild(n, collect);
  })(p.parent.body);
  let found = false;
  (function visit(n) {
    if (found) return;
    if (ts.isElementAccessExpression(n)) {
      const k = n.argumentExpression;
      if (isElement(k) || (ts.isIdentifier(k) && keys.has(k.text))) found = true;
    }
    ts.forEachChild(n, visit);
  })(p.parent.body);
  return found;
}

/**
 * The element `any` of a parameter's array type that `unknown` did not fit, as `PropertyKey`,
 * when its elements index objects (`node[ps[i]]` of a key path), where that compiles.
 * `rejected` and `kept` are edits of the text before `unknown` was tried; the rejected ones
 * are placed in the text now by the kept ones before them.
 */
function keysOf(project, rel, rejected, kept) {
  if (!rejected.length) return 0;
  const shift = (at) => kept.reduce((d, k) => d + (k.start < at ? k.text.length - (k.end - k.start) : 0), 0);
  const edits = rejected.map((e) => ({ start: e.start + shift(e.start), end: e.end + shift(e.start), text: 'PropertyKey' }));
  return bisectApply(project, rel, edits, (now, before) => now <= before);
}

module.exports = { inferTypes, unresolvedTypeNames, narrowAny, guardedFix, FORMAT, PREFS };
