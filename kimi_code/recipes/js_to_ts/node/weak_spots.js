'use strict';
// Declarations whose annotation is `unknown` or `any` (Node helper): the places where the
// model backend may propose a better type. Each spot gives the annotation's span, the
// declared name, a short context (the enclosing function's first line) and whether other
// files see it (`shared`: part of what the module exports, or assigned to a property), where
// a type that compiles here may still not fit what other files pass.
const ts = require('typescript');

/** Names the module exports: `export` declarations, `export {a}`, `export =`/`default` of a name or object. */
function exportedNames(sf) {
  const names = new Set();
  const addExpr = (e) => {
    if (ts.isIdentifier(e)) names.add(e.text);
    else if (ts.isObjectLiteralExpression(e)) {
      for (const p of e.properties) {
        if (ts.isShorthandPropertyAssignment(p)) names.add(p.name.text);
        else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.initializer)) names.add(p.initializer.text);
      }
    }
  };
  for (const s of sf.statements) {
    const exported = ts.canHaveModifiers(s) && (ts.getModifiers(s) || []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) names.add(s.name.text);
    if (exported && ts.isVariableStatement(s)) s.declarationList.declarations.forEach((d) => ts.isIdentifier(d.name) && names.add(d.name.text));
    if (ts.isExportAssignment(s)) addExpr(s.expression);
    if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) names.add((e.propertyName || e.name).text);
    }
  }
  return names;
}

/** Whether declaration `n` is part of what other files see (see the module comment). */
function isShared(n, exported) {
  let owner = ts.isParameter(n) ? n.parent : n;
  for (let up = owner.parent; up && !ts.isSourceFile(up); up = up.parent) {
    if (ts.isFunctionLike(up) && !ts.isClassLike(up.parent)) return false; // inside a function body: local
    if (ts.isClassLike(up)) { owner = up; break; }
  }
  if (ts.isClassLike(owner)) return !owner.name || exported.has(owner.name.text);
  const holder = owner.parent;
  if (holder && ts.isBinaryExpression(holder)) return true; // `x.m = function ...`
  const name = owner.name || (holder && ts.isVariableDeclaration(holder) ? holder.name : null);
  if (!name || !ts.isIdentifier(name)) return true; // an anonymous top-level value: be careful
  return exported.has(name.text);
}

function weakSpots(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out = [], exported = exportedNames(sf);
  (function visit(n) {
    if ((ts.isParameter(n) || ts.isVariableDeclaration(n) || ts.isPropertyDeclaration(n)) && n.type &&
        (n.type.kind === ts.SyntaxKind.UnknownKeyword || n.type.kind === ts.SyntaxKind.AnyKeyword) && ts.isIdentifier(n.name)) {
      const fn = ts.findAncestor(n.parent, (p) => ts.isFunctionLike(p));
      const head = (fn || n).getText(sf).split('\n')[0].slice(0, 160);
      const uses = [];
      const scope = fn || sf;
      (function find(m) {
        if (ts.isIdentifier(m) && m.text === n.name.text && m !== n.name && uses.length < 6) {
          const line = sf.getLineAndCharacterOfPosition(m.getStart(sf)).line;
          uses.push(text.split('\n')[line].trim().slice(0, 120));
        }
        ts.forEachChild(m, find);
      })(scope);
      out.push({ start: n.type.getStart(sf), end: n.type.getEnd(), name: n.name.text,
        current: n.type.getText(sf), context: head, uses: [...new Set(uses)], shared: isShared(n, exported) });
    }
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

module.exports = { weakSpots };
