'use strict';
// Trial checks by the native TypeScript 7 compiler (Node helper, used by project.js).
//
// Every pass of the recipe tries an edit and asks for the file's errors again; with the
// TypeScript 5 language service each such check builds a new program and a new checker, and
// checks the file from scratch: 10 to 80 ms a trial on the corpus. TypeScript 7's native
// compiler (`typescript7`, the same one that verifies the result) answers the same question
// several times faster through its synchronous API: a `tsgo --api` child process that reads
// the project's files through callbacks, so the in-memory workspace (never written to disk)
// is what it checks, and each trial is a new snapshot with the changed files named.
// TypeScript 5 stays the analysis engine (checker queries, code fixes); only error lists come
// from here. `KIMI_JSTS_CHECKER=ts5` turns this off; so does a platform without the native
// binary, or the child failing (the run goes on with TypeScript 5).
const path = require('path');
const ts = require('typescript');

let API = null; // the sync API's class, once `load` has imported it

/** Import the native compiler's API (an ES module); false where it is unavailable or off. */
async function load() {
  if (process.env.KIMI_JSTS_CHECKER === 'ts5') return false;
  try {
    ({ API } = await import('typescript7/unstable/sync'));
    return true;
  } catch {
    return false;
  }
}

function available() { return API !== null; }

/** The compiler options of `options` (TypeScript 5's enums) as tsconfig.json spells them. */
function configOptions(options) {
  const name = (table, value) => Object.keys(table).find((k) => table[k] === value).toLowerCase();
  return {
    ...options,
    target: name(ts.ScriptTarget, options.target),
    module: name(ts.ModuleKind, options.module),
    moduleResolution: name(ts.ModuleResolutionKind, options.moduleResolution),
    jsx: name(ts.JsxEmit, options.jsx).replace(/^reactjsx$/, 'react-jsx'),
    lib: options.lib.map((l) => l.replace(/^lib\./, '').replace(/\.d\.ts$/, '')),
  };
}

/** A diagnostic of the native API in TypeScript 5's shape (what the passes read). */
function toDiagnostic(d, file) {
  const chain = (c) => ({ messageText: c.text, category: c.category, code: c.code, next: (c.messageChain || []).map(chain) });
  const messageText = d.messageChain && d.messageChain.length ? chain(d) : d.text;
  return { file, start: d.pos, length: d.end - d.pos, code: d.code, category: d.category, messageText };
}

class NativeChecker {
  /** Checks `project`'s files (a project.js Project); the child starts on the first check. */
  constructor(project) {
    this.project = project;
    this.config = path.join(project.root, '.kimi-check.tsconfig.json');
    this.api = null; this.snapshot = null; this.sent = new Map();
    this.configText = null; // the tsconfig text the child has
    this.configFiles = null; this.configNext = null; // the root files and the text made of them
    this.memoryDirs = false; this.dirs = new Map(); // directory -> exists on disk
  }

  /** The tsconfig.json the child reads: the project's options and its checked files. */
  configFor() {
    const files = this.project.scriptFileNames(); // the same array until files come or go
    if (files !== this.configFiles) {
      this.configFiles = files;
      this.configNext = JSON.stringify({ compilerOptions: configOptions(this.project.options), files });
    }
    return this.configNext;
  }

  start() {
    const p = this.project;
    const inside = (f) => f === this.config || p.isManaged(f);
    const fsCallbacks = {
      readFile: (f) => (f === this.config ? this.configText : inside(f) ? p.readFile(f) ?? null : undefined),
      fileExists: (f) => (inside(f) ? f === this.config || p.files.has(f) : undefined),
    };
    // Every callback is a round trip to the child, and a new program (a file added) asks
    // hundreds of them, most under node_modules: directories come from disk, unless a file
    // of the project is in a directory that exists only in memory.
    if (this.memoryDirs) { const host = p.host(); fsCallbacks.directoryExists = (d) => host.directoryExists(d); }
    this.api = new API({ cwd: p.root, fs: fsCallbacks });
  }

  /** Whether a directory of `files` (absolute paths) is missing on disk. */
  missingDirectory(files) {
    for (const f of files) {
      const d = path.dirname(f);
      if (!this.dirs.has(d)) this.dirs.set(d, ts.sys.directoryExists(d));
      if (!this.dirs.get(d)) return true;
    }
    return false;
  }

  /**
   * Tell the child which files changed since the last snapshot; returns the new snapshot, or
   * null when a file was added in a directory that exists only in memory (nothing is sent: the
   * child must start again, answering directories too).
   */
  sync() {
    const p = this.project, changed = [], created = [], deleted = [];
    for (const [f, e] of p.files) {
      const was = this.sent.get(f);
      if (was === undefined) created.push(f); else if (was !== e.version) changed.push(f);
    }
    if (!this.memoryDirs && this.missingDirectory(created)) return null;
    for (const f of [...created, ...changed]) this.sent.set(f, p.files.get(f).version);
    for (const f of [...this.sent.keys()]) if (!p.files.has(f)) { deleted.push(f); this.sent.delete(f); }
    const config = this.configFor();
    if (config !== this.configText) { this.configText = config; if (this.snapshot) changed.push(this.config); }
    if (!this.snapshot) {
      this.snapshot = this.api.updateSnapshot({ openProjects: [this.config] });
    } else if (changed.length || created.length || deleted.length) {
      const old = this.snapshot;
      this.snapshot = this.api.updateSnapshot({ fileChanges: { changed, created, deleted } });
      old.dispose();
    }
    return this.snapshot;
  }

  /** Syntactic and semantic diagnostics of the checked file `f` (an absolute path). */
  diagnostics(f) {
    if (!this.api) this.start();
    let snapshot = this.sync();
    if (!snapshot) { this.close(); this.memoryDirs = true; this.start(); snapshot = this.sync(); }
    const program = snapshot.getProject(this.config).program;
    const file = { fileName: f, text: this.project.files.get(f).text };
    return [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)].map((d) => toDiagnostic(d, file));
  }

  close() {
    if (this.api) { try { this.api.close(); } catch { /* the child is gone already */ } }
    this.api = null; this.snapshot = null; this.sent.clear(); this.configText = null; this.configFiles = null;
  }
}

module.exports = { load, available, NativeChecker };
