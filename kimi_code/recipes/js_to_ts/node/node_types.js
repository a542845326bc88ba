'use strict';
// Whether a project needs Node's types (`@types/node`) at all (Node helper, used by project.js).
//
// Every program of a run parses the type packages its options name, and @types/node is the
// biggest by far: half a second of TypeScript 5's parsing in each helper, again in each check
// of the result, for code that may never touch Node (d3-array, qs, minimist). So the recipe
// names it only where the code uses what it declares: a global the ES library lacks
// (`process`, `Buffer`, `console`, `setTimeout`, `require` left as it is...), a built-in module
// (`fs`, `node:path`), a member it adds to the library's globals (`Error.captureStackTrace`,
// `Symbol.dispose`), one of its globals probed for on the global object (`window.process`), or
// `import.meta`. What @types/node declares is listed in
// `node_types.json`, generated from the installed package by `node node_types.js --write`
// (a test checks the list is current).
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const { moduleSpecifier, isBuiltinModule } = require('./specifiers');

const LIST = path.join(__dirname, 'node_types.json');
let known = null; // {globals: Set, members: Set}

function list() {
  if (!known) {
    const { globals, members } = JSON.parse(fs.readFileSync(LIST, 'utf8'));
    known = { globals: new Set(globals), members: new Set(members) };
  }
  return known;
}

const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self']);

/** Whether identifier `n` names something rather than being a member or key name. */
function isReference(n) {
  const p = n.parent;
  if (!p) return true;
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (p.name === n || p.right === n)) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p) ||
       ts.isMethodSignature(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isEnumMember(p)) && p.name === n) return false;
  if (ts.isBindingElement(p) && p.propertyName === n) return false;
  if ((ts.isImportSpecifier(p) || ts.isExportSpecifier(p)) && p.propertyName === n) return false;
  return true;
}

/** Whether source text `text` (of file `fileName`) uses anything only @types/node declares. */
function usesNode(fileName, text) {
  const { globals, members } = list();
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  let found = false;
  (function visit(n) {
    if (found) return;
    if (ts.isIdentifier(n)) {
      if (globals.has(n.text) && isReference(n)) found = true;
    } else if (ts.isPropertyAccessExpression(n)) {
      const on = ts.isIdentifier(n.expression) ? n.expression.text : '';
      // `window.process`, `globalThis.Buffer`: Node's globals probed for on the global object
      if (members.has(`${on}.${n.name.text}`) || (GLOBAL_OBJECTS.has(on) && globals.has(n.name.text))) found = true;
    } else if (ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.ImportKeyword) {
      found = true;
    } else {
      const spec = moduleSpecifier(n);
      if (spec !== null && isBuiltinModule(spec)) found = true;
    }
    // JSDoc types name globals too (`@param {Buffer} b`); TypeScript turns them into annotations
    for (const doc of n.jsDoc || []) visit(doc);
    ts.forEachChild(n, visit);
  })(sf);
  return found || sf.typeReferenceDirectives.some((r) => r.fileName === 'node');
}

/** What @types/node adds to a program of the ES library alone: global names, and members. */
function generate() {
  const typeRoots = [path.join(__dirname, 'node_modules', '@types')];
  const scope = (types) => {
    const f = path.join(__dirname, '__empty__.ts');
    const options = { noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types, typeRoots };
    const host = ts.createCompilerHost(options), read = host.getSourceFile, exists = host.fileExists;
    host.getSourceFile = (n, ...rest) => (n === f ? ts.createSourceFile(f, '', ts.ScriptTarget.ES2022) : read(n, ...rest));
    host.fileExists = (n) => n === f || exists(n);
    const program = ts.createProgram([f], options, host), checker = program.getTypeChecker();
    const out = new Map(); // name -> member names of its value (a constructor's statics)
    const flags = ts.SymbolFlags.Value | ts.SymbolFlags.Type | ts.SymbolFlags.Namespace;
    for (const s of checker.getSymbolsInScope(program.getSourceFile(f), flags)) {
      if (/^"/.test(s.name)) continue; // an ambient module: built-in modules are told by name
      const names = s.flags & ts.SymbolFlags.Value ? checker.getPropertiesOfType(checker.getTypeOfSymbol(s)).map((m) => m.name) : [];
      out.set(s.name, new Set(names.filter((m) => !m.startsWith('__@'))));
    }
    return out;
  };
  const base = scope([]), node = scope(['node']), globals = [], members = [];
  for (const [name, statics] of node) {
    if (!base.has(name)) { globals.push(name); continue; }
    if (name === 'globalThis') continue; // its new members are the new globals
    for (const m of statics) if (!base.get(name).has(m)) members.push(`${name}.${m}`);
  }
  return { globals: globals.sort(), members: members.sort() };
}

if (require.main === module) {
  const text = JSON.stringify(generate(), null, 1) + '\n';
  if (process.argv.includes('--write')) fs.writeFileSync(LIST, text);
  else process.stdout.write(text);
}

module.exports = { usesNode, generate };
