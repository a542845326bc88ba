#!/usr/bin/env node
'use strict';
// One-shot tool of the JS->TS recipe's verification (Node helper):
//   node strip.js metrics DIR        -> {"any": N, "suppressions": N, "ts_files": N} over DIR's TS files
//   node strip.js strip DIR TYPE     -> every .ts/.tsx/.mts/.cts (not .d.ts) in DIR is type-stripped
//                                       with ts.transpileModule and written back as .js/.mjs/.cjs at the
//                                       original path; the TS file is removed. TYPE: module|commonjs.
const fs = require('fs');
const path = require('path');
const ts = require('./compile_cache').load();

function walk(d, out = []) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p, out); else if (e.isFile()) out.push(p);
  }
  return out;
}
const isTS = (f) => /\.(ts|tsx|mts|cts)$/.test(f), isDTS = (f) => /\.d\.(ts|mts|cts)$/.test(f);

function metrics(dir) {
  const r = { any: 0, suppressions: 0, shorthand_modules: 0, ts_files: 0 };
  for (const f of walk(dir).filter(isTS)) {
    const text = fs.readFileSync(f, 'utf8');
    r.ts_files++;
    r.suppressions += (text.match(/@ts-(expect-error|ignore|nocheck)/g) || []).length;
    const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true, /\.tsx$/.test(f) ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    (function visit(n) {
      if (n.kind === ts.SyntaxKind.AnyKeyword) r.any++;
      if (ts.isModuleDeclaration(n) && !n.body && ts.isStringLiteral(n.name)) r.shorthand_modules++;
      ts.forEachChild(n, visit);
    })(sf);
  }
  r.suppressions += r.shorthand_modules;
  return r;
}

/** The nearest package.json's "type" decides how a .ts/.tsx file is emitted, as Node decides for .js. */
function packageType(dir, file, fallback) {
  for (let d = path.dirname(file); d.startsWith(dir); d = path.dirname(d)) {
    try {
      const pj = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
      return pj.type === 'module' ? 'module' : 'commonjs';
    } catch { /* no or bad package.json here: look further up */ }
    if (d === dir) break;
  }
  return fallback;
}

function strip(dir, pkgType) {
  const errors = [];
  let written = 0;
  for (const f of walk(dir).filter((x) => isTS(x) && !isDTS(x))) {
    const text = fs.readFileSync(f, 'utf8');
    const esm = /\.mts$/.test(f) ? true : /\.cts$/.test(f) ? false : packageType(dir, f, pkgType) === 'module';
    const out = ts.transpileModule(text, { fileName: f, reportDiagnostics: true, compilerOptions: {
      module: esm ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022,
      esModuleInterop: true, rewriteRelativeImportExtensions: true, jsx: ts.JsxEmit.React, sourceMap: false } });
    for (const d of out.diagnostics || []) if (d.category === ts.DiagnosticCategory.Error) errors.push(path.relative(dir, f));
    const o = f.replace(/\.tsx?$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs');
    fs.writeFileSync(o, out.outputText);
    fs.unlinkSync(f);
    written++;
  }
  return { written, errors };
}

module.exports = { metrics };

if (require.main === module) {
  const [cmd, dir, type] = process.argv.slice(2);
  if (cmd === 'metrics') console.log(JSON.stringify(metrics(dir)));
  else if (cmd === 'strip') console.log(JSON.stringify(strip(dir, type || 'commonjs')));
  else { console.error('usage: strip.js metrics DIR | strip DIR TYPE'); process.exit(2); }
}
