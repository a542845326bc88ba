'use strict';
// Optional parameters from call sites across the workspace (Node helper). In JavaScript every
// parameter may be left out; in TypeScript a call with fewer arguments than parameters is an
// error (TS2554). Every call and `new` in the project's TypeScript files is read once; a
// parameter of this file's functions that some caller leaves out becomes optional (`p?`), and
// a parameter still typed `any` after the other passes gets the union of what its callers pass.
const ts = require('typescript');
const { bisectApply } = require('./batch');
const { isWeak } = require('./weak');

function calleeDeclaration(checker, expr) {
  const node = ts.isPropertyAccessExpression(expr) ? expr.name : expr;
  let sym = checker.getSymbolAtLocation(node);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  if (!sym) return null;
  for (const d of sym.declarations || []) {
    if (ts.isFunctionLike(d) && d.parameters) return d;
    if (ts.isClassDeclaration(d) || ts.isClassExpression(d)) return d.members.find(ts.isConstructorDeclaration) || null;
    if ((ts.isVariableDeclaration(d) || ts.isPropertyAssignment(d) || ts.isExportAssignment(d)) && (d.initializer || d.expression)) {
      const init = d.initializer || d.expression;
      if (ts.isFunctionExpression(init) || ts.isArrowFunction(init)) return init;
      if (ts.isClassExpression(init)) return init.members.find(ts.isConstructorDeclaration) || null;
    }
  }
  return null;
}

/** Map declaration -> fewest arguments any call passes (computed once per project state). */
function fewestArguments(project) {
  const program = project.program();
  if (project.callsFor === program) return project.calls;
  const checker = program.getTypeChecker(), calls = new Map();
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || !project.isManaged(sf.fileName)) continue;
    (function visit(n) {
      if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && !(n.arguments || []).some(ts.isSpreadElement)) {
        const decl = calleeDeclaration(checker, n.expression);
        const count = (n.arguments || []).length;
        if (decl && (!calls.has(decl) || calls.get(decl) > count)) calls.set(decl, count);
      }
      ts.forEachChild(n, visit);
    })(sf);
  }
  project.callsFor = program;
  project.calls = calls;
  return calls;
}

/** Make parameters of `rel`'s functions optional where a caller leaves them out. */
function optionalFromCallSites(project, rel) {
  const calls = fewestArguments(project), file = project.abs(rel);
  const edits = [];
  for (const [decl, count] of calls) {
    if (decl.getSourceFile().fileName !== file) continue;
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

/** The widened type of an argument as text, or null when it cannot be named well. */
function argumentType(checker, arg) {
  let t = checker.getTypeAtLocation(arg);
  if (t.flags & (ts.TypeFlags.Literal | ts.TypeFlags.BooleanLiteral)) t = checker.getBaseTypeOfLiteralType(t);
  t = checker.getWidenedType(t);
  const s = checker.typeToString(t, arg, TYPE_FLAGS);
  return /\bany\b|\bnever\b|^\{\}$|\.\.\.|typeof |import\(|=>/.test(s) || s.length > 80 ? null : s;
}

/**
 * Parameters of `rel`'s functions still typed `any`/`unknown` (or arrays of them) get the union of what their callers pass
 * (every call site in the project, literal types widened), where that compiles.
 */
function typesFromCallSites(project, rel) {
  const program = project.program(), checker = program.getTypeChecker(), file = project.abs(rel);
  const seen = new Map(); // parameter declaration -> Set(type text) | null (unnameable)
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || !project.isManaged(sf.fileName)) continue;
    (function visit(n) {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
        const decl = calleeDeclaration(checker, n.expression);
        if (decl && decl.getSourceFile().fileName === file) {
          const args = n.arguments || [];
          const params = decl.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
          params.forEach((p, i) => {
            if (!isWeak(p.type) || p.dotDotDotToken) return;
            if (args.some(ts.isSpreadElement)) { seen.set(p, null); return; }
            const t = i < args.length ? argumentType(checker, args[i]) : 'undefined';
            if (t === null) { seen.set(p, null); return; }
            if (seen.get(p) !== null) seen.set(p, (seen.get(p) || new Set()).add(t));
          });
        }
      }
      ts.forEachChild(n, visit);
    })(sf);
  }
  const edits = [];
  for (const [p, types] of seen) {
    if (!types) continue;
    const parts = [...types].filter((t) => t !== 'undefined');
    if (!parts.length || parts.length > 4) continue;
    const union = parts.map((t) => (/[|&]/.test(t) && parts.length > 1 ? `(${t})` : t)).join(' | ');
    const optional = p.questionToken || p.initializer;
    const text = types.has('undefined') && !optional ? `${union} | undefined` : union;
    edits.push({ start: p.type.getStart(), end: p.type.getEnd(), text });
  }
  return bisectApply(project, rel, edits, (now, before) => now <= before);
}

module.exports = { optionalFromCallSites, typesFromCallSites, calleeDeclaration };
