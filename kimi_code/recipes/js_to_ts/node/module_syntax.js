'use strict';
// CommonJS -> TypeScript module syntax that emits the same module.exports (Node helper).
//   const x = require('m')          -> import x = require('m');
//   const {a, b: c} = require('m')  -> import m_1 = require('m'); const {a, b: c} = m_1;
//   module.exports = X              -> export = X;   (module.exports.y = z -> X.y = z)
//   exports.y = z / module.exports.y = z (no module.exports =) -> export const y = z;
// ES modules are left alone. Anything not recognised is left as it is (it still compiles:
// @types/node declares `require` and `module`).
const ts = require('typescript');

const isRequire = (n) => ts.isCallExpression(n) && ts.isIdentifier(n.expression) &&
  n.expression.text === 'require' && n.arguments.length === 1 && ts.isStringLiteralLike(n.arguments[0]);
const isModuleExports = (n) => ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) &&
  n.expression.text === 'module' && n.name.text === 'exports';
const isExports = (n) => ts.isIdentifier(n) && n.text === 'exports';
/** `exports.y` or `module.exports.y` -> 'y' */
function exportMember(n) {
  if (ts.isPropertyAccessExpression(n) && (isExports(n.expression) || isModuleExports(n.expression))) return n.name.text;
  return null;
}
const isAssign = (n) => ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken;

function safeName(spec, taken) {
  let base = spec.replace(/\.[cm]?[jt]sx?$/, '').split('/').filter((s) => s && s !== '.' && s !== '..').pop() || 'mod';
  base = base.replace(/[^A-Za-z0-9_$]/g, '_');
  if (/^[0-9]/.test(base)) base = '_' + base;
  let name = base + '_1', i = 1;
  while (taken.has(name)) name = `${base}_${++i}`;
  taken.add(name);
  return name;
}

function isCommonJs(sf) {
  let esm = false, cjs = false;
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s)) esm = true;
    if (ts.canHaveModifiers(s) && (ts.getModifiers(s) || []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) esm = true;
  }
  (function visit(n) {
    if (isRequire(n) || isModuleExports(n) || exportMember(n)) cjs = true;
    if (!cjs) ts.forEachChild(n, visit);
  })(sf);
  return cjs && !esm;
}

/** Convert the text of one CommonJS file; returns {text, notes}. */
function convertModule(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  if (!isCommonJs(sf)) return { text, notes: ['not CommonJS: module syntax kept'] };
  const edits = [], notes = [];
  const taken = new Set();
  (function collect(n) { if (ts.isIdentifier(n)) taken.add(n.text); ts.forEachChild(n, collect); })(sf);
  const replace = (node, newText) => edits.push({ start: node.getStart(sf), end: node.getEnd(), text: newText });

  let exportTarget = null; // identifier text of `module.exports = X`
  let whole = null;
  for (const s of sf.statements) {
    if (ts.isExpressionStatement(s) && isAssign(s.expression) && isModuleExports(s.expression.left)) whole = s;
  }
  const memberStmts = sf.statements.filter((s) => ts.isExpressionStatement(s) && isAssign(s.expression) && exportMember(s.expression.left));
  for (const s of sf.statements) convertRequires(s, sf, replace, taken, notes);
  if (whole) {
    const rhs = whole.expression.right;
    // exports = module.exports = {...}
    replace(whole, `export = ${rhs.getText(sf)};`);
    if (ts.isIdentifier(rhs)) exportTarget = rhs.text;
    if (isRequire(rhs)) {
      const name = safeName(rhs.arguments[0].text, taken);
      replace(whole, `import ${name} = require(${rhs.arguments[0].getText(sf)});\nexport = ${name};`);
    }
    rewriteMembers(sf, (node, name) => {
      if (exportTarget) replace(node, `${exportTarget}.${name}`);
      else notes.push(`module.exports.${name} kept: module.exports is not a named value`);
    });
  } else if (memberStmts.length || hasExportsDecl(sf)) {
    convertNamedExports(sf, replace, notes);
  }
  return { text: applyEdits(text, edits), notes };
}

function hasExportsDecl(sf) {
  return sf.statements.some((s) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => d.initializer && isAssign(d.initializer) && exportMember(d.initializer.left)));
}

function rewriteMembers(sf, onMember) {
  (function visit(n) {
    const name = exportMember(n);
    if (name) { onMember(n, name); return; }
    ts.forEachChild(n, visit);
  })(sf);
}

function convertRequires(s, sf, replace, taken, notes) {
  if (!ts.isVariableStatement(s) || s.declarationList.declarations.length !== 1) return;
  const d = s.declarationList.declarations[0];
  const init = d.initializer;
  if (!init) return;
  const q = (call) => call.arguments[0].getText(sf);
  if (isRequire(init) && ts.isIdentifier(d.name)) {
    replace(s, `import ${d.name.text} = require(${q(init)});`);
  } else if (isRequire(init) && ts.isObjectBindingPattern(d.name)) {
    const name = safeName(init.arguments[0].text, taken);
    const kw = s.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'let';
    replace(s, `import ${name} = require(${q(init)});\n${kw} ${d.name.getText(sf)} = ${name};`);
  } else if (ts.isPropertyAccessExpression(init) && isRequire(init.expression)) {
    const name = safeName(init.expression.arguments[0].text, taken);
    const kw = s.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'let';
    replace(s, `import ${name} = require(${q(init.expression)});\n${kw} ${d.name.getText(sf)} = ${name}.${init.name.text};`);
  }
}

/** exports.y = z (no `module.exports =`): named exports, with reads of exports.y -> y. */
function convertNamedExports(sf, replace, notes) {
  const locals = new Set();
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name) locals.add(s.name.text);
    if (ts.isClassDeclaration(s) && s.name) locals.add(s.name.text);
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) locals.add(d.name.text);
  }
  const counts = new Map();
  rewriteMembers(sf, (node, name) => {
    if (node.parent && isAssign(node.parent) && node.parent.left === node) counts.set(name, (counts.get(name) || 0) + 1);
  });
  const handled = new Set();
  for (const s of sf.statements) {
    if (ts.isExpressionStatement(s) && isAssign(s.expression) && isModuleExports(s.expression.right) && isExports(s.expression.left)) {
      replace(s, ''); continue; // exports = module.exports (aliasing only)
    }
    if (ts.isExpressionStatement(s) && isAssign(s.expression) && isAssign(s.expression.right) && isExports(s.expression.left) &&
        isModuleExports(s.expression.right.left) && ts.isObjectLiteralExpression(s.expression.right.right) &&
        s.expression.right.right.properties.length === 0) { replace(s, ''); continue; }
    const single = exportStatement(s, sf, locals, counts);
    if (single) { replace(s, single.text); handled.add(single.node); }
  }
  rewriteMembers(sf, (node, name) => {
    if (handled.has(node)) return;
    if (node.parent && isAssign(node.parent) && node.parent.left === node) {
      notes.push(`exports.${name} assigned inside an expression: kept`); return;
    }
    replace(node, locals.has(name) && !counts.has(name) ? `exports.${name}` : name);
  });
}

/** Source text of `node` with `exports.y` reads inside it replaced by `y` (named-export mode). */
function rewritten(node, sf, locals, counts) {
  const base = node.getStart(sf);
  let text = node.getText(sf);
  const inner = [];
  rewriteMembers(node, (m, name) => inner.push([m, name]));
  for (const [m, name] of inner.reverse()) {
    if (locals.has(name) && !counts.has(name)) continue;
    text = text.slice(0, m.getStart(sf) - base) + name + text.slice(m.getEnd() - base);
  }
  return text;
}

function exportStatement(s, sf, locals, counts) {
  if (ts.isExpressionStatement(s) && isAssign(s.expression)) {
    const name = exportMember(s.expression.left);
    if (!name) return null;
    const rhs = s.expression.right;
    if (ts.isIdentifier(rhs) && rhs.text === name && locals.has(name)) return { node: s.expression.left, text: `export { ${name} };` };
    if (locals.has(name)) return null;
    if ((counts.get(name) || 0) > 1) return null;
    return { node: s.expression.left, text: `export const ${name} = ${rewritten(rhs, sf, locals, counts)};` };
  }
  if (ts.isVariableStatement(s) && s.declarationList.declarations.length === 1) {
    const d = s.declarationList.declarations[0];
    if (!d.initializer || !isAssign(d.initializer) || !ts.isIdentifier(d.name)) return null;
    const name = exportMember(d.initializer.left);
    if (!name || (counts.get(name) || 0) > 1) return null;
    const kw = s.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'let';
    const rhs = rewritten(d.initializer.right, sf, locals, counts);
    if (d.name.text === name) return { node: d.initializer.left, text: `export ${kw} ${name} = ${rhs};` };
    if (locals.has(name)) return null;
    return { node: d.initializer.left, text: `export ${kw} ${name} = ${rhs};\n${kw} ${d.name.text} = ${name};` };
  }
  return null;
}

function applyEdits(text, edits) {
  // a later edit of the same span wins; an edit inside another edit's span is dropped
  const bySpan = new Map();
  for (const e of edits) bySpan.set(`${e.start}:${e.end}`, e);
  const list = [...bySpan.values()];
  const kept = list.filter((e) => !list.some((o) => o !== e && o.start <= e.start && o.end >= e.end &&
    o.end - o.start > e.end - e.start));
  for (const e of kept.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

module.exports = { convertModule, isCommonJs };
