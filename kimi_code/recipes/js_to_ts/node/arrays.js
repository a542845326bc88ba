'use strict';
// Element types of arrays the code fills (Node helper, polish round). `var ranges = []` is
// declared `any[]` or `unknown[]` (inference from usage, or `any` narrowed), which says nothing
// of what the code keeps there; the values it puts there say it: `ranges.push({ start, end })`
// makes `ranges: { start: number; end: number; }[]`. Only a variable whose every use is seen
// is typed: elements put in (`push`, `unshift`, `splice`, `a[i] = v`, `a = [...]`), read
// (`a[i]`, `length`, the methods that put nothing in), returned, iterated, or passed where the
// callee's parameter has a type of its own (one that takes anything could put anything in);
// a function's own variables only, whose uses are all in it.
// The `@ts-expect-error` lines above its uses go with the type where it makes them unused.
// Kept where neither this file's errors nor its importers' rise.
const ts = require('typescript');
const { acceptAlong, bisectApply, editGroup, importers } = require('./batch');
const { argumentType, typeName } = require('./callsites');
const { unsuppress } = require('./members');
const { referencesOf } = require('./refine');

const PUT = new Set(['push', 'unshift']);
const READ = new Set([
  'at', 'concat', 'entries', 'every', 'filter', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flat',
  'flatMap', 'forEach', 'includes', 'indexOf', 'join', 'keys', 'lastIndexOf', 'length', 'map', 'pop',
  'reduce', 'reduceRight', 'reverse', 'shift', 'slice', 'some', 'sort', 'toString', 'values',
]);

/** The `any`/`unknown` keyword an array type node is of (`any[]`, `Array<unknown>`), or null. */
function weakElement(t) {
  const weak = (e) => !!e && (e.kind === ts.SyntaxKind.AnyKeyword || e.kind === ts.SyntaxKind.UnknownKeyword);
  if (ts.isArrayTypeNode(t)) return weak(t.elementType) ? t.elementType : null;
  if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && t.typeName.text === 'Array' && t.typeArguments &&
    t.typeArguments.length === 1) return weak(t.typeArguments[0]) ? t.typeArguments[0] : null;
  return null;
}

/**
 * Where a variable's declared type says nothing of its elements, and how to say it: {node,
 * whole} where `whole` says `node` becomes `T[]` (a plain `any`, or a union with one weak
 * array: the variable holds only the arrays this pass sees, so its other members never hold),
 * else `node` is the element type itself (`any[] & { type?: string }`); null when the type has
 * no one weak array in it.
 */
function weakSpot(type) {
  if (type.kind === ts.SyntaxKind.AnyKeyword) return { node: type, whole: true };
  const parts = ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type) ? type.types : [type];
  const found = parts.map(weakElement).filter(Boolean);
  if (found.length !== 1) return null;
  return ts.isUnionTypeNode(type) ? { node: type, whole: true } : { node: found[0], whole: false };
}

const LOOSE = ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter;

/**
 * Whether a parameter of type `t` cannot put just anything in the array passed to it: `t` is
 * not `any`, `unknown` or a type parameter, and no array type in it (in a union or an
 * intersection too) has elements of those.
 */
function ownType(checker, t) {
  if (!t || t.flags & LOOSE) return false;
  const parts = t.isUnionOrIntersection() ? t.types : [t];
  return parts.every((u) => !(u.flags & LOOSE) && !(checker.isArrayType(u) && checker.getTypeArguments(u)[0].flags & LOOSE));
}

/** `e` lifted through parentheses and the branches of `?:`, `||`, `&&` and `??` (where its value goes on). */
function lift(e) {
  for (;;) {
    const p = e.parent;
    if (ts.isParenthesizedExpression(p) || (ts.isConditionalExpression(p) && p.condition !== e)) e = p;
    else if (ts.isBinaryExpression(p) && p.right === e && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken,
      ts.SyntaxKind.QuestionQuestionToken].includes(p.operatorToken.kind)) e = p;
    else return e;
  }
}

/**
 * The types (as text) of what the uses `uses` of an array variable put in it, or null when
 * some use is not one this pass understands (see the module comment) or a value cannot be named.
 */
function putTypes(checker, uses) {
  const types = new Set();
  const add = (e) => {
    if (ts.isSpreadElement(e)) return false;
    const t = argumentType(checker, e);
    if (t) types.add(t);
    return !!t;
  };
  for (const use of uses) {
    let u = use;
    while (ts.isParenthesizedExpression(u.parent)) u = u.parent;
    let p = u.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === u) {
      const name = p.name.text, call = p.parent;
      const called = ts.isCallExpression(call) && call.expression === p;
      if (called && PUT.has(name)) { if (!call.arguments.every(add)) return null; continue; }
      if (called && name === 'splice') { if (!call.arguments.slice(2).every(add)) return null; continue; }
      // a method that puts nothing in, or a member of another kind (`ranges.type = ...`)
      if (READ.has(name) || (!called && !(name in Array.prototype))) continue;
      return null;
    }
    if (ts.isElementAccessExpression(p) && p.expression === u) {
      const w = p.parent;
      if (ts.isBinaryExpression(w) && w.left === p) {
        if (w.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !add(w.right)) return null;
        continue;
      }
      if ((ts.isPrefixUnaryExpression(w) || ts.isPostfixUnaryExpression(w)) && w.operand === p) return null;
      continue; // a read
    }
    if (ts.isBinaryExpression(p) && p.left === u && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      // `a = [x, y]`; `a = expr` of an array type
      const r = p.right;
      if (ts.isArrayLiteralExpression(r)) { if (!r.elements.every(add)) return null; continue; }
      const t = checker.getTypeAtLocation(r);
      const element = checker.isArrayType(t) ? checker.getTypeArguments(t)[0] : null;
      const text = element && typeName(checker, element, r);
      if (!text) return null;
      types.add(text);
      continue;
    }
    u = lift(u); p = u.parent;
    if (ts.isReturnStatement(p) || ts.isForOfStatement(p) && p.expression === u || ts.isSpreadElement(p)) continue;
    if (ts.isArrowFunction(p) && p.body === u) continue;
    if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== u) {
      // passed on: only to a parameter with a type of its own
      if (ownType(checker, checker.getContextualType(u))) continue;
      return null;
    }
    return null;
  }
  return types;
}

/** The union of `types` as element type text (parenthesized where `[]` would bind tighter), or null. */
function elementText(types) {
  const parts = [...new Set([...types].flatMap((t) => (/[(<{=[]/.test(t) ? [t] : t.split(' | '))))];
  if (!parts.length || parts.length > 3) return null;
  return parts.map((t) => (/[|&]|=>/.test(t) && !/^\{[^]*\}$/.test(t) ? `(${t})` : t)).join(' | ');
}

/** Type the arrays of `rel` that the code fills (see the module comment); returns how many were kept. */
function filledArrays(project, rel) {
  if (!/\b(any|unknown)\b/.test(project.text(rel))) return 0;
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker(), edits = [];
  (function visit(n) {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.type &&
      (!n.initializer || (ts.isArrayLiteralExpression(n.initializer) && !n.initializer.elements.length))) {
      // a function's own variable: every use is in the function (another module could fill
      // a top-level one it imports)
      const scope = ts.findAncestor(n, ts.isFunctionLike);
      const spot = scope && weakSpot(n.type);
      if (spot) {
        const uses = referencesOf(checker, scope, n);
        const types = putTypes(checker, uses);
        const element = types && elementText(types);
        const text = element && spot.whole ? (/[|&]|=>/.test(element) ? `(${element})[]` : `${element}[]`) : element;
        if (text && text !== spot.node.getText(sf)) {
          // the suppressions the last resort put above its uses go too, where the type makes them unused
          edits.push(editGroup([{ start: spot.node.getStart(sf), end: spot.node.getEnd(), text }, ...unsuppress(sf, uses)]));
        }
      }
    }
    ts.forEachChild(n, visit);
  })(sf);
  return edits.length ? bisectApply(project, rel, edits, acceptAlong(project, importers(project, rel))) : 0;
}

module.exports = { filledArrays };
