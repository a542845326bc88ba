'use strict';
// Usage-driven replacement of the `any` annotations left on parameters and variables
// (Node helper): the type each use expects (the parameter type of the call it is passed to,
// the declared type it is assigned to) is tried in place of `any`, kept where the file's
// error count does not rise.
const ts = require('typescript');

const FLAGS = ts.TypeFormatFlags.NoTruncation;

function expectedTypes(checker, sf, decl) {
  const sym = checker.getSymbolAtLocation(decl.name);
  const scope = ts.findAncestor(decl.parent, (p) => ts.isFunctionLike(p) || ts.isSourceFile(p)) || sf;
  const seen = new Map();
  (function visit(m) {
    if (ts.isIdentifier(m) && m !== decl.name && checker.getSymbolAtLocation(m) === sym) {
      const ctx = checker.getContextualType(m);
      if (ctx && !(ctx.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) {
        const s = checker.typeToString(checker.getNonNullableType(ctx), undefined, FLAGS);
        if (s.length < 120 && !/\bany\b|\bnever\b|^\{\}$|^T\b|typeof /.test(s)) seen.set(s, (seen.get(s) || 0) + 1);
      }
    }
    ts.forEachChild(m, visit);
  })(scope);
  return [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s).slice(0, 2);
}

/** Replace `any` on parameters/variables by what their uses expect, where it compiles. */
function refineAny(project, rel) {
  let kept = 0;
  for (let round = 0; round < 40; round++) {
    const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
    const targets = [];
    (function visit(n) {
      if ((ts.isParameter(n) || ts.isVariableDeclaration(n)) && n.type && n.type.kind === ts.SyntaxKind.AnyKeyword && ts.isIdentifier(n.name)) targets.push(n);
      ts.forEachChild(n, visit);
    })(sf);
    const tried = project.refineTried || (project.refineTried = new Set());
    const next = targets.find((t) => !tried.has(`${rel}:${t.name.text}:${t.getStart(sf)}`));
    if (!next) break;
    tried.add(`${rel}:${next.name.text}:${next.getStart(sf)}`);
    const text = sf.text, errs = project.errorCount(rel);
    for (const cand of expectedTypes(checker, sf, next)) {
      const after = text.slice(0, next.type.getStart(sf)) + cand + text.slice(next.type.getEnd());
      project.setText(rel, after);
      if (project.errorCount(rel) <= errs) { kept++; break; }
      project.setText(rel, text);
    }
  }
  return kept;
}

module.exports = { refineAny };
