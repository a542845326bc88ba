'use strict';
// Globals of the JS->TS recipe (Node helper): candidate edits, tried before any cast or
// suppression, for code that reaches what its runtime provides but the strict ES lib does not
// declare.
//  - A browser global the file reads (`window`, `document`, `navigator`, `localStorage`: TS2304,
//    TS2584; `global.localStorage`: TS7017) is declared by the DOM library: the file gets
//    `/// <reference lib="dom" />`.
//  - A member the code probes for on a global interface of a library's declarations
//    (`window.process.type`, `console.firebug`, `style.WebkitAppearance`: TS2339, TS2551) is
//    declared on that interface as optional and `unknown`, in a `declare global` block at the end
//    of the file, so every use of it is still checked.
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const { nodeAt, edit } = require('./shapes');

const CANNOT_FIND = new Set([2304, 2552, 2584, 7017]);
const NO_MEMBER = new Set([2339, 2551]);
const DOM_REFERENCE = '/// <reference lib="dom" />';

let domNames = null;

/**
 * The browser objects lib.dom.d.ts declares as variables of an interface type
 * (`declare var navigator: Navigator`). Variables of a primitive or union type (`name`, `status`,
 * `event`) and functions (`close`, `print`) are left out: in other code those names are more
 * likely a mistake than a browser global.
 */
function domGlobals() {
  if (domNames) return domNames;
  domNames = new Set();
  const file = path.join(path.dirname(require.resolve('typescript')), 'lib.dom.d.ts');
  let text = '';
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { return domNames; }
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      const t = d.type;
      const named = t && (ts.isTypeReferenceNode(t) || (ts.isIntersectionTypeNode(t) && ts.isTypeReferenceNode(t.types[0])));
      if (named && ts.isIdentifier(d.name) && /^[a-z]/.test(d.name.text)) domNames.add(d.name.text);
    }
  }
  return domNames;
}

/** Where a triple-slash directive goes: the top of the file, after a `#!` line. */
function directiveAt(text) {
  return text.startsWith('#!') ? text.indexOf('\n') + 1 : 0;
}

/** `global.localStorage`, `globalThis.document`, `window.navigator`: a member of the global object. */
const GLOBAL_OBJECTS = new Set(['global', 'globalThis', 'window', 'self']);

function domReference(sf, text, d) {
  let n = nodeAt(sf, d.start, d.length || 0);
  if (d.code === 7017) { // `global.localStorage`: no index signature on the global object
    const access = ts.isPropertyAccessExpression(n) ? n : n.parent;
    if (!access || !ts.isPropertyAccessExpression(access) || !ts.isIdentifier(access.expression) || !GLOBAL_OBJECTS.has(access.expression.text)) return [];
    n = access.name;
  }
  if (!ts.isIdentifier(n) || !domGlobals().has(n.text) || text.includes(DOM_REFERENCE)) return [];
  const at = directiveAt(text);
  return [edit(text, at, at, `${DOM_REFERENCE}\n`)];
}

/** The names of the namespaces a global interface declaration sits in, then its own; null if not global. */
function globalPath(decl) {
  const names = [decl.name.text];
  for (let p = decl.parent; p; p = p.parent) {
    if (ts.isSourceFile(p)) return ts.isExternalModule(p) ? null : names;
    if (ts.isModuleBlock(p)) continue;
    if (!ts.isModuleDeclaration(p)) return null;
    if (p.flags & ts.NodeFlags.GlobalAugmentation) return names;
    if (!ts.isIdentifier(p.name)) return null;
    names.unshift(p.name.text);
  }
  return null;
}

/**
 * The global interface `type` is, as the names that reach it, when a library declares it and
 * nothing else does but `sf` (the blocks this pass wrote there); its constructor variable
 * (`declare var CSSStyleDeclaration`) aside.
 */
function libraryInterface(type, sf) {
  const sym = type.aliasSymbol ? null : type.getSymbol();
  if (!sym || !(sym.flags & ts.SymbolFlags.Interface) || !sym.declarations) return null;
  let names = null, library = false;
  for (const decl of sym.declarations.filter((x) => !ts.isVariableDeclaration(x))) {
    const file = decl.getSourceFile();
    if (!ts.isInterfaceDeclaration(decl) || decl.typeParameters || (!file.isDeclarationFile && file !== sf)) return null;
    const p = globalPath(decl);
    if (!p || (names && names.join('.') !== p.join('.'))) return null;
    names = p;
    library = library || file.isDeclarationFile;
  }
  return library ? names : null;
}

function isWritten(access) {
  const p = access.parent;
  return ts.isBinaryExpression(p) && p.left === access && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    p.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
}

function probedMember(checker, sf, text, d) {
  const n = nodeAt(sf, d.start, d.length || 0);
  const access = n.parent;
  if (!ts.isIdentifier(n) || !access || !ts.isPropertyAccessExpression(access) || access.name !== n || isWritten(access)) return [];
  const names = libraryInterface(checker.getTypeAtLocation(access.expression), sf);
  if (!names) return [];
  // the helper's options (module node16, module detection auto) make every file a module, the
  // only place a `declare global` block may be written
  if (!ts.isExternalModule(sf)) return [];
  const depth = names.length, member = `${'  '.repeat(depth + 1)}${n.text}?: unknown;\n`;
  // the file's `declare global` block takes the member, in its interface if it has one
  const block = [...sf.statements].reverse().find((st) => ts.isModuleDeclaration(st) && (st.flags & ts.NodeFlags.GlobalAugmentation));
  const top = block && block.body && ts.isModuleBlock(block.body) ? block.body : null;
  let scope = top, found = null, depthFound = 0;
  for (const [i, name] of (top ? names : []).entries()) {
    const last = i === names.length - 1;
    const next = scope.statements.find((st) => (last ? ts.isInterfaceDeclaration(st) : ts.isModuleDeclaration(st)) && st.name.text === name);
    if (!next) break;
    if (last) found = next;
    else if (next.body && ts.isModuleBlock(next.body)) { scope = next.body; depthFound = i + 1; } else break;
  }
  const closing = (node) => text.lastIndexOf('\n', node.getEnd() - 1) + 1; // the line of its `}`
  if (found) return [edit(text, closing(found), closing(found), member)];
  // what is missing of the path, inside the deepest part that is there (or a new block)
  const rest = names.slice(depthFound), lines = [];
  rest.slice(0, -1).forEach((ns, i) => lines.push(`${'  '.repeat(1 + depthFound + i)}namespace ${ns} {`));
  lines.push(`${'  '.repeat(depth)}interface ${names[names.length - 1]} {\n${member}${'  '.repeat(depth)}}`);
  for (let i = rest.length - 2; i >= 0; i--) lines.push(`${'  '.repeat(1 + depthFound + i)}}`);
  if (top) {
    const at = closing(depthFound > 0 ? scope.parent : block);
    return [edit(text, at, at, `${lines.join('\n')}\n`)];
  }
  const lead = text.endsWith('\n') ? '\n' : '\n\n';
  return [edit(text, text.length, text.length, `${lead}declare global {\n${lines.join('\n')}\n}\n`)];
}

/** Candidate texts for diagnostic `d` of the program's source file `sf`. */
function globalCandidates(checker, sf, d) {
  if (CANNOT_FIND.has(d.code)) return domReference(sf, sf.text, d);
  if (NO_MEMBER.has(d.code)) return probedMember(checker, sf, sf.text, d);
  return [];
}

module.exports = { globalCandidates };
