'use strict';
// Trial checks by the native TypeScript 7 compiler (Node helper, used by project.js).
//
// Every pass of the recipe tries an edit and asks for the file's errors again; with the
// TypeScript 5 language service each such check builds a new program and a new checker, and
// checks the file from scratch: 10 to 80 ms a trial on the corpus. TypeScript 7's native
// compiler (`typescript7`, the same one that verifies the result) answers the same question
// several times faster through its synchronous API: a `tsgo --api` child process, and each
// trial is a new snapshot with the changed files named. The child reads the in-memory
// workspace from a copy of it under `.kimi/check/` (`Shadow`; the user's files are never
// written), or, where that copy cannot be made, through callbacks to this process.
// TypeScript 5 stays the analysis engine (checker queries, code fixes); only error lists come
// from here. `KIMI_JSTS_CHECKER=ts5` turns this off; so does a platform without the native
// binary, or the child failing (the run goes on with TypeScript 5).
const fs = require('fs');
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

/**
 * A copy of the project's in-memory files on disk, under `.kimi/check/<pid>-<n>/` of the root
 * (`.kimi/` is never indexed, copied or committed), that the native compiler reads by itself.
 * With file-system callbacks every lookup it makes is a round trip to this process, and a
 * file added (every rename adds one) makes it resolve every import again: thousands of
 * lookups, most under node_modules. Inside the root, lookups that go up (node_modules,
 * package.json, @types) still reach the project's and its parents'; a folder of the copy gets
 * a link to the node_modules its original has.
 */
class Shadow {
  /** A new, empty copy for `root`; null where it cannot be made (a read-only workspace). */
  static make(root) {
    if (!fs.existsSync(root)) return null; // a workspace only in memory (tests): not made here
    const base = path.join(root, '.kimi', 'check');
    const dir = path.join(base, `${process.pid}-${++Shadow.made}`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      // as a run's state folder: kept out of the user's commits (and of a dirty-tree check)
      const ignore = path.join(root, '.kimi', '.gitignore');
      if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
      // copies of helpers that were killed
      for (const name of fs.readdirSync(base)) {
        if (!alive(Number(name.split('-')[0]))) fs.rmSync(path.join(base, name), { recursive: true, force: true });
      }
    } catch {
      return null;
    }
    return new Shadow(root, dir);
  }

  constructor(root, dir) {
    this.root = root; this.dir = dir; this.folders = new Set([dir]);
    Shadow.open.add(this);
  }

  /** The path in the copy of the project's file `f`. */
  to(f) { return path.join(this.dir, path.relative(this.root, f)); }

  /**
   * Write the copy of `f`. Over the last text, in place: on ext4, a file truncated to nothing
   * is flushed at close, ten times the cost of the write (a trial writes a file twice).
   */
  write(f, text) {
    const g = this.to(f), bytes = Buffer.from(text);
    let fd;
    try { fd = fs.openSync(g, 'r+'); } catch {
      this.folder(path.dirname(g));
      fs.writeFileSync(g, bytes);
      return;
    }
    try { fs.writeSync(fd, bytes, 0, bytes.length, 0); fs.ftruncateSync(fd, bytes.length); } finally { fs.closeSync(fd); }
  }

  remove(f) { fs.rmSync(this.to(f), { force: true }); }

  /** Make the copy's folder `d` and those above it. */
  folder(d) {
    if (this.folders.has(d)) return;
    this.folder(path.dirname(d));
    fs.mkdirSync(d);
    const modules = path.join(this.root, path.relative(this.dir, d), 'node_modules');
    if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(d, 'node_modules'));
    this.folders.add(d);
  }

  /** Diagnostic `d` with the copy's paths in its message replaced by the originals. */
  back(d) {
    const fix = (m) => (typeof m === 'string' ? m.split(this.dir).join(this.root) : { ...m, messageText: fix(m.messageText), next: m.next.map(fix) });
    return { ...d, messageText: fix(d.messageText) };
  }

  /** Delete the copy (and `.kimi/check/` when it is left empty). */
  dispose() {
    Shadow.open.delete(this);
    try {
      fs.rmSync(this.dir, { recursive: true, force: true });
      fs.rmdirSync(path.dirname(this.dir)); // fails while another helper's copy is there
    } catch { /* in use, or gone */ }
  }
}
Shadow.made = 0;
Shadow.open = new Set();
process.on('exit', () => { for (const s of [...Shadow.open]) s.dispose(); });

/** Whether process `pid` is running. */
function alive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
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
    this.shadow = undefined; // the copy the child reads (Shadow), null where none could be made
  }

  /** The tsconfig.json the child reads: the project's options and its checked files. */
  configFor() {
    const files = this.project.scriptFileNames(); // the same array until files come or go
    if (files !== this.configFiles) {
      this.configFiles = files;
      const names = this.shadow ? files.map((f) => this.shadow.to(f)) : files;
      this.configNext = JSON.stringify({ compilerOptions: configOptions(this.project.options), files: names });
    }
    return this.configNext;
  }

  /** Start the child, reading the project's copy, else (no copy) through callbacks. */
  start() {
    const p = this.project;
    if (this.shadow === undefined) this.shadow = Shadow.make(p.root);
    if (this.shadow) {
      this.config = this.shadow.to(path.join(p.root, '.kimi-check.tsconfig.json'));
      this.api = new API({ cwd: this.shadow.dir });
      return;
    }
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
    const p = this.project;
    let changed = [], created = [], deleted = [];
    for (const [f, e] of p.files) {
      const was = this.sent.get(f);
      if (was === undefined) created.push(f); else if (was !== e.version) changed.push(f);
    }
    if (!this.shadow && !this.memoryDirs && this.missingDirectory(created)) return null;
    for (const f of [...created, ...changed]) this.sent.set(f, p.files.get(f).version);
    for (const f of [...this.sent.keys()]) if (!p.files.has(f)) { deleted.push(f); this.sent.delete(f); }
    const config = this.configFor();
    if (this.shadow) {
      for (const f of [...created, ...changed]) this.shadow.write(f, p.files.get(f).text);
      for (const f of deleted) this.shadow.remove(f);
      if (config !== this.configText) fs.writeFileSync(this.config, config);
      const to = (files) => files.map((f) => this.shadow.to(f));
      created = to(created); changed = to(changed); deleted = to(deleted);
    }
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
    const g = this.shadow ? this.shadow.to(f) : f;
    const list = [...program.getSyntacticDiagnostics(g), ...program.getSemanticDiagnostics(g)].map((d) => toDiagnostic(d, file));
    return this.shadow ? list.map((d) => this.shadow.back(d)) : list;
  }

  close() {
    if (this.api) { try { this.api.close(); } catch { /* the child is gone already */ } }
    this.api = null; this.snapshot = null; this.sent.clear(); this.configText = null; this.configFiles = null;
    if (this.shadow) { this.shadow.dispose(); this.shadow = undefined; }
  }
}

module.exports = { load, available, NativeChecker };
