'use strict';
// CommonJS -> TypeScript module syntax that emits the same module.exports (Node helper).
//   const x = require('m')          -> import x = require('m');
//   const {a, b: c} = require('m')  -> import m_1 = require('m'); const {a, b: c} = m_1;
//   module.exports = X              -> export = X;   (module.exports.y = z -> X.y = z)
//   exports.y = z / module.exports.y = z (no module.exports =) -> export const y = z;
//   exports.a = exports.b = f       -> export { f as a, f as b };
// ES modules are left alone. Anything not recognised is left as it is (it still compiles:
// @types/node declares `require` and `module`). TypeScript emits `export =` at the end of the
// module and the exports of function declarations before its code runs, so a module that
// reads `module.exports` after assigning it, or assigns `exports`/`module.exports` other than
// at one top-level statement (`exports = module.exports = new Command()`, then members; or in
// branches), keeps its CommonJS exports (with `export {}`, when nothing else makes it a module).
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
/** `exports = module.exports = {}`: the module starts afresh (its named exports follow). */
const startsAfresh = (e) => isAssign(e) && isExports(e.left) && isAssign(e.right) && isModuleExports(e.right.left) &&
  ts.isObjectLiteralExpression(e.right.right) && !e.right.right.properties.length;

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
  for (const s of sf.statements) if (wholeValue(s)) whole = s;
  const memberStmts = sf.statements.filter((s) => ts.isExpressionStatement(s) && isAssign(s.expression) && exportMember(s.expression.left));
  for (const s of sf.statements) convertRequires(s, sf, replace, taken, notes);
  const keep = whole ? exportsSeenAfter(sf, whole) : reassignsExports(sf);
  if (keep) {
    // `export =` is emitted at the end of the module and named exports before its code runs:
    // either would change what this module's own code sees
    notes.push(keep);
    if (!sf.statements.some((s) => isRequireStatement(s))) edits.push({ start: text.length, end: text.length, text: `${text.endsWith('\n') ? '' : '\n'}export {};\n` });
  } else if (whole) {
    const rhs = wholeValue(whole);
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

/** X of a top-level `module.exports = X` or `exports = module.exports = X` statement, else null. */
function wholeValue(s) {
  if (!ts.isExpressionStatement(s) || !isAssign(s.expression)) return null;
  const e = s.expression;
  if (isModuleExports(e.left)) return e.right;
  // (`exports = module.exports = {}` only starts afresh: named exports, convertNamedExports)
  if (isExports(e.left) && isAssign(e.right) && isModuleExports(e.right.left) && !startsAfresh(e)) return e.right.right;
  return null;
}

const isRequireStatement = (s) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => d.initializer &&
  (isRequire(d.initializer) || (ts.isPropertyAccessExpression(d.initializer) && isRequire(d.initializer.expression))));

/**
 * Why `module.exports = X` (the statement `whole`) must stay CommonJS, or null: a later
 * top-level statement (function declarations run later) reads `module.exports` or `exports`
 * as a value (`const {formatters} = module.exports`), or writes a member of it when X is not a
 * name the member can be moved to.
 */
function exportsSeenAfter(sf, whole) {
  const named = ts.isIdentifier(wholeValue(whole));
  let found = null;
  for (const s of sf.statements.slice(sf.statements.indexOf(whole) + 1)) {
    if (ts.isFunctionDeclaration(s)) continue;
    (function visit(n) {
      if (found) return;
      if (exportMember(n)) { if (!named) found = `module.exports is ${n.getText(sf)}'s object: CommonJS kept`; return; }
      if ((isModuleExports(n) || isExports(n)) && !(n.parent && ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
        found = 'module.exports is read after it is assigned: CommonJS kept';
        return;
      }
      ts.forEachChild(n, visit);
    })(s);
  }
  return found;
}

/** Why named exports must stay CommonJS, or null: the module assigns `exports` or `module.exports` itself. */
function reassignsExports(sf) {
  let found = null;
  (function visit(n) {
    if (found) return;
    if (isAssign(n) && (isExports(n.left) || isModuleExports(n.left))) {
      // `exports = module.exports` and `exports = module.exports = {}` only alias or start afresh
      const aliases = isExports(n.left) && isModuleExports(n.right);
      if (!aliases && !startsAfresh(n)) found = `${n.left.getText(sf)} is assigned where it cannot become an export: CommonJS kept`;
      return;
    }
    ts.forEachChild(n, visit);
  })(sf);
  return found;
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
  const handled = new Set(), aliases = new Map();
  for (const s of sf.statements) {
    const chain = exportChain(s, sf, locals, counts, aliases);
    if (chain) { replace(s, chain.text); chain.nodes.forEach((n) => handled.add(n)); }
  }
  for (const s of sf.statements) {
    if (ts.isExpressionStatement(s) && isAssign(s.expression) && isModuleExports(s.expression.right) && isExports(s.expression.left)) {
      replace(s, ''); continue; // exports = module.exports (aliasing only)
    }
    if (ts.isExpressionStatement(s) && startsAfresh(s.expression)) { replace(s, ''); continue; }
    if (ts.isExpressionStatement(s) && chainOf(s.expression).names.length > 1) continue;
    const single = exportStatement(s, sf, locals, counts, aliases);
    if (single) { replace(s, single.text); handled.add(single.node); }
  }
  rewriteMembers(sf, (node, name) => {
    if (handled.has(node)) return;
    if (node.parent && isAssign(node.parent) && node.parent.left === node) {
      notes.push(`exports.${name} assigned inside an expression: kept`); return;
    }
    if (aliases.has(name)) { replace(node, aliases.get(name)); return; }
    replace(node, locals.has(name) && !counts.has(name) ? `exports.${name}` : name);
  });
}

/** The export members a chained assignment writes (`exports.a = exports.b = v`: a, b) and its value. */
function chainOf(e) {
  const names = [], members = [];
  while (isAssign(e) && exportMember(e.left)) { names.push(exportMember(e.left)); members.push(e.left); e = e.right; }
  return { names, members, value: e };
}

/**
 * `exports.a = exports.b = v` as named exports of one value: `export { v as a, v as b };` for a
 * local `v`, else `export const b = v; export { b as a };`. Reads of `exports.a` elsewhere
 * become the value's name (`aliases`). Null when it is no such chain, or a name is assigned
 * again or taken by a local.
 */
function exportChain(s, sf, locals, counts, aliases) {
  if (!ts.isExpressionStatement(s)) return null;
  const { names, members, value } = chainOf(s.expression);
  if (names.length < 2 || new Set(names).size < names.length || names.some((n) => (counts.get(n) || 0) > 1)) return null;
  const spec = (local) => names.map((n) => (n === local ? n : `${local} as ${n}`)).join(', ');
  if (ts.isIdentifier(value) && locals.has(value.text)) {
    names.forEach((n) => aliases.set(n, value.text));
    return { text: `export { ${spec(value.text)} };`, nodes: members };
  }
  const inner = names[names.length - 1];
  if (names.some((n) => locals.has(n))) return null;
  names.forEach((n) => aliases.set(n, inner));
  const rest = names.slice(0, -1).map((n) => `${inner} as ${n}`).join(', ');
  return { text: `export const ${inner} = ${rewritten(value, sf, locals, counts, aliases)};\nexport { ${rest} };`, nodes: members };
}

/** Source text of `node` with `exports.y` reads inside it replaced by `y` (named-export mode). */
function rewritten(node, sf, locals, counts, aliases = new Map()) {
  const base = node.getStart(sf);
  let text = node.getText(sf);
  const inner = [];
  rewriteMembers(node, (m, name) => inner.push([m, name]));
  for (const [m, name] of inner.reverse()) {
    if (locals.has(name) && !counts.has(name) && !aliases.has(name)) continue;
    text = text.slice(0, m.getStart(sf) - base) + (aliases.get(name) || name) + text.slice(m.getEnd() - base);
  }
  return text;
}

function exportStatement(s, sf, locals, counts, aliases) {
  if (ts.isExpressionStatement(s) && isAssign(s.expression)) {
    const name = exportMember(s.expression.left);
    if (!name) return null;
    const rhs = s.expression.right;
    if (ts.isIdentifier(rhs) && rhs.text === name && locals.has(name)) return { node: s.expression.left, text: `export { ${name} };` };
    if (locals.has(name)) return null;
    if ((counts.get(name) || 0) > 1) return null;
    return { node: s.expression.left, text: `export const ${name} = ${rewritten(rhs, sf, locals, counts, aliases)};` };
  }
  if (ts.isVariableStatement(s) && s.declarationList.declarations.length === 1) {
    const d = s.declarationList.declarations[0];
    if (!d.initializer || !isAssign(d.initializer) || !ts.isIdentifier(d.name)) return null;
    const name = exportMember(d.initializer.left);
    if (!name || (counts.get(name) || 0) > 1) return null;
    const kw = s.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'let';
    const rhs = rewritten(d.initializer.right, sf, locals, counts, aliases);
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
