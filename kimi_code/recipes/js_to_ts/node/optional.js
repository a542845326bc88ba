'use strict';
// Optional parameters and members from the function's own tests (Node helper, polish round).
// In JavaScript every argument may be left out, and a function that checks for that
// (`if (!opts) return defaults`, `typeof opts.depth === 'number' ? opts.depth : 5`) says its
// callers may leave it out. Inference from usage writes such parameters, and the members of
// the options objects it infers, as required, so a TypeScript caller passing fewer arguments
// or a partial options object gets errors the JavaScript never had. A parameter the function
// tests for absence becomes optional (`opts?`) where every parameter after it is, and a member
// of a parameter's type literal whose reads are tested becomes optional (`depth?`; a member
// inference typed `undefined` or `null` from such a test alone becomes `grouping?: unknown`);
// each is kept where neither this file's errors nor its importers' rise. A test whose `if`
// throws (`if (!name) throw new TypeError(...)`) says the opposite and is not counted.
const ts = require('typescript');
const { acceptAlong, bisectApply, importers } = require('./batch');
const { liftParens } = require('./casts');
const { parameterOf, plainParams } = require('./callsites');
const { usesOf } = require('./refine');

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken,
]);

/** Whether `e` is `undefined`, `void 0` or `null`, or `true`/`false` (`opts.dots === true` holds for a missing one too). */
function isAbsentOrFlag(e) {
  e = liftParens(e);
  return (ts.isIdentifier(e) && e.text === 'undefined') || ts.isVoidExpression(e) || e.kind === ts.SyntaxKind.NullKeyword ||
    e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword;
}

/**
 * Whether the read `e` tests whether the value is there: `!e`, `typeof e === 'undefined'` (of
 * a `member` any `typeof`), `e === undefined` (or `null`, `void 0`, `true`, `false`), `e ?? d`,
 * `e || d`, `e` as the condition of an `if` or `?:`, or passed on as an argument the callee's
 * parameter leaves optional.
 */
function tested(checker, e, member = false) {
  const use = liftParens(e), p = use.parent;
  if (!p || guardsThrow(use)) return false;
  const param = passedTo(checker, use);
  if (param) return !!(param.questionToken || param.initializer);
  // `typeof type === 'function'` tells kinds of argument apart; an option's type is checked
  // before its default is taken (`typeof opts.depth === 'number' ? opts.depth : 5`)
  if (ts.isTypeOfExpression(p)) return member || comparedWith(p, 'undefined');
  if (ts.isPrefixUnaryExpression(p) && p.operator === ts.SyntaxKind.ExclamationToken) return true;
  if ((ts.isIfStatement(p) || ts.isConditionalExpression(p)) && p.condition === use) return true;
  if (ts.isBinaryExpression(p)) {
    const op = p.operatorToken.kind;
    if (EQUALITY.has(op)) return isAbsentOrFlag(p.left === use ? p.right : p.left);
    return (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) && p.left === use;
  }
  return false;
}

/**
 * Whether `use` is in the condition of an `if` that throws (`if (!opts) throw new TypeError(...)`):
 * a check that the value is there, which says the caller must pass it.
 */
function guardsThrow(use) {
  let n = use;
  while (n.parent && !ts.isStatement(n.parent) && !ts.isFunctionLike(n.parent)) n = n.parent;
  const s = n.parent;
  if (!s || !ts.isIfStatement(s) || s.expression !== n) return false;
  const then = ts.isBlock(s.thenStatement) ? s.thenStatement.statements[0] : s.thenStatement;
  return !!then && ts.isThrowStatement(then);
}

/** Whether `typeof x` expression `t` is compared with the string `text`. */
function comparedWith(t, text) {
  const use = liftParens(t), b = use.parent;
  if (!b || !ts.isBinaryExpression(b) || !EQUALITY.has(b.operatorToken.kind)) return false;
  const other = liftParens(b.left === use ? b.right : b.left);
  return ts.isStringLiteralLike(other) && other.text === text;
}

/** The parameter of a function of the project that argument `use` is passed to, or null. */
function passedTo(checker, use) {
  const q = parameterOf(checker, use);
  // a library's optional parameter says nothing of what the project's own code may leave out
  return q && !q.getSourceFile().isDeclarationFile ? q : null;
}

/** The edits: `?` after each parameter tested for absence (trailing ones only) and each tested member of a parameter's type literal. */
function optionalEdits(checker, sf, plain) {
  const edits = [];
  (function visit(n) {
    if (ts.isFunctionLike(n) && n.body && n.parameters) {
      const params = plainParams(n);
      let trailing = true;
      for (const p of [...params].reverse()) {
        if (!ts.isIdentifier(p.name) || p.dotDotDotToken) { trailing = !!p.dotDotDotToken && trailing; continue; }
        const uses = usesOf(checker, sf, p);
        const optional = !!(p.questionToken || p.initializer);
        if (!optional && trailing && p.type && uses.some((u) => tested(checker, u))) edits.push({ start: p.name.getEnd(), end: p.name.getEnd(), text: '?' });
        else if (!optional) trailing = false;
        if (p.type && ts.isTypeLiteralNode(p.type)) edits.push(...memberEdits(checker, p.type, uses, plain));
      }
    }
    ts.forEachChild(n, visit);
  })(sf);
  return edits;
}

/**
 * `?` after each required member of `literal` some read of which (`opts.depth` from `uses` of
 * `opts`) is tested, or which the function's callee leaves optional where the whole value is
 * passed on (`normalize(opts)` with `normalize(opts?: { depth?: number })`).
 */
function memberEdits(checker, literal, uses, plain) {
  const out = [], passedOptional = new Set();
  for (const u of uses) {
    const q = passedTo(checker, liftParens(u));
    if (q && q.type && ts.isTypeLiteralNode(q.type)) {
      for (const m of q.type.members) if (ts.isPropertySignature(m) && m.questionToken && ts.isIdentifier(m.name)) passedOptional.add(m.name.text);
    }
  }
  for (const m of literal.members) {
    if (!ts.isPropertySignature(m) || m.questionToken || !ts.isIdentifier(m.name)) continue;
    const name = m.name.text;
    const memberReads = uses.map((u) => u.parent).filter((p) => ts.isPropertyAccessExpression(p) && p.name.text === name);
    if (!passedOptional.has(name) && !memberReads.some((r) => tested(checker, r, true))) continue;
    // `grouping: undefined` is what inference from usage reads off `opts.grouping === undefined`:
    // the test says the member may be missing, not that it is never anything else
    if (onlyAbsent(m.type) && !plain) out.push({ start: m.name.getEnd(), end: m.type.getEnd(), text: '?: unknown' });
    else out.push({ start: m.name.getEnd(), end: m.name.getEnd(), text: '?' });
  }
  return out;
}

/** Whether type node `t` is `undefined` or `null` alone. */
function onlyAbsent(t) {
  return !!t && (t.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
}

/**
 * Make the parameters and members `rel`'s functions test for absence optional, where that
 * compiles; returns how many. A second round makes optional what is passed on to a parameter
 * the first made optional, and tries a plain `?` where `?: unknown` was refused.
 */
function optionalFromTests(project, rel, round = 0) {
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = optionalEdits(checker, sf, round > 0);
  if (!edits.length) return 0;
  const kept = bisectApply(project, rel, edits, acceptAlong(project, importers(project, rel)));
  return round > 0 ? kept : kept + optionalFromTests(project, rel, 1);
}

module.exports = { optionalFromTests };
