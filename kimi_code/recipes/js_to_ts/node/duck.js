'use strict';
// Parameters typed `any`/`unknown` whose uses read members that one of the project's own
// classes has (Node helper): `(a, b) => a.semver.compare(b.semver) || a.operator` reads
// `semver` and `operator`, which class Comparator declares, so `a: Comparator` is tried.
// The class is named as the file sees it (a local or imported name, or an import type), and
// a candidate is kept only where the file's error count does not rise. Not when every member
// read is one of the class's boolean flags: `options.loose` and `options.includePrerelease`
// read an options object, though class Range copies both flags from one.
const path = require('path');
const ts = require('typescript');

const IDENT = /^[A-Za-z_$][\w$]*$/;
const { isWeak, paramKeys } = require('./weak');

/** The classes declared in the project's own files: [{symbol, members: Set, file}]. */
function projectClasses(project, checker) {
  const out = [];
  for (const sf of project.program().getSourceFiles()) {
    if (sf.isDeclarationFile || !project.isManaged(sf.fileName)) continue;
    (function visit(n) {
      if (ts.isClassDeclaration(n) && n.name) {
        const symbol = checker.getSymbolAtLocation(n.name);
        const type = symbol && checker.getDeclaredTypeOfSymbol(symbol);
        if (type) {
          const flags = new Set(type.getProperties().filter((p) => isFlag(checker, p, n)).map((p) => p.name));
          out.push({ symbol, file: sf.fileName, members: new Set(type.getProperties().map((p) => p.name)), flags });
        }
      }
      if (!ts.isSourceFile(n) && !ts.isModuleBlock(n)) return;
      ts.forEachChild(n, visit);
    })(sf);
  }
  return out;
}

/** Whether class member `p` is a boolean (`loose`, `includePrerelease`). */
function isFlag(checker, p, at) {
  const t = checker.getTypeOfSymbolAtLocation(p, at);
  return !!(t.flags & ts.TypeFlags.BooleanLike) || (t.isUnion() && t.types.every((u) => u.flags & ts.TypeFlags.BooleanLike));
}

/** Member names read on the parameter (`p.x`, `p.x()`); null when fewer than two. */
function membersRead(checker, decl) {
  const sym = checker.getSymbolAtLocation(decl.name), names = new Set();
  (function visit(m) {
    if (ts.isIdentifier(m) && m !== decl.name && checker.getSymbolAtLocation(m) === sym) {
      const p = m.parent;
      if (p && ts.isPropertyAccessExpression(p) && p.expression === m && IDENT.test(p.name.text)) names.add(p.name.text);
    }
    ts.forEachChild(m, visit);
  })(decl.parent.body || decl.parent);
  return names.size >= 2 ? names : null;
}

/** How file `sf` can name class `symbol`: its own name in scope, or an import type. */
function typeName(checker, sf, cls) {
  const name = cls.symbol.name;
  const local = checker.getSymbolsInScope(sf, ts.SymbolFlags.Type | ts.SymbolFlags.Alias).find((s) => s.name === name);
  if (local) {
    const target = local.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(local) : local;
    // an exported class is in scope as its local symbol
    if (target === cls.symbol || checker.getExportSymbolOfSymbol(target) === cls.symbol) return name;
    return null; // another type has that name here
  }
  if (sf.fileName === cls.file) return null;
  let rel = path.relative(path.dirname(sf.fileName), cls.file).split(path.sep).join('/').replace(/\.(m|c)?tsx?$/, '.js');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const fileSymbol = checker.getSymbolAtLocation(cls.symbol.valueDeclaration.getSourceFile());
  const exportEquals = fileSymbol && fileSymbol.exports && fileSymbol.exports.get('export=');
  if (exportEquals && checker.getAliasedSymbol(exportEquals) === cls.symbol) return `import("${rel}")`;
  if (fileSymbol && fileSymbol.exports && fileSymbol.exports.get(name)) return `import("${rel}").${name}`;
  return null;
}

/** Weak parameters of `rel` get the project class that has every member their uses read. */
function duckTypes(project, rel) {
  let kept = 0;
  const done = new Set();
  for (let round = 0; round < 40; round++) {
    const sf = project.sourceFile(rel), checker = project.program().getTypeChecker();
    const classes = projectClasses(project, checker);
    if (!classes.length) break;
    let target = null, names = null;
    const keys = paramKeys(sf);
    (function visit(n) {
      if (target) return;
      if (ts.isParameter(n) && ts.isIdentifier(n.name)) {
        const key = keys.get(n);
        if (isWeak(n.type, true) && !ts.isArrayTypeNode(n.type) && !n.dotDotDotToken && !done.has(key)) {
          done.add(key);
          names = membersRead(checker, n);
          if (names) target = n;
        }
      }
      if (!target) ts.forEachChild(n, visit);
    })(sf);
    if (!target) break;
    // a value of which only boolean flags are read is an options object, whatever class also has them
    const fits = classes.filter((c) => [...names].every((m) => c.members.has(m)) && ![...names].every((m) => c.flags.has(m)))
      .sort((a, b) => a.members.size - b.members.size);
    const text = sf.text, errs = project.errorCount(rel);
    for (const cls of fits.slice(0, 2)) {
      const t = typeName(checker, sf, cls);
      if (!t) continue;
      project.setText(rel, text.slice(0, target.type.getStart(sf)) + t + text.slice(target.type.getEnd()));
      if (project.errorCount(rel) <= errs) { kept++; break; }
      project.setText(rel, text);
    }
  }
  return kept;
}

module.exports = { duckTypes, typeName };
