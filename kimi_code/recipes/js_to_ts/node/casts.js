'use strict';
// Tightening of the `as any` casts the last resort left (Node helper). A cast added for one
// error is often not needed once later edits have landed (optional parameters, non-null
// assertions, annotations), and where it still is, the use usually needs far less than `any`:
// a property read or write needs an object with that property, an index needs a record, a
// call needs a callable; of a value typed as a union, only the constituents that have the
// member read (`(v as SemVer).compare` of a `string | SemVer`), and of an `unknown` operand
// of arithmetic, only `number`. Each pass is batched and kept only where the file's errors
// do not rise.
const ts = require('typescript');
const { acceptAlong, bisectApply, importers } = require('./batch');
const { nameable } = require('./names');
const { typeName } = require('./duck');
const { readsArguments } = require('./shapes');

/** `n` with the parentheses around it (the node its parent sees). */
function liftParens(n) {
  while (n.parent && ts.isParenthesizedExpression(n.parent)) n = n.parent;
  return n;
}

/** `as any` assertions of the file: [{cast, use}] where `use` is the node around its parens. */
function anyCasts(sf) {
  const out = [];
  (function visit(n) {
    if (ts.isAsExpression(n) && n.type.kind === ts.SyntaxKind.AnyKeyword) {
      out.push({ cast: n, use: liftParens(n) });
    }
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * The narrowest type the cast's use needs, or null when it needs something we cannot name: a
 * member read needs an object with that member, typed by what the read value's own use needs
 * (`(err as any).message.indexOf(x)`: `{ message: { indexOf(...args: unknown[]): unknown } }`;
 * `depth = (o as any).depth`: `{ depth: number }`, the type the assignment wants); an index
 * needs a record, a call a callable. Not `deep`: the member read typed `unknown`.
 */
function neededType(checker, cast, use, { deep = true } = {}) {
  const p = use.parent;
  if (!p) return null;
  if (ts.isPropertyAccessExpression(p) && p.expression === use && IDENT.test(p.name.text)) {
    const text = memberNeed(checker, p, deep ? 0 : NEED_DEPTH - 1);
    return text.length <= 160 ? text : memberNeed(checker, p, NEED_DEPTH - 1);
  }
  if (ts.isElementAccessExpression(p) && p.expression === use) return 'Record<PropertyKey, unknown>';
  if (ts.isCallExpression(p) && p.expression === use) return '(...args: unknown[]) => unknown';
  return null;
}

const NEED_DEPTH = 3;

const ARITHMETIC_OPS = new Set([
  ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
]);

/** `{ name: T }` (or `{ name(...args: unknown[]): T }` for a call) for the member read `p`. */
function memberNeed(checker, p, depth) {
  const name = p.name.text, call = p.parent && ts.isCallExpression(p.parent) && p.parent.expression === p;
  const value = valueNeed(checker, call ? p.parent : p, depth + 1);
  return call ? `{ ${name}(...args: unknown[]): ${value} }` : `{ ${name}: ${value} }`;
}

/**
 * What the value of expression `e` must be for its use: an object with the member its use
 * reads, else the type its context wants (an assignment's target, a parameter), else `unknown`.
 */
function valueNeed(checker, e, depth) {
  if (depth >= NEED_DEPTH) return 'unknown';
  const use = liftParens(e), p = use.parent;
  if (p && ts.isPropertyAccessExpression(p) && p.expression === use && IDENT.test(p.name.text) && !p.questionDotToken) {
    return memberNeed(checker, p, depth);
  }
  if (p && ts.isElementAccessExpression(p) && p.expression === use) return 'Record<PropertyKey, unknown>';
  // an operand of arithmetic (not `+`, which joins strings too)
  if (p && ts.isBinaryExpression(p) && ARITHMETIC_OPS.has(p.operatorToken.kind)) return 'number';
  return typeText(checker, use, checker.getContextualType(use)) || 'unknown';
}

/** `t` as this place can write it (short, no `any`, nothing it cannot name), else null. */
function typeText(checker, at, t) {
  if (!t || t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return null;
  const text = checker.typeToString(t, at, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType);
  const plain = text.length < 80 && !/\bany\b|\bnever\b|typeof |import\(|=>|\bthis\b/.test(text);
  return plain && nameable(checker, at, text) ? text : null;
}

/** Whether the cast's use reads a member of it, calls it or indexes it. */
function accessed(use) {
  const p = use.parent;
  return !!p && (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p)) &&
    p.expression === use;
}

/**
 * Whether dropping the cast surely fails, judged by the current checker (each trial costs a
 * re-check, so the certain failures are not tried): a member read of a type without it.
 */
function dropFails(checker, cast, use) {
  if (!accessed(use)) return false;
  const t = checker.getTypeAtLocation(cast.expression);
  if (t.flags & ts.TypeFlags.Any) return false;
  if (t.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return true;
  const p = use.parent;
  if (!ts.isPropertyAccessExpression(p)) return false;
  const apparent = checker.getApparentType(checker.getNonNullableType(t));
  if (apparent.isUnion()) return apparent.types.some((u) => !checker.getPropertyOfType(checker.getApparentType(u), p.name.text));
  return !checker.getPropertyOfType(apparent, p.name.text);
}

/** Drop `as any` where the expression compiles without it; returns how many were dropped. */
function dropCasts(project, rel) {
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = anyCasts(sf).filter(({ cast, use }) => !dropFails(checker, cast, use)).map(({ cast }) => {
    const paren = cast.parent;
    // `(p as any)[key]` becomes `p[key]`, not `(p)[key]`, where the parenthesis guards nothing
    if (ts.isParenthesizedExpression(paren) && isEntityName(cast.expression) && !opensStatement(sf, paren)) {
      return { start: paren.getStart(sf), end: paren.getEnd(), text: cast.expression.getText(sf) };
    }
    return { start: cast.expression.getEnd(), end: cast.getEnd(), text: '' };
  });
  return bisectApply(project, rel, edits, (now, before) => now <= before);
}

/**
 * Whether `e` starts a statement in a list, where its `(` keeps the line from continuing the
 * one before (no semicolon there: `f()\n(p as any)[k] = v`); the body of an `if`, a loop or a
 * label follows a `)`, `else`, `do` or `:` instead.
 */
function opensStatement(sf, e) {
  const stmt = ts.findAncestor(e, ts.isStatement), holder = stmt && stmt.parent;
  if (!stmt || stmt.getStart(sf) !== e.getStart(sf)) return false;
  return !(ts.isIfStatement(holder) || ts.isIterationStatement(holder, false) || ts.isLabeledStatement(holder) || ts.isWithStatement(holder));
}

/**
 * The type of the parameter a cast argument is passed to, for a call of a function with one
 * plain (not generic, not overloaded) signature: the parameter's type where this file can
 * name it, else `Parameters<typeof f>[i]` for a plainly named callee; null otherwise.
 */
function argumentType(checker, sf, use) {
  const call = use.parent;
  if (!call || !ts.isCallExpression(call) || call.expression === use || call.typeArguments) return null;
  const i = call.arguments.indexOf(use);
  const signatures = checker.getTypeAtLocation(call.expression).getCallSignatures(), sig = signatures[0];
  if (signatures.length !== 1 || sig.getTypeParameters() || i < 0 || i >= sig.parameters.length) return null;
  const decl = sig.declaration && sig.declaration.parameters && sig.declaration.parameters[i];
  if (!decl || decl.dotDotDotToken) return null;
  const type = checker.getTypeOfSymbolAtLocation(sig.parameters[i], call);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return null;
  const text = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  if (text.length < 120 && !/\bany\b|\bnever\b|typeof |import\(/.test(text) && nameable(checker, call, text)) return text;
  let callee = call.expression;
  while (ts.isPropertyAccessExpression(callee)) callee = callee.expression;
  return ts.isIdentifier(callee) ? `Parameters<typeof ${call.expression.getText(sf)}>[${i}]` : null;
}

/**
 * For an argument of a call that `argumentType` does not type (an overloaded callee, a library
 * method: `s.toLocaleLowerCase(options.locale as any)`), what its signatures take there (all
 * of them: `string[] | Intl.LocalesArgument`), where this file can name it and it says more
 * than `unknown`; null for a generic callee or a rest parameter.
 */
function wantedArgument(checker, use) {
  const call = use.parent;
  if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) || call.expression === use) return null;
  const i = call.arguments.indexOf(use), t = checker.getTypeAtLocation(call.expression);
  const signatures = ts.isNewExpression(call) ? t.getConstructSignatures() : t.getCallSignatures();
  if (!signatures.length || signatures.some((s) => s.getTypeParameters() || !plainParameter(s, i))) return null;
  // of an overloaded callee, every signature's type there: the checker's own choice would be
  // the first overload, which the cast value need not fit
  const wanted = checker.getUnionType(signatures.map((s) => checker.getTypeOfSymbolAtLocation(s.parameters[i], call)));
  return typeText(checker, use, wanted);
}

/** Whether signature `s` has a parameter at `i` that is not a rest parameter. */
function plainParameter(s, i) {
  const decl = s.declaration && s.declaration.parameters && s.declaration.parameters[i];
  return i < s.parameters.length && !!decl && !decl.dotDotDotToken;
}

/**
 * For `new (F as any)(...)` of a plain function `F` (a prototype-style constructor): a
 * constructor taking `F`'s parameters (any arguments, `unknown[]`, when `F` reads `arguments`)
 * and making what `F`'s `this` is declared as (not when
 * that is `any`; `unknown` when `F` declares none). A function
 * type and a constructor type do not overlap, so the assertion goes through `unknown`; the
 * arguments and the instance's uses stay checked.
 */
function constructed(checker, cast, use) {
  const p = use.parent, e = cast.expression;
  if (!p || !ts.isNewExpression(p) || p.expression !== use || !isEntityName(e)) return null;
  const t = checker.getTypeAtLocation(e), sig = t.getCallSignatures()[0];
  if (!sig || t.getConstructSignatures().length) return null;
  // a `this: any` would make the instance any under another name
  const self = sig.thisParameter && checker.getTypeOfSymbolAtLocation(sig.thisParameter, e);
  if (self && self.flags & ts.TypeFlags.Any) return null;
  const f = e.getText();
  // a function that reads `arguments` takes more than its parameters say
  const args = sig.declaration && readsArguments(sig.declaration) ? 'unknown[]' : `Parameters<typeof ${f}>`;
  return `unknown as new (...args: ${args}) => ThisParameterType<typeof ${f}>`;
}

/**
 * Whether the cast is an argument whose value may be null or undefined and, without those, is
 * what the parameter takes (`parse(v)` returns `SemVer | null`, passed on as `(v as any)`): the
 * cast hides only the null, which a non-null assertion says, keeping the rest checked.
 */
function nonNullFits(checker, cast, use) {
  const call = use.parent, e = cast.expression;
  if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) || call.expression === use) return false;
  if (!(ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isCallExpression(e))) return false;
  const t = checker.getTypeAtLocation(e), wanted = checker.getContextualType(use);
  if (!wanted || wanted.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) || !t.isUnion()) return false;
  const plain = checker.getNonNullableType(t);
  return plain !== t && !(plain.flags & (ts.TypeFlags.Never | ts.TypeFlags.Any)) && checker.isTypeAssignableTo(plain, wanted);
}

/**
 * Whether the cast is called or constructed (`(convert.rgb.hsl as any)(rgb)`) and its value,
 * without null and undefined, can be (an optional member holding a function): the cast hides
 * only the maybe-missing value, which a non-null assertion says, keeping the call checked.
 */
function nonNullCallee(checker, cast, use) {
  const call = use.parent, e = cast.expression;
  if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) || call.expression !== use) return false;
  if (!(ts.isIdentifier(e) || ts.isPropertyAccessExpression(e))) return false;
  const t = checker.getTypeAtLocation(e), plain = checker.getNonNullableType(t);
  if (plain === t || plain.flags & (ts.TypeFlags.Never | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
  const kind = ts.isNewExpression(call) ? ts.SignatureKind.Construct : ts.SignatureKind.Call;
  return checker.getSignaturesOfType(plain, kind).length > 0;
}

/**
 * Replace `as any` by a non-null assertion where that is all an argument needs, else by the
 * shape its use needs or the parameter type it is passed to, where that compiles. In the `last`
 * round only, the shapes go deeper than one member, overloaded callees' arguments are typed, a
 * callee that is only maybe missing gets `f!(...)`, and `new (F as any)(...)` gets a
 * constructor type: before it, a cast left `any` still marks a
 * value whose members the member shapes pass declares (`hooks.before.call(...)`: `before?:
 * (...args: unknown[]) => unknown` on `hooks`), or a constructor the prototypes pass gives an
 * interface, which beat a type on the cast.
 */
function shapeCasts(project, rel, last) {
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = [];
  for (const { cast, use } of anyCasts(sf)) {
    if (nonNullFits(checker, cast, use) || (last && nonNullCallee(checker, cast, use))) {
      edits.push({ start: use.getStart(sf), end: use.getEnd(), text: `${cast.expression.getText(sf)}!` });
      continue;
    }
    const t = neededType(checker, cast, use, { deep: last }) || argumentType(checker, sf, use) || (last && wantedArgument(checker, use));
    if (t) edits.push({ start: cast.type.getStart(sf), end: cast.type.getEnd(), text: t });
  }
  const kept = bisectApply(project, rel, edits, (now, before) => now <= before);
  // each step below reads the file as the one before left it: spans from an older text would
  // land elsewhere (a comment takes any text without an error)
  return kept + (last ? plainShapes(project, rel) + ownShapes(project, rel) + constructedCasts(project, rel) : 0);
}

/** `new (F as any)(...)` of a prototype-style constructor typed by `constructed`. */
function constructedCasts(project, rel) {
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const made = [];
  for (const { cast, use } of anyCasts(sf)) {
    const c = constructed(checker, cast, use);
    if (c) made.push({ start: cast.type.getStart(sf), end: cast.type.getEnd(), text: c });
  }
  // an instance typed where it was any changes what the functions returning it return: the
  // files importing this one must not get new errors either
  return made.length ? bisectApply(project, rel, made, acceptAlong(project, importers(project, rel))) : 0;
}

/**
 * Where a member read's deep shape was refused (`{ a: { b: unknown } }`), its plain one
 * (`{ a: unknown }`): the read value's own uses may be fine with `unknown` after all; where a
 * callee's non-null assertion was refused, a callable type.
 */
function plainShapes(project, rel) {
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = [];
  for (const { cast, use } of anyCasts(sf)) {
    const plain = neededType(checker, cast, use, { deep: false });
    if (plain && (plain !== neededType(checker, cast, use) || nonNullCallee(checker, cast, use))) {
      edits.push({ start: cast.type.getStart(sf), end: cast.type.getEnd(), text: plain });
    }
  }
  return edits.length ? bisectApply(project, rel, edits, (now, before) => now <= before) : 0;
}

/**
 * Where a member read's shape was refused because it does not overlap the value's own type (a
 * function read for a member it gains at run time: `(createDebug as any).colors`), the value's
 * own type with that shape: `typeof createDebug & { colors: unknown }`. Every other use of the
 * value stays checked as it was.
 */
function ownShapes(project, rel) {
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = [];
  for (const { cast, use } of anyCasts(sf)) {
    const p = use.parent;
    if (!p || !ts.isPropertyAccessExpression(p) || p.expression !== use || !isEntityName(cast.expression)) continue;
    const t = checker.getTypeAtLocation(cast.expression);
    if (!(t.flags & ts.TypeFlags.Object) || t.isUnion()) continue;
    const shape = neededType(checker, cast, use);
    if (shape) edits.push({ start: cast.type.getStart(sf), end: cast.type.getEnd(), text: `typeof ${cast.expression.getText(sf)} & ${shape}` });
  }
  return edits.length ? bisectApply(project, rel, edits, (now, before) => now <= before) : 0;
}

const NUMERIC_OPS = new Set([
  ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken, ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
]);

/** Constituents of the union `t` (itself when not a union). */
const constituents = (checker, t) => (t.isUnion() ? t.types : [t]);

/**
 * The part of the cast value's own type that its use works on: of `string | SemVer`, read
 * `.compare`, the constituents that have member `compare` (`SemVer`); null when that is all or
 * none of them, or not nameable here.
 */
function memberPart(checker, cast, name) {
  const raw = checker.getTypeAtLocation(cast.expression);
  if (raw.flags & ts.TypeFlags.Unknown) return builtinPart(checker, cast, name);
  const t = checker.getNonNullableType(raw);
  if (!t.isUnion()) return null;
  const kept = constituents(checker, t).filter((u) => checker.getPropertyOfType(checker.getApparentType(u), name));
  if (!kept.length || kept.length === t.types.length) return null;
  const texts = [];
  for (const u of kept) {
    const text = partText(checker, cast, u);
    if (!text) return null;
    if (!texts.includes(text)) texts.push(text);
  }
  const text = texts.join(' | ');
  return text.length < 160 ? text : null;
}

/**
 * For an `unknown` value, the built-in types among `string`, `unknown[]` and `number` that
 * have member `name` (`.trim()`: `string`; `.filter()`: `unknown[]`; `.slice()`: both), when
 * one or two do and `name` is not a member every object has.
 */
function builtinPart(checker, cast, name) {
  const array = checker.resolveName('Array', cast, ts.SymbolFlags.Type, false);
  const has = {
    string: !!checker.getPropertyOfType(checker.getApparentType(checker.getStringType()), name),
    'unknown[]': !!(array && checker.getPropertyOfType(checker.getDeclaredTypeOfSymbol(array), name)),
    number: !!checker.getPropertyOfType(checker.getApparentType(checker.getNumberType()), name),
  };
  const kept = Object.keys(has).filter((k) => has[k]);
  return kept.length && kept.length < 3 ? kept.join(' | ') : null;
}

/** How the file of `node` can write type `u`: as printed where that resolves, else a class by import type. */
function partText(checker, node, u) {
  const text = checker.typeToString(checker.getBaseTypeOfLiteralType(u), undefined, ts.TypeFormatFlags.NoTruncation);
  if (/\bany\b|\bnever\b|typeof |import\(/.test(text)) return null;
  if (nameable(checker, node, text)) return text;
  const sym = u.getSymbol(), decl = sym && sym.valueDeclaration;
  if (!decl || !(sym.flags & ts.SymbolFlags.Class) || decl.getSourceFile().isDeclarationFile) return null;
  return typeName(checker, node.getSourceFile(), { symbol: sym, file: decl.getSourceFile().fileName });
}

/** `number` for a cast operand of arithmetic or a comparison whose other operand is a number. */
function numericPart(checker, cast, use) {
  const p = use.parent;
  if (!p || !ts.isBinaryExpression(p) || !NUMERIC_OPS.has(p.operatorToken.kind)) return null;
  const other = p.left === use ? p.right : p.left;
  const ot = checker.getTypeAtLocation(other);
  if (!(ot.flags & ts.TypeFlags.NumberLike) || ot.flags & ts.TypeFlags.Any) return null;
  const t = checker.getTypeAtLocation(cast.expression);
  const numberish = t.flags & ts.TypeFlags.Unknown || constituents(checker, t).some((u) => u.flags & ts.TypeFlags.NumberLike);
  return numberish ? 'number' : null;
}

/** The type text of the value an assignment `... = value` writes, widened; null when not nameable. */
function writtenType(checker, cast, w) {
  const vt = checker.getWidenedType(checker.getBaseTypeOfLiteralType(checker.getTypeAtLocation(w.right)));
  const text = checker.typeToString(vt, undefined, ts.TypeFormatFlags.NoTruncation);
  return text.length < 80 && !/\bany\b|\bnever\b|typeof |import\(|=>/.test(text) && nameable(checker, cast, text) ? text : null;
}

/**
 * For a member an object gains after it was made (`(state as any).isLeaf = v` where `state`'s
 * literal has no `isLeaf`), its own type with that member added, optional (it is not there
 * before the write): `typeof state & { isLeaf?: boolean }`, typed by the values the file's
 * casts write there (`unknown` when some cannot be named, or none is written). The write stays
 * checked, and so does every other member. Null for a called member, a union, or a value that
 * is not a plain variable of an object type.
 */
function addedMember(checker, cast, use, written) {
  const p = use.parent, e = cast.expression;
  if (!p || !ts.isPropertyAccessExpression(p) || p.expression !== use || !IDENT.test(p.name.text) || !ts.isIdentifier(e)) return null;
  if (p.parent && ts.isCallExpression(p.parent) && p.parent.expression === p) return null;
  const t = checker.getTypeAtLocation(e);
  if (!(t.flags & ts.TypeFlags.Object) || t.isUnion() || checker.getPropertyOfType(t, p.name.text)) return null;
  const types = written.get(checker.getSymbolAtLocation(e))?.get(p.name.text);
  const value = types && !types.has(null) && types.size <= 3 ? [...types].join(' | ') : 'unknown';
  return `typeof ${e.text} & { ${p.name.text}?: ${value} }`;
}

/** symbol -> member -> Set(type text | null) of what `(x as any).m = v` writes in the file. */
function castWrites(checker, casts) {
  const out = new Map();
  for (const { cast, use } of casts) {
    const p = use.parent, w = p && p.parent;
    if (!p || !ts.isPropertyAccessExpression(p) || p.expression !== use || !ts.isIdentifier(cast.expression)) continue;
    if (!w || !ts.isBinaryExpression(w) || w.left !== p || w.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const sym = checker.getSymbolAtLocation(cast.expression);
    if (!sym) continue;
    if (!out.has(sym)) out.set(sym, new Map());
    const members = out.get(sym);
    if (!members.has(p.name.text)) members.set(p.name.text, new Set());
    members.get(p.name.text).add(writtenType(checker, cast, w));
  }
  return out;
}

/**
 * Replace `as any` by the part of the value's type its use needs: the union constituents that
 * have the member read (`(v as SemVer).compare`), with `added` the value's own type with a
 * member it gains later (`addedMember`), or `number` for an operand of arithmetic or a numeric
 * comparison; kept where the file's errors do not rise.
 */
function narrowCasts(project, rel, added) {
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
  const edits = [], casts = anyCasts(sf), written = added ? castWrites(checker, casts) : new Map();
  for (const { cast, use } of casts) {
    const p = use.parent;
    const read = p && ts.isPropertyAccessExpression(p) && p.expression === use;
    const member = read ? memberPart(checker, cast, p.name.text) || (added && addedMember(checker, cast, use, written)) : null;
    const t = member || numericPart(checker, cast, use);
    if (t) edits.push({ start: cast.type.getStart(sf), end: cast.type.getEnd(), text: t });
    else if (keyedRead(checker, cast, use)) {
      const e = cast.expression.getText(sf), at = p.argumentExpression;
      edits.push({ start: p.getStart(sf), end: p.getEnd(), text: `${e}[${at.getText(sf)} as keyof typeof ${e}]` });
    } else {
      const widened = concatReceiver(checker, cast, use);
      if (widened) {
        const receiver = use.parent.expression.expression;
        const text = `(${receiver.getText(sf)} as ${widened}).concat(${sf.text.slice(use.getStart(sf), cast.expression.getEnd())}`;
        edits.push({ start: receiver.getStart(sf), end: cast.getEnd(), text });
      }
    }
  }
  return bisectApply(project, rel, edits, (now, before) => now <= before);
}

/**
 * Whether the cast is indexed by a computed key (`(formatTypes as any)[type]`) on a value of a
 * plain object type without an index signature: the key asserted to be one of the object's
 * own (`formatTypes[type as keyof typeof formatTypes]`) gives the read its members' types.
 */
function keyedRead(checker, cast, use) {
  const p = use.parent, e = cast.expression;
  if (!p || !ts.isElementAccessExpression(p) || p.expression !== use || !isEntityName(e)) return false;
  if (ts.isStringLiteralLike(p.argumentExpression) || ts.isNumericLiteral(p.argumentExpression)) return false;
  const t = checker.getTypeAtLocation(e);
  if (!(t.flags & ts.TypeFlags.Object) || t.isUnion() || checker.getIndexInfosOfType(t).length) return false;
  return checker.getPropertiesOfType(t).length > 0 && !checker.getSignaturesOfType(t, ts.SignatureKind.Call).length;
}

/**
 * For the one argument of `a.concat(x as any)`, where `a` is an array whose element type does
 * not take `x`'s elements (`[]` is `never[]`; `names.concat(symbols)` of a `string[]`): `a`'s
 * array type widened by `x`'s elements, `(string | symbol)[]`. Widening an array's element
 * type is true of the array as it is, and `x` stays checked against it. Null when `a` holds
 * another cast, either side is not a plain array, or the union cannot be named here.
 */
function concatReceiver(checker, cast, use) {
  const call = use.parent;
  if (!call || !ts.isCallExpression(call) || call.arguments.length !== 1 || call.arguments[0] !== use) return null;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'concat' || /\bas\b/.test(callee.expression.getText())) return null;
  const own = elementOf(checker, checker.getTypeAtLocation(callee.expression));
  const value = checker.getTypeAtLocation(cast.expression);
  const added = elementOf(checker, value) || (value.flags & (ts.TypeFlags.Any | ts.TypeFlags.Object) ? null : value);
  if (!own || !added || added.flags & ts.TypeFlags.Any) return null;
  const parts = [];
  for (const u of [...constituents(checker, own), ...constituents(checker, added)]) {
    if (u.flags & ts.TypeFlags.Never) continue;
    const text = partText(checker, cast, u);
    if (!text) return null;
    if (!parts.includes(text)) parts.push(text);
  }
  if (!parts.length || parts.length > 4) return null;
  return parts.length === 1 && !/[|&=]/.test(parts[0]) ? `${parts[0]}[]` : `(${parts.join(' | ')})[]`;
}

/** The element type of a plain array type (not a tuple), or null. */
function elementOf(checker, t) {
  return checker.isArrayType(t) ? checker.getTypeArguments(t)[0] : null;
}

/** `a` or `a.b.c` (what `typeof` can name). */
function isEntityName(e) {
  return ts.isIdentifier(e) || (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.name) && isEntityName(e.expression));
}

/**
 * The object shape a parameter's uses in its function need: `{ a: unknown; m(...args: unknown[]): unknown }`
 * from `p.a` and `p.m(...)` (members optional where `p = p || {}` defaults it); null when some
 * use is not a plain property access.
 */
function usedShape(sf, fn, name) {
  const members = new Map();
  let plain = true, defaulted = false;
  (function visit(m) {
    // nested ordinary functions have their own `this`
    if (name === 'this' && m !== fn && (ts.isFunctionDeclaration(m) || ts.isFunctionExpression(m))) return;
    const isRef = name === 'this' ? m.kind === ts.SyntaxKind.ThisKeyword : ts.isIdentifier(m) && m.text === name;
    if (isRef && !(m.parent && ts.isParameter(m.parent) && m.parent.name === m)) {
      const p = m.parent;
      if (selfDefault(m, name)) defaulted = true;
      else if (p && ts.isPropertyAccessExpression(p) && p.expression === m && IDENT.test(p.name.text)) {
        const called = p.parent && ts.isCallExpression(p.parent) && p.parent.expression === p;
        const prev = members.get(p.name.text);
        members.set(p.name.text, called && prev !== 'value' ? 'call' : 'value');
      } else if (!passedOrTested(m)) plain = false;
    }
    ts.forEachChild(m, visit);
  })(fn.body || fn);
  if (!plain || !members.size || members.size > 12) return null;
  // a value defaulted to `{}` may have none of its members
  const q = defaulted ? '?' : '';
  const parts = [...members].map(([k, kind]) => (kind === 'call' ? `${k}${q}(...args: unknown[]): unknown` : `${k}${q}: unknown`));
  return `{ ${parts.join('; ')} }`;
}

/** Whether `m` is the target of `name = name || {}` (an options object defaulted to an empty one). */
function selfDefault(m, name) {
  const a = m.parent;
  if (!a || !ts.isBinaryExpression(a) || a.left !== m || a.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
  const r = liftParens(a.right);
  return ts.isBinaryExpression(r) && (r.operatorToken.kind === ts.SyntaxKind.BarBarToken || r.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) &&
    ts.isIdentifier(r.left) && r.left.text === name && ts.isObjectLiteralExpression(liftParens(r.right)) && !liftParens(r.right).properties.length;
}

/**
 * A use that needs nothing of the value's members: passed on as an argument (the callee's
 * parameter type decides, and the compiler checks it), tested for truth or compared.
 */
function passedOrTested(m) {
  const p = m.parent;
  if (!p) return false;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== m) return true;
  if (ts.isPrefixUnaryExpression(p) && p.operator === ts.SyntaxKind.ExclamationToken) return true;
  if (ts.isTypeOfExpression(p) || ts.isIfStatement(p) || (ts.isConditionalExpression(p) && p.condition === m)) return true;
  if (ts.isBinaryExpression(p)) {
    const op = p.operatorToken.kind;
    return op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken ||
      ((op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) && p.left === m);
  }
  return false;
}

/** Parameters (and `this`) typed `any` whose uses are property accesses (or pass the value on) get that shape. */
function shapeParams(project, rel) {
  const sf = project.sourceFile(rel);
  const edits = [];
  (function visit(n) {
    if (ts.isParameter(n) && n.type && n.type.kind === ts.SyntaxKind.AnyKeyword && ts.isIdentifier(n.name)) {
      const t = usedShape(sf, n.parent, n.name.text);
      if (t) edits.push({ start: n.type.getStart(sf), end: n.type.getEnd(), text: t });
    }
    ts.forEachChild(n, visit);
  })(sf);
  return bisectApply(project, rel, edits, (now, before) => now <= before);
}

/**
 * The passes in order; returns how many edits each kept. `added` (the polish round, once the
 * member shapes pass has declared what it could) also types members objects gain later, and
 * shapes casts deeper (`shapeCasts`).
 */
function tightenCasts(project, rel, { added = false } = {}) {
  const dropped = dropCasts(project, rel);
  const narrowed = narrowCasts(project, rel, added);
  const shaped = shapeCasts(project, rel, added);
  const params = shapeParams(project, rel);
  return { dropped, narrowed, shaped, params };
}

module.exports = { tightenCasts, accessed, builtinPart, liftParens, opensStatement };
