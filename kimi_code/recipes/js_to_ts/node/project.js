'use strict';
// In-memory TypeScript 5 project for the JS->TS recipe (Node helper, used by server.js).
// Workspace source files live in memory (fed by Python from the staged workspace, so nothing
// is written to disk); node_modules, the default libs and non-source files are read from disk.
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const MANAGED = /\.(js|jsx|mjs|cjs|ts|tsx|mts|cts|json)$/;
const CHECKED = /\.(ts|tsx|mts|cts)$/;
const HELPER_TYPES = path.join(__dirname, 'node_modules', '@types');

function baseOptions(root) {
  return {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true,
    allowImportingTsExtensions: true, allowJs: true, checkJs: false, types: ['node'],
    typeRoots: [path.join(root, 'node_modules', '@types'), HELPER_TYPES],
    jsx: ts.JsxEmit.React,
  };
}

class Project {
  constructor(root) {
    this.root = path.resolve(root);
    this.files = new Map(); // absolute path -> {text, version}
    this.options = baseOptions(this.root);
    this.service = ts.createLanguageService(this.host(), ts.createDocumentRegistry());
  }

  abs(rel) { return path.join(this.root, rel); }
  rel(abs) { return path.relative(this.root, abs).split(path.sep).join('/'); }

  isManaged(f) {
    const r = path.relative(this.root, f);
    return !r.startsWith('..') && !r.split(path.sep).includes('node_modules') && MANAGED.test(f);
  }

  update(files) {
    for (const [rel, text] of Object.entries(files)) {
      const f = this.abs(rel);
      if (text === null) { this.files.delete(f); continue; }
      const prev = this.files.get(f);
      if (prev && prev.text === text) continue;
      this.files.set(f, { text, version: prev ? prev.version + 1 : 1 });
    }
  }

  text(rel) { const e = this.files.get(this.abs(rel)); return e ? e.text : undefined; }
  setText(rel, text) { this.update({ [rel]: text }); }

  readFile(f) {
    if (this.isManaged(f)) { const e = this.files.get(f); return e ? e.text : undefined; }
    try { return fs.readFileSync(f, 'utf8'); } catch { return undefined; }
  }

  fileExists(f) { return this.isManaged(f) ? this.files.has(f) : fs.existsSync(f); }

  host() {
    return {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.files.keys()].filter((f) => CHECKED.test(f)),
      getScriptVersion: (f) => String((this.files.get(f) || { version: 0 }).version),
      getScriptSnapshot: (f) => {
        const t = this.readFile(f);
        return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
      },
      getCurrentDirectory: () => this.root,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.fileExists(f),
      readFile: (f) => this.readFile(f),
      directoryExists: (d) => {
        const r = path.relative(this.root, d);
        if (!r.startsWith('..') && !r.split(path.sep).includes('node_modules')) {
          const prefix = d.endsWith(path.sep) ? d : d + path.sep;
          for (const f of this.files.keys()) if (f.startsWith(prefix)) return true;
        }
        return ts.sys.directoryExists(d);
      },
      getDirectories: (d) => ts.sys.getDirectories(d),
      realpath: (p) => (this.isManaged(p) ? p : ts.sys.realpath(p)),
      useCaseSensitiveFileNames: () => true,
    };
  }

  program() { return this.service.getProgram(); }
  sourceFile(rel) { return this.program().getSourceFile(this.abs(rel)); }

  diagnostics(rel) {
    const f = this.abs(rel);
    if (!CHECKED.test(f)) return [];
    return [...this.service.getSyntacticDiagnostics(f), ...this.service.getSemanticDiagnostics(f)];
  }

  errorCount(rel) { return this.diagnostics(rel).filter((d) => d.category === ts.DiagnosticCategory.Error).length; }

  /** Errors of every checked file: {rel: [{line, column, code, message}]} */
  allDiagnostics() {
    const out = {};
    for (const f of this.host().getScriptFileNames()) {
      const rel = this.rel(f);
      out[rel] = this.diagnostics(rel).map((d) => describe(d));
    }
    return out;
  }
}

function describe(d) {
  let line = 0, column = 0;
  if (d.file && d.start !== undefined) {
    const lc = d.file.getLineAndCharacterOfPosition(d.start);
    line = lc.line + 1; column = lc.character + 1;
  }
  return { line, column, code: `TS${d.code}`, start: d.start, length: d.length,
           message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
}

/** Apply ts.TextChange[] to text (changes must not overlap). */
function applyChanges(text, changes) {
  const sorted = [...changes].sort((a, b) => b.span.start - a.span.start);
  for (const c of sorted) text = text.slice(0, c.span.start) + c.newText + text.slice(c.span.start + c.span.length);
  return text;
}

module.exports = { Project, applyChanges, describe, CHECKED };
