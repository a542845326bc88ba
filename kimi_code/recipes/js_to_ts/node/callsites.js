'use strict';
// Optional parameters from call sites across the workspace (Node helper). In JavaScript every
// parameter may be left out; in TypeScript a call with fewer arguments than parameters is an
// error (TS2554). The calls and `new`s in the project's files that reach this file are read; a
// parameter of this file's functions that some caller leaves out becomes optional (`p?`), and
// a parameter still typed `any` after the other passes gets the union of what its callers pass
// (a function type too, for a parameter the code calls).
const ts = require('typescript');
const { bisectApply } = require('./batch');
const { isWeak, nameKeys } = require('./weak');

/**
 * The function (or class constructor) a call's callee names, through imports, object-literal
 * properties that name a function declared elsewhere (`module.exports = { render }`, then
 * `lib.render()`) and variables initialized with one; null when it is none.
 */
function calleeDeclaration(checker, expr) {
  const node = ts.isPropertyAccessExpression(expr) ? expr.name : expr;
  return declarationOf(checker, checker.getSymbolAtLocation(node), 0);
}

function declarationOf(checker, sym, depth) {
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  if (!sym || depth > 3) return null;
  for (const d of sym.declarations || []) {
    if (ts.isFunctionLike(d) && d.parameters) return d;
    if (ts.isClassDeclaration(d) || ts.isClassExpression(d)) return d.members.find(ts.isConstructorDeclaration) || null;
    if (ts.isShorthandPropertyAssignment(d)) return declarationOf(checker, checker.getShorthandAssignmentValueSymbol(d), depth + 1);
    if ((ts.isVariableDeclaration(d) || ts.isPropertyAssignment(d) || ts.isExportAssignment(d)) && (d.initializer || d.expression)) {
      const init = d.initializer || d.expression;
      if (ts.isFunctionExpression(init) || ts.isArrowFunction(init)) return init;
      if (ts.isClassExpression(init)) return init.members.find(ts.isConstructorDeclaration) || null;
      if (ts.isIdentifier(init)) return declarationOf(checker, checker.getSymbolAtLocation(init), depth + 1);
    }
  }
  return null;
}

/**
 * The names `rel` declares (functions, classes, variables, methods, properties): a call
 * `x.m()` can resolve to a function of `rel` only when `m` is one of them. Resolving `x.m`
 * costs the type of `x`; the other calls of a large project need not pay it.
 */
function declaredNames(sf) {
  const names = new Set();
  (function visit(n) {
    if (n.name && ts.isIdentifier(n.name) && (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isVariableDeclaration(n) ||
      ts.isPropertyAssignment(n) || ts.isPropertyDeclaration(n) || ts.isPropertySignature(n))) names.add(n.name.text);
    if (ts.isBinaryExpression(n) && ts.isPropertyAccessExpression(n.left)) names.add(n.left.name.text);
    ts.forEachChild(n, visit);
  })(sf);
  return names;
}

const importersByProgram = new WeakMap(); // program -> Map(file path -> Set(importing file paths))

/**
 * The paths of the source files whose calls may reach declarations of `own`: `own` and the
 * files that import it, directly or through others, as the program resolved their module
 * specifiers (`require` in JavaScript too). null when `own` is not a module: its declarations
 * are global, and any file may call them.
 */
function reachingFiles(program, own) {
  if (!ts.isExternalOrCommonJsModule(own)) return null;
  let importers = importersByProgram.get(program);
  if (!importers) {
    importers = new Map();
    program.forEachResolvedModule(({ resolvedModule }, _name, _mode, from) => {
      const to = resolvedModule && program.getSourceFile(resolvedModule.resolvedFileName);
      if (!to) return;
      if (!importers.has(to.path)) importers.set(to.path, new Set());
      importers.get(to.path).add(from);
    });
    importersByProgram.set(program, importers);
  }
  const out = new Set([own.path]), queue = [own.path];
  while (queue.length) for (const f of importers.get(queue.pop()) || []) if (!out.has(f)) { out.add(f); queue.push(f); }
  return out;
}

/**
 * `visit(call, declaration)` for every call and `new` in the project's files whose callee is a
 * function (or class constructor) declared in `rel`, and `passed(argument, declaration)` for
 * every argument that names such a function (`ranges.map(withIndex)`: the callee calls it).
 * Only the files that import `rel` (directly or not) are read. Identifier callees are resolved
 * (cheap: scopes and imports); `x.m()` only when `rel` declares some `m`.
 */
function callsInto(project, rel, visit, passed = null) {
  const program = project.program(), checker = program.getTypeChecker(), file = project.abs(rel);
  const own = program.getSourceFile(file);
  if (!own) return;
  const names = declaredNames(own), reach = reachingFiles(program, own);
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || !project.isManaged(sf.fileName)) continue;
    // a module that does not import `own` (through others either) cannot name what it declares;
    // a script (no import, no export) can, in the global scope
    if (reach && !reach.has(sf.path) && ts.isExternalOrCommonJsModule(sf)) continue;
    (function walk(n) {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
        // `new (F as any)(...)` still calls F with these arguments
        let e = n.expression;
        while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) e = e.expression;
        if (!ts.isPropertyAccessExpression(e) || names.has(e.name.text)) {
          const decl = calleeDeclaration(checker, e);
          if (decl && decl.getSourceFile() === own) visit(n, decl);
        }
        for (const arg of passed ? n.arguments || [] : []) {
          let a = arg;
          while (ts.isParenthesizedExpression(a) || ts.isAsExpression(a)) a = a.expression;
          if (!ts.isIdentifier(a) && !(ts.isPropertyAccessExpression(a) && names.has(a.name.text))) continue;
          const decl = calleeDeclaration(checker, a);
          if (decl && decl.getSourceFile() === own && !ts.isConstructorDeclaration(decl)) passed(arg, decl);
        }
      }
      ts.forEachChild(n, walk);
    })(sf);
  }
}

/** A function's parameters without its `this` parameter (what a call's arguments line up with). */
const plainParams = (fn) => fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));

/** The parameter of the project's function (or constructor) a call or `new` passes argument `use` to, or null. */
function parameterOf(checker, use) {
  const call = use.parent;
  if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) || call.expression === use) return null;
  const callee = calleeDeclaration(checker, call.expression), i = (call.arguments || []).indexOf(use);
  return callee && i >= 0 ? plainParams(callee)[i] || null : null;
}

/** Make parameters of `rel`'s functions optional where a caller leaves them out. */
function optionalFromCallSites(project, rel) {
  const calls = new Map(); // declaration -> fewest arguments a call passes
  callsInto(project, rel, (n, decl) => {
    if ((n.arguments || []).some(ts.isSpreadElement)) return;
    const count = (n.arguments || []).length;
    if (!calls.has(decl) || calls.get(decl) > count) calls.set(decl, count);
  });
  const edits = [];
  for (const [decl, count] of calls) {
    const params = decl.parameters.slice(count);
    for (const p of params) {
      if (p.questionToken || p.initializer || p.dotDotDotToken || p.name.kind === ts.SyntaxKind.ThisKeyword) continue;
      if (ts.isIdentifier(p.name) && p.name.text === 'this') continue;
      edits.push(p.name.getEnd());
    }
  }
  const unique = [...new Set(edits)].map((at) => ({ start: at, end: at, text: '?' }));
  return bisectApply(project, rel, unique, (now, before) => now <= before);
}

const TYPE_FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

/**
 * The widened type of an argument as text, or null when it cannot be named well; a function
 * type only when `functions` (a parameter the code calls).
 */
function argumentType(checker, arg, functions = false) {
  return typeName(checker, checker.getTypeAtLocation(arg), arg, functions);
}

/** `argumentType` of type `t` seen at node `at`. */
function typeName(checker, t, at, functions = false) {
  if (t.flags & (ts.TypeFlags.Literal | ts.TypeFlags.BooleanLiteral)) t = checker.getBaseTypeOfLiteralType(t);
  t = checker.getWidenedType(t);
  const s = checker.typeToString(t, at, TYPE_FLAGS);
  if (/\bany\b|\bnever\b|^\{\}$|\.\.\.|typeof |import\(/.test(s) || s.length > 80) return null;
  // a function type only when it names what the function takes (`unknown` parameters would
  // refuse every other caller's function that takes something in particular)
  return /=>/.test(s) && (!functions || /\bunknown\b/.test(s)) ? null : s;
}

/** Whether written type `t` is a type literal of call signatures only (what inference from usage writes for a parameter the code calls). */
const callable = (t) => !!t && ts.isTypeLiteralNode(t) && t.members.length > 0 && t.members.every(ts.isCallSignatureDeclaration);

/**
 * The type of member `name` of what `arg` is, as text (literal types widened; function types
 * allowed, unlike `argumentType`): 'undefined' when the argument has no such member, null when
 * it cannot be named well or the argument is not one plain object type.
 */
function memberType(checker, arg, name) {
  const at = checker.getTypeAtLocation(arg);
  if (at.isUnion() || !(at.flags & ts.TypeFlags.Object)) return null;
  const prop = checker.getPropertyOfType(at, name);
  if (!prop) return 'undefined';
  let t = checker.getTypeOfSymbolAtLocation(prop, arg);
  if (t.flags & (ts.TypeFlags.Literal | ts.TypeFlags.BooleanLiteral)) t = checker.getBaseTypeOfLiteralType(t);
  t = checker.getWidenedType(t);
  const s = checker.typeToString(t, arg, TYPE_FLAGS);
  return /\bany\b|\bnever\b|^\{\}$|\.\.\.|typeof |import\(/.test(s) || s.length > 100 ? null : s;
}

/**
 * A written type that says little: weak (`isWeak`), or a union with a weak member, the way
 * inference from usage types what has a `length` and is indexed (`string | any[]`).
 */
const weakish = (t) => isWeak(t) || (!!t && ts.isUnionTypeNode(t) && t.types.some((u) => isWeak(u)));

/** The members of a parameter's type literal typed `any`/`unknown`. */
function weakMembers(p) {
  if (!p.type || !ts.isTypeLiteralNode(p.type) || p.dotDotDotToken) return [];
  return p.type.members.filter((m) => ts.isPropertySignature(m) && m.name && ts.isIdentifier(m.name) && isWeak(m.type));
}

/** Record `t` (type text or null, unnameable) among what `key` is seen as. */
function see(seen, key, t) {
  if (t === null) seen.set(key, null);
  else if (seen.get(key) !== null) seen.set(key, (seen.get(key) || new Set()).add(t));
}

/** The union of the types `types` names (null when none or too many); with `undefined` when one is, unless `optional`. */
function unionText(types, optional) {
  // a union of unions is flattened (`string | number` and `number`: `string | number`)
  const flat = [...types].flatMap((t) => (/[(<{=[]/.test(t) ? [t] : t.split(' | ')));
  types = new Set(flat);
  const parts = [...types].filter((t) => t !== 'undefined');
  // `unknown` absorbs every other member of a union
  if (!parts.length || parts.length > 4 || parts.includes('unknown')) return null;
  const union = parts.map((t) => ((/[|&]/.test(t) || /=>/.test(t)) && parts.length > 1 ? `(${t})` : t)).join(' | ');
  return types.has('undefined') && !optional ? `${union} | undefined` : union;
}

const PAST = Symbol('past');

/**
 * The type the contextual signature of function `fn` (an argument: a callback written there, or
 * a function passed by name) gives its parameter `i`: a type, `PAST` when the callee passes
 * fewer arguments, null when its type does not say (no single call signature, a rest
 * parameter there, `any`, `unknown`, a type parameter).
 */
function contextualParamType(checker, fn, i) {
  const ctx = checker.getContextualType(fn), sigs = ctx ? ctx.getCallSignatures() : [];
  if (sigs.length !== 1) return null;
  const params = sigs[0].parameters, decls = sigs[0].declaration && sigs[0].declaration.parameters;
  const rest = (j) => !!(decls && decls[j] && decls[j].dotDotDotToken);
  if (i >= params.length) return params.length && rest(params.length - 1) ? null : PAST;
  if (rest(i)) return null;
  const t = checker.getTypeOfSymbolAtLocation(params[i], fn);
  return t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter) ? null : t;
}

/**
 * The type a callee gives parameter `i` of the function argument `arg` names (`withIndex` of
 * `ranges.map(withIndex)`: `Range` of a `Range[]`, then `number`), as `argumentType` names it;
 * 'undefined' past the parameters the callee passes, null when the callee's type does not say.
 */
function passedType(checker, arg, i, functions) {
  const t = contextualParamType(checker, arg, i);
  if (t === PAST) return 'undefined';
  return t ? typeName(checker, t, arg, functions) : null;
}

/** Whether parameter `p`'s written type says little (see `weakish`, or a type literal with `any`/`unknown` members). */
const openParam = (p) => !p.dotDotDotToken &&
  (weakish(p.type) || (!!p.type && ts.isTypeLiteralNode(p.type) && /\b(any|unknown)\b/.test(p.type.getText())));

/**
 * Parameters of `rel`'s functions still typed `any`/`unknown` (or arrays of them, or a union
 * with one of those) get the union of what their callers pass (every call site in the project,
 * and what a callee a function is passed to gives it, literal types widened), and the
 * `any`/`unknown` members of a parameter's type literal the union of the callers' arguments'
 * members of that name (`decoder: any` of an options object every caller builds with a typed
 * decoder), where that compiles.
 */
function typesFromCallSites(project, rel) {
  const checker = project.program().getTypeChecker();
  const seen = new Map(); // parameter or member declaration -> Set(type text) | null (unnameable)
  callsInto(project, rel, (n, decl) => {
    const args = n.arguments || [];
    const params = plainParams(decl);
    const spread = args.some(ts.isSpreadElement);
    params.forEach((p, i) => {
      for (const m of weakMembers(p)) {
        see(seen, m, spread || i >= args.length ? null : memberType(checker, args[i], m.name.text));
      }
      // a type literal that says what each member is (`{ width: string; height?: string }`) stays
      if (!openParam(p)) return;
      see(seen, p, spread ? null : i < args.length ? argumentType(checker, args[i], callable(p.type)) : 'undefined');
    });
  }, (arg, decl) => {
    plainParams(decl).forEach((p, i) => {
      for (const m of weakMembers(p)) see(seen, m, null);
      if (openParam(p)) see(seen, p, passedType(checker, arg, i, callable(p.type)));
    });
  });
  const edits = [];
  for (const [p, types] of seen) {
    const text = types && unionText(types, p.questionToken || p.initializer);
    if (text) edits.push({ start: p.type.getStart(), end: p.type.getEnd(), text });
  }
  return bisectApply(project, rel, edits, (now, before) => now <= before);
}

/** The parameters of `sf`'s functions (not of function types) keyed by name and ordinal. */
const valueParamKeys = (sf) => nameKeys(sf, ts.isParameter, { skipTypes: true });

/** Whether function `fn` is an argument of a call or `new` (its parameters may be typed by the callee). */
function isCallback(fn) {
  let use = fn;
  while (use.parent && ts.isParenthesizedExpression(use.parent)) use = use.parent;
  const call = use.parent;
  return !!call && (ts.isCallExpression(call) || ts.isNewExpression(call)) && call.expression !== use;
}

/** Whether the callee's type gives parameter `p` of callback `fn` a type of its own (not `any`, `unknown` or a type parameter). */
function contextTypes(checker, fn, p) {
  const i = plainParams(fn).indexOf(p);
  if (i < 0) return false;
  const t = contextualParamType(checker, fn, i);
  return !!t && t !== PAST;
}

/**
 * Drop the weak annotation (`any`, `unknown`, `string | any[]`, or the member shape inference
 * from usage wrote) of a parameter of a function passed as an argument (`set.filter((c:
 * any[]) => ...)`) where the callee's own type gives it a real one (`Comparator[]` of a
 * `Comparator[][]`): the annotation was written while the callee's types were unknown, and now
 * only hides that type. Kept where the file's errors do not rise.
 */
function contextualParams(project, rel) {
  if (!/\b(any|unknown)\b/.test(project.text(rel))) return 0;
  const sf = project.sourceFile(rel), checker = project.program().getTypeChecker(), edits = [];
  for (const [p] of valueParamKeys(sf)) {
    const fn = p.parent;
    if (!(weakish(p.type) || (p.type && ts.isTypeLiteralNode(p.type))) || p.dotDotDotToken || !ts.isIdentifier(p.name) || p.name.text === 'this' || p.questionToken || p.initializer) continue;
    if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && isCallback(fn) && contextTypes(checker, fn, p)) {
      edits.push({ start: p.name.getEnd(), end: p.type.getEnd(), text: '' });
    }
  }
  return bisectApply(project, rel, edits, (now, before) => now <= before);
}

module.exports = { optionalFromCallSites, typesFromCallSites, contextualParams, calleeDeclaration, parameterOf, plainParams, argumentType, typeName };
