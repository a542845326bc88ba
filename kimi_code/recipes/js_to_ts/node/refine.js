'use strict';
// Usage-driven replacement of the `any` annotations left on parameters and variables
// (Node helper): the type each use expects (the parameter type of the call it is passed to,
// the declared type it is assigned to) is tried in place of `any`, kept where the file's
// error count does not rise.
const ts = require('typescript');
const { calleeDeclaration, parameterOf, plainParams } = require('./callsites');
const { nameable } = require('./names');

const FLAGS = ts.TypeFormatFlags.NoTruncation;

/**
 * For an argument of `f.call(thisArg, ...)` or `f.bind(thisArg, ...)`, the type of `f`'s
 * parameter it is passed to (the compiler's contextual type there is `any`: `call` and `bind`
 * are generic over what they pass on); null for any other use, or when `f` has not one plain
 * signature.
 */
function callParameterType(checker, m) {
  const call = m.parent;
  if (!call || !ts.isCallExpression(call) || call.expression === m || !ts.isPropertyAccessExpression(call.expression) ||
      !/^(call|bind)$/.test(call.expression.name.text)) return null;
  const i = call.arguments.indexOf(m) - 1, sigs = checker.getTypeAtLocation(call.expression.expression).getCallSignatures();
  if (i < 0 || sigs.length !== 1 || sigs[0].getTypeParameters() || i >= sigs[0].parameters.length) return null;
  const d = sigs[0].declaration && sigs[0].declaration.parameters && plainParams(sigs[0].declaration)[i];
  if (!d || d.dotDotDotToken) return null;
  return checker.getTypeOfSymbolAtLocation(sigs[0].parameters[i], call);
}

function expectedTypes(checker, sf, decl) {
  const sym = checker.getSymbolAtLocation(decl.name);
  const scope = ts.findAncestor(decl.parent, (p) => ts.isFunctionLike(p) || ts.isSourceFile(p)) || sf;
  const seen = new Map();
  (function visit(m) {
    if (ts.isIdentifier(m) && m !== decl.name && checker.getSymbolAtLocation(m) === sym) {
      const ctx = callParameterType(checker, m) || checker.getContextualType(m);
      if (ctx && !(ctx.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) {
        const s = checker.typeToString(checker.getNonNullableType(ctx), undefined, FLAGS);
        if (!/\bany\b|\bnever\b|^\{\}$|^T\b|typeof /.test(s)) {
          // a type another module declares but does not export, or too long to repeat here
          // (an options object's members), is named through the callee
          const named = s.length < 120 && nameable(checker, m, s) ? s : argumentType(checker, m);
          if (named) seen.set(named, (seen.get(named) || 0) + 1);
        }
      }
    }
    ts.forEachChild(m, visit);
  })(scope);
  return [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s).slice(0, 2);
}

/**
 * `Parameters<typeof pool.release>[0]` for an argument `m` of a call of a plainly named
 * function with one non-generic signature (the parameter's own type may have no name here).
 */
function argumentType(checker, m) {
  const call = m.parent;
  if (!call || !ts.isCallExpression(call) || call.expression === m || call.typeArguments) return null;
  let callee = call.expression;
  while (ts.isPropertyAccessExpression(callee)) callee = callee.expression;
  if (!ts.isIdentifier(callee)) return null;
  const signatures = checker.getTypeAtLocation(call.expression).getCallSignatures();
  const i = call.arguments.indexOf(m), sig = signatures[0];
  if (signatures.length !== 1 || sig.getTypeParameters() || i < 0 || i >= sig.parameters.length) return null;
  const last = sig.declaration && sig.declaration.parameters && sig.declaration.parameters[i];
  if (last && last.dotDotDotToken) return null;
  return `Parameters<typeof ${call.expression.getText()}>[${i}]`;
}

/** Replace `any` on parameters/variables by what their uses expect, where it compiles. */
function refineAny(project, rel, pass = 'finalize') {
  let kept = 0;
  for (let round = 0; round < 40; round++) {
    const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
    const targets = [];
    (function visit(n) {
      if ((ts.isParameter(n) || ts.isVariableDeclaration(n)) && n.type && n.type.kind === ts.SyntaxKind.AnyKeyword && ts.isIdentifier(n.name)) targets.push(n);
      ts.forEachChild(n, visit);
    })(sf);
    const memo = project.refineTried || (project.refineTried = new Map());
    const tried = memo.get(pass) || memo.set(pass, new Set()).get(pass);
    const next = targets.find((t) => !tried.has(`${rel}:${t.name.text}:${t.getStart(sf)}`));
    if (!next) break;
    tried.add(`${rel}:${next.name.text}:${next.getStart(sf)}`);
    const text = sf.text, errs = project.errorCount(rel);
    const typed = (decls, t) => [...decls].sort((a, b) => b.type.getStart(sf) - a.type.getStart(sf))
      .reduce((out, d) => out.slice(0, d.type.getStart(sf)) + t + out.slice(d.type.getEnd()), text);
    let passing = null; // looked for (a walk of the file) only once a candidate alone is refused
    found: for (const cand of expectedTypes(checker, sf, next)) {
      // alone, else with the parameters that pass their value on to it
      for (const together of [false, true]) {
        if (together && passing === null) passing = ts.isParameter(next) ? forwarders(checker, sf, next) : [];
        if (together && !passing.length) break;
        const decls = together ? [next, ...passing] : [next];
        project.setText(rel, typed(decls, cand));
        if (project.errorCount(rel) <= errs) { kept += decls.length; break found; }
        project.setText(rel, text);
      }
    }
  }
  return kept;
}

/**
 * The parameters typed `any` or `unknown` that pass their value straight on to parameter
 * `param` in the file's calls of its function (`limit(fn)` calling `enqueue(fn, resolve)`):
 * a type for `param` refuses their value unless they get it too.
 */
function forwarders(checker, sf, param) {
  const fn = param.parent, i = plainParams(fn).indexOf(param), out = new Set();
  if (i < 0 || param.dotDotDotToken) return [];
  (function visit(n) {
    if (ts.isCallExpression(n) && n.arguments[i] && ts.isIdentifier(n.arguments[i]) && calleeDeclaration(checker, n.expression) === fn) {
      const sym = checker.getSymbolAtLocation(n.arguments[i]), d = sym && sym.valueDeclaration;
      if (d && ts.isParameter(d) && d !== param && !d.dotDotDotToken && d.type && d.getSourceFile() === sf &&
          (d.type.kind === ts.SyntaxKind.AnyKeyword || d.type.kind === ts.SyntaxKind.UnknownKeyword)) out.add(d);
    }
    ts.forEachChild(n, visit);
  })(sf);
  return [...out];
}

const { isWeak, paramKeys } = require('./weak');

const symbolOfDecl = (checker, decl) => checker.getSymbolAtLocation(decl.name);

/** The identifiers in `scope` that name what `decl` (a parameter or a variable) declares, but its own name. */
function referencesOf(checker, scope, decl) {
  const sym = symbolOfDecl(checker, decl), out = [];
  if (!sym) return out;
  (function visit(m) {
    if (ts.isIdentifier(m) && m !== decl.name && checker.getSymbolAtLocation(m) === sym) out.push(m);
    ts.forEachChild(m, visit);
  })(scope);
  return out;
}

/** Where the value of `decl` (a parameter or a class property) is read: identifiers or `x.p` accesses. */
function usesOf(checker, sf, decl) {
  if (!ts.isPropertyDeclaration(decl)) return referencesOf(checker, decl.parent.body || decl.parent, decl);
  const sym = symbolOfDecl(checker, decl), out = [];
  (function visit(m) {
    if (ts.isPropertyAccessExpression(m) && checker.getSymbolAtLocation(m.name) === sym) out.push(m);
    ts.forEachChild(m, visit);
  })(sf);
  return out;
}

/** A parameter or class property of this file typed `any`/`unknown` that `expr` reads, if any. */
function weakSource(checker, sf, expr) {
  const sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(expr) ? expr.name : expr);
  const decl = sym && sym.valueDeclaration;
  if (!decl || decl.getSourceFile() !== sf || !ts.isIdentifier(decl.name) || !isWeak(decl.type)) return null;
  return (ts.isParameter(decl) && !decl.dotDotDotToken) || ts.isPropertyDeclaration(decl) ? decl : null;
}

/** The same-file parameter typed `any`/`unknown` that argument `use` is passed to, if any. */
function weakSink(checker, sf, use) {
  const param = parameterOf(checker, use);
  const ok = param && param.getSourceFile() === sf && ts.isIdentifier(param.name) && !param.dotDotDotToken && isWeak(param.type);
  return ok ? param : null;
}

/** Weak parameters and properties of this file whose values callers pass to parameter `decl`. */
function weakCallers(checker, sf, decl) {
  const fn = decl.parent, i = plainParams(fn).indexOf(decl), out = [];
  if (i < 0) return out;
  (function visit(m) {
    if ((ts.isCallExpression(m) || ts.isNewExpression(m)) && (m.arguments || [])[i] && calleeDeclaration(checker, m.expression) === fn) {
      const src = weakSource(checker, sf, m.arguments[i]);
      if (src) out.push(src);
    }
    ts.forEachChild(m, visit);
  })(sf);
  return out;
}

/**
 * The parameters and properties typed `any`/`unknown` that `start`'s value flows between in
 * this file (passed on as arguments, or passed in by callers), and the types the other uses of
 * all of them expect, most wanted first.
 */
function chainOf(checker, sf, start) {
  const chain = [], wanted = new Map(), queue = [start], seen = new Set([start]);
  const add = (d) => { if (!seen.has(d)) { seen.add(d); queue.push(d); } };
  while (queue.length && chain.length < 16) {
    const decl = queue.shift();
    chain.push(decl);
    if (ts.isParameter(decl)) weakCallers(checker, sf, decl).forEach(add);
    for (const use of usesOf(checker, sf, decl)) {
      const sink = weakSink(checker, sf, use);
      if (sink) { add(sink); continue; }
      const ctx = checker.getContextualType(use);
      if (!ctx || ctx.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) continue;
      const type = checker.getNonNullableType(ctx), t = checker.typeToString(type, undefined, FLAGS);
      if (t.length < 120 && !/\bany\b|\bnever\b|^\{\}$|^T\b|typeof |import\(/.test(t)) {
        const w = wanted.get(t) || { type, count: 0 };
        w.count++;
        wanted.set(t, w);
      }
    }
  }
  const ranked = [...wanted.entries()].sort((a, b) => b[1].count - a[1].count);
  const merged = ranked.length > 1 ? mergedShape(checker, ranked.map(([, w]) => w.type)) : null;
  return { chain, types: [merged, ...ranked.map(([t]) => t)].filter(Boolean).slice(0, 2) };
}

/** One object type with every member of `types` (plain object shapes only), or null. */
function mergedShape(checker, types) {
  const members = new Map();
  for (const type of types) {
    if (!(type.flags & ts.TypeFlags.Object) || type.getCallSignatures().length || type.getConstructSignatures().length) return null;
    for (const prop of type.getProperties()) {
      const decl = prop.valueDeclaration;
      if (!decl || !/^[A-Za-z_$][\w$]*$/.test(prop.name)) return null;
      const optional = prop.flags & ts.SymbolFlags.Optional ? '?' : '';
      const t = checker.typeToString(checker.getTypeOfSymbolAtLocation(prop, decl), undefined, FLAGS);
      if (!members.has(prop.name)) members.set(prop.name, `${prop.name}${optional}: ${t}`);
    }
  }
  const text = `{ ${[...members.values()].join('; ')} }`;
  return members.size && text.length < 200 ? text : null;
}

/**
 * Parameters typed `any`/`unknown` that only pass their value on to other such parameters
 * (`parse(x, options)` -> `parseOne(y, options)` -> `use(options)`) get, all at once, the type
 * what the chain's other uses expect, where that compiles.
 */
function refineChains(project, rel) {
  let kept = 0;
  const done = new Set();
  for (let round = 0; round < 40; round++) {
    const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
    const keys = paramKeys(sf);
    let found = null;
    (function visit(n) {
      if (found) return;
      if (ts.isParameter(n) && isWeak(n.type) && ts.isIdentifier(n.name) && !n.dotDotDotToken && !done.has(keys.get(n))) {
        const c = chainOf(checker, sf, n);
        if (c.chain.length > 1 && c.types.length) found = c;
        else done.add(keys.get(n));
      }
      if (!found) ts.forEachChild(n, visit);
    })(sf);
    if (!found) break;
    for (const p of found.chain) done.add(keys.get(p));
    const text = sf.text, errs = project.errorCount(rel);
    const spans = found.chain.map((p) => [p.type.getStart(sf), p.type.getEnd()]).sort((a, b) => b[0] - a[0]);
    for (const cand of found.types) {
      let after = text;
      for (const [a, b] of spans) after = after.slice(0, a) + cand + after.slice(b);
      project.setText(rel, after);
      if (project.errorCount(rel) <= errs) { kept += spans.length; break; }
      project.setText(rel, text);
    }
  }
  return kept;
}

module.exports = { refineAny, refineChains, usesOf, referencesOf };
