'use strict';
// Declarations whose annotation is `unknown` or `any` (Node helper): the places where the
// model backend may propose a better type. Each spot gives the annotation's span, the
// declared name and a short context (the enclosing function's first line).
const ts = require('typescript');

function weakSpots(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out = [];
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
        current: n.type.getText(sf), context: head, uses: [...new Set(uses)] });
    }
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

module.exports = { weakSpots };
