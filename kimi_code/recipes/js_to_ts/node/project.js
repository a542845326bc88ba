'use strict';
// In-memory TypeScript 5 project for the JS->TS recipe (Node helper, used by server.js).
// Workspace source files live in memory (fed by Python from the staged workspace, so nothing
// is written to disk); node_modules, the default libs and non-source files are read from disk
// once per project (disk.js): every trial edit makes a new program that asks for all of them.
const path = require('path');
const ts = require('typescript');
const { DiskCache } = require('./disk');
const native = require('./native');
const { usesNode } = require('./node_types');
const { convertModule } = require('./module_syntax');

const MANAGED = /\.(js|jsx|mjs|cjs|ts|tsx|mts|cts|json)$/;
const CHECKED = /\.(ts|tsx|mts|cts)$/;
const HELPER_TYPES = path.join(__dirname, 'node_modules', '@types');
const RECENT_TEXTS = 8; // texts per file whose versions are kept (see `versionOf`)
const MEMO_STATES = 128; // project states per file whose diagnostics are kept (see `diagnostics`)

/** The options of the tsconfig.json the recipe writes (`types` is decided with the files). */
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

/**
 * The options of the project's own tsconfig.json (resolved `extends` included) with what the
 * helper needs on top: JavaScript files readable (not checked), `.ts` specifiers allowed, no
 * output, and type roots that fall back on the helper's `@types`. `null` when the project has
 * none (the recipe writes one: `baseOptions`). A config TypeScript cannot read fails the
 * whole run before any file is touched: the error names the file, line and reason.
 */
function ownOptions(root) {
  const file = path.join(root, 'tsconfig.json');
  if (!ts.sys.fileExists(file)) return null;
  const where = (d) => {
    if (!d.file || d.start === undefined) return '';
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1}: `;
  };
  const fail = (d) => {
    const e = new Error(`${where(d) || `${file}: `}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    throw Object.assign(e, { input: true });
  };
  const json = ts.readJsonConfigFile(file, ts.sys.readFile);
  if (json.parseDiagnostics.length) fail(json.parseDiagnostics[0]);
  const parsed = ts.parseJsonSourceFileConfigFileContent(json, ts.sys, root, undefined, file);
  // "No inputs were found" (TS18003) only says the project has no TypeScript yet
  const errors = parsed.errors.filter((d) => d.code !== 18003 && d.category === ts.DiagnosticCategory.Error);
  if (errors.length) fail(errors[0]);
  const options = { ...parsed.options, noEmit: true, allowJs: true, checkJs: false, allowImportingTsExtensions: true };
  delete options.configFilePath;
  if (!options.typeRoots) options.typeRoots = baseOptions(root).typeRoots;
  return options;
}

/**
 * Module and library resolutions kept from one program to the next. Each trial edit makes a
 * new program, which reuses the last one's resolutions while the set of files stays; a file
 * added or removed (every rename does both) made the next program resolve every import of
 * every file again, and look the default libraries up again (0.7 s of semver's run). A kept
 * resolution is dropped when a file appears or goes where its lookup failed or where it
 * resolved, or when a file it read (a package.json) changes.
 */
class Resolutions {
  constructor(root, options) {
    this.modules = new Map(); // key -> resolution
    this.readers = new Map(); // path -> Set(keys whose resolution looked at it)
    this.libraries = new Map();
    // what a program asks of a module resolution cache besides resolutions: the package.json
    // files it read (a file's module format, the @types lookups); without one, every new
    // program read them again
    this.cache = ts.createModuleResolutionCache(root, (f) => f, options);
  }

  module(name, containing, options, host, redirected, mode) {
    const key = `${containing}\0${name}\0${mode}\0${redirected ? redirected.sourceFile.fileName : ''}`;
    let r = this.modules.get(key);
    if (!r) {
      r = ts.resolveModuleName(name, containing, options, host, undefined, redirected, mode);
      this.modules.set(key, r);
      const seen = [...(r.failedLookupLocations || []), ...(r.affectingLocations || [])];
      if (r.resolvedModule) seen.push(r.resolvedModule.resolvedFileName, r.resolvedModule.originalPath || '');
      for (const f of seen) {
        if (!f) continue;
        if (!this.readers.has(f)) this.readers.set(f, new Set());
        this.readers.get(f).add(key);
      }
    }
    return r;
  }

  library(name, from, options, host) {
    const key = `${name}\0${from}`;
    if (!this.libraries.has(key)) this.libraries.set(key, ts.resolveLibrary(name, from, options, host));
    return this.libraries.get(key);
  }

  /** File `f` was created or deleted (`exists` changed), or its text changed. */
  changed(f, exists) {
    if (path.basename(f) === 'package.json') {
      this.modules.clear(); this.readers.clear(); this.cache.clear();
      return;
    }
    const keys = this.readers.get(f);
    if (!keys) return;
    // a changed text matters only to what read it (a package.json), not to where it was found
    for (const key of keys) {
      const r = this.modules.get(key);
      if (r && (exists || (r.affectingLocations || []).includes(f))) this.modules.delete(key);
    }
    if (exists) this.readers.delete(f);
  }
}

class Project {
  constructor(root) {
    this.root = path.resolve(root);
    this.files = new Map(); // absolute path -> {text, version}
    // absolute path -> Map(state -> diagnostics), one per compiler: the two may differ on a
    // text, and a pass switches between them (see `checked`, `diagnostics`)
    this.memo = new Map(); this.nativeMemo = new Map();
    this.clock = 0; this.stateKey = null; // see `state`
    this.versions = new Map(); // absolute path -> Map(text -> version), its recent texts (`versionOf`)
    // the project's own tsconfig.json, as its compiler reads it, else the one the recipe writes
    this.ownConfig = ownOptions(this.root);
    this.options = this.ownConfig || baseOptions(this.root);
    // whether the options name @types/node: decided once, before the first program (see
    // `decideNodeTypes`); a project's own config names its types itself
    this.nodeTypes = this.ownConfig ? null : undefined;
    this.disk = new DiskCache(); this.managed = new Map(); // path -> isManaged answer
    this.resolutions = new Resolutions(this.root, this.options);
    this.service = ts.createLanguageService(this.host(), ts.createDocumentRegistry());
    // error lists come from the native compiler where it runs (native.js), under the config the
    // recipe writes only: TypeScript 7 drops options a project's own config may use (`baseUrl`,
    // `moduleResolution: node10`...), and verification checks such a project with TypeScript 5
    this.native = native.available() && !this.ownConfig ? new native.NativeChecker(this) : null;
    // files a pass ran again for with TypeScript 5, and those it checks alone (see `checked`)
    this.rerun = new Set(); this.referenceOnly = new Set();
  }

  abs(rel) { return path.join(this.root, rel); }
  rel(abs) { return path.relative(this.root, abs).split(path.sep).join('/'); }

  isManaged(f) {
    let m = this.managed.get(f);
    if (m === undefined) {
      const r = path.relative(this.root, f);
      m = !r.startsWith('..') && !r.split(path.sep).includes('node_modules') && MANAGED.test(f);
      this.managed.set(f, m);
    }
    return m;
  }

  update(files) {
    for (const [rel, text] of Object.entries(files)) {
      const f = this.abs(rel);
      const prev = this.files.get(f);
      if (text === null) {
        if (prev) { this.files.delete(f); this.versions.delete(f); this.stateKey = null; this.roots = null; this.resolutions.changed(f, true); }
        continue;
      }
      if (prev && prev.text === text) continue;
      if (!prev) this.roots = null;
      this.resolutions.changed(f, !prev);
      this.files.set(f, { text, version: this.versionOf(f, text) });
      this.stateKey = null;
    }
  }

  /**
   * The version of text `text` of file `f`: the one it had before when the file had that text
   * lately, else a new one. A trial edit is mostly undone, and the file's text is then the one
   * the last program was built with: with its old version, the language service keeps that
   * program and its checker (no new parse, binding or checker), and the native compiler, told
   * nothing changed, its snapshot. Versions come from one clock, and a file's are forgotten
   * when it is deleted: a version never names two texts.
   */
  versionOf(f, text) {
    let known = this.versions.get(f);
    if (!known) this.versions.set(f, (known = new Map()));
    let version = known.get(text);
    if (version === undefined) {
      version = ++this.clock;
      if (known.size >= RECENT_TEXTS) known.delete(known.keys().next().value);
    } else {
      known.delete(text); // most recent last
    }
    known.set(text, version);
    return version;
  }

  /** The checked files (roots of the program), recomputed only after files came or went. */
  scriptFileNames() {
    if (!this.roots) this.roots = [...this.files.keys()].filter((f) => CHECKED.test(f));
    return this.roots;
  }

  text(rel) { const e = this.files.get(this.abs(rel)); return e ? e.text : undefined; }
  setText(rel, text) { this.update({ [rel]: text }); }

  readFile(f) {
    if (this.isManaged(f)) { const e = this.files.get(f); return e ? e.text : undefined; }
    return this.disk.read(f);
  }

  fileExists(f) { return this.isManaged(f) ? this.files.has(f) : this.disk.exists(f); }

  host() {
    return {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => this.scriptFileNames(),
      getScriptVersion: (f) => String((this.files.get(f) || { version: 0 }).version),
      getScriptSnapshot: (f) => {
        if (!this.isManaged(f)) return this.disk.snapshot(f);
        const e = this.files.get(f);
        return e ? e.snapshot || (e.snapshot = ts.ScriptSnapshot.fromString(e.text)) : undefined;
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
        return this.disk.directoryExists(d);
      },
      getDirectories: (d) => this.disk.directories(d),
      realpath: (p) => (this.isManaged(p) ? p : this.disk.realpath(p)),
      useCaseSensitiveFileNames: () => true,
      resolveModuleNameLiterals: (literals, containing, redirected, options, sf) =>
        literals.map((lit) => this.resolutions.module(lit.text, containing, options, this.resolutionHost(), redirected, ts.getModeForUsageLocation(sf, lit, options))),
      resolveLibrary: (name, from, options) => this.resolutions.library(name, from, options, this.resolutionHost()),
      getModuleResolutionCache: () => this.resolutions.cache,
    };
  }

  /** What module resolution reads: the project's files and the disk (see `host`). */
  resolutionHost() { return this._resolutionHost || (this._resolutionHost = this.host()); }

  /**
   * Name @types/node in the options (`true`), or not: as told (`open` passes what the run
   * decided, so every helper of a pool agrees), else whether the project's sources, as the
   * recipe's module syntax will leave them, or `extra` files (untyped dependencies' JavaScript,
   * whose declarations the code imports) use what only it declares. Once, before any program.
   */
  decideNodeTypes(told, extra = []) {
    if (this.nodeTypes !== undefined) return this.nodeTypes;
    let uses = told;
    if (typeof uses !== 'boolean') {
      const sources = [...this.files].filter(([f]) => !f.endsWith('.json')).map(([f, e]) => [f, e.text]);
      for (const f of extra) sources.push([f, this.readFile(f) || '']);
      uses = sources.some(([f, text]) => usesNode(f, /\.[cm]?jsx?$/.test(f) ? convertModule(f, text).text : text));
    }
    this.nodeTypes = uses;
    this.options.types = uses ? ['node'] : [];
    return uses;
  }

  program() {
    if (this.nodeTypes === undefined) this.decideNodeTypes();
    return this.service.getProgram();
  }
  sourceFile(rel) { return this.program().getSourceFile(this.abs(rel)); }

  /**
   * The versions of all files, in one string: it names the state of the whole project, since
   * a version never names two texts (`versionOf`) and nothing outside the files changes during
   * a run (libraries, node_modules, the options once `decideNodeTypes` ran).
   */
  state() {
    if (this.stateKey === null) this.stateKey = [...this.files.values()].map((e) => e.version).join(',');
    return this.stateKey;
  }

  diagnostics(rel) {
    const f = this.abs(rel);
    if (!CHECKED.test(f)) return [];
    // Trial edits restore earlier texts again and again, of the file and of those it imports
    // (a trial counts its importers' errors too): in a state of the project seen before, a
    // file's diagnostics are those computed then (a re-check costs a new checker).
    const memos = this.native ? this.nativeMemo : this.memo, key = this.state();
    let memo = memos.get(f);
    if (!memo) memos.set(f, (memo = new Map()));
    const known = memo.get(key);
    if (known) return known;
    const out = this.checkFile(f);
    if (memo.size >= MEMO_STATES) memo.delete(memo.keys().next().value);
    memo.set(key, out);
    return out;
  }

  /** The file's syntactic and semantic diagnostics, from the native compiler or the service. */
  checkFile(f) {
    if (this.nodeTypes === undefined) this.decideNodeTypes(); // both compilers check under it
    if (this.native) {
      try {
        return this.native.diagnostics(f);
      } catch (e) {
        // the native child failed: TypeScript 5 answers from now on
        process.stderr.write(`kimi-code helper: native checker failed, using TypeScript 5: ${String(e).slice(0, 300)}\n`);
        this.native.close(); this.native = null;
      }
    }
    return [...this.service.getSyntacticDiagnostics(f), ...this.service.getSemanticDiagnostics(f)];
  }

  /** `fn()` with TypeScript 5 answering every check (see `checked`). */
  withReference(fn) {
    const native = this.native;
    this.native = null;
    try { return fn(); } finally { this.native = native; }
  }

  /**
   * `op()`, a pass over `rel`, with the native compiler answering its trial checks. TypeScript
   * 5 is the compiler of record (verification and the corpus check with it), and the two
   * differ on a few inferences (circular ones, evolving arrays), where an edit one accepts the
   * other refuses. So when the pass changed the file, TypeScript 5 counts its errors too:
   * - where the two agree, or disagree by as many errors as they did before the pass (the
   *   edits moved both counts alike), the pass's result stands, unless the native compiler
   *   sees the file clean and TypeScript 5 does not;
   * - else `repair`, given for a pass that may suppress errors (the last resort), runs with
   *   TypeScript 5 answering, on the few errors it alone sees (a suppression of an error only
   *   the native compiler reports is unused for TypeScript 5), and the result stands if
   *   TypeScript 5 sees the file clean then;
   * - else the pass runs again from the same text with TypeScript 5 answering, and the second
   *   time that happens to a file, TypeScript 5 answers all its trials from then on (each
   *   5 to 10 times slower).
   * The result's `text` and `errors` are those of the file after all that.
   */
  checked(rel, op, repair = null) {
    if (!this.native) return op();
    if (this.referenceOnly.has(rel)) return this.withReference(op);
    const reference = () => this.withReference(() => this.errorCount(rel));
    const before = this.text(rel);
    const result = op();
    // a pass that changed nothing has nothing for TypeScript 5 to refuse
    if (this.text(rel) === before) return result;
    let now = { native: this.errorCount(rel), reference: reference() };
    if (now.native === now.reference) return result;
    const after = this.text(rel);
    this.setText(rel, before);
    const was = { native: this.errorCount(rel), reference: reference() };
    this.setText(rel, after);
    const stands = (n) => n.reference - n.native === was.reference - was.native && (n.native > 0 || n.reference === 0);
    if (!stands(now) && repair) {
      this.withReference(repair);
      now = { native: this.errorCount(rel), reference: reference() };
      if (now.reference === 0) return { ...result, text: this.text(rel), errors: 0 };
    }
    if (stands(now)) return { ...result, text: this.text(rel), errors: now.reference };
    if (this.rerun.has(rel)) this.referenceOnly.add(rel);
    this.rerun.add(rel);
    this.setText(rel, before);
    return this.withReference(op);
  }

  close() { if (this.native) this.native.close(); }

  errorCount(rel) { return this.diagnostics(rel).filter((d) => d.category === ts.DiagnosticCategory.Error).length; }

  /** Errors of every checked file: {rel: [{line, column, code, message}]} */
  allDiagnostics() {
    const out = {};
    for (const f of this.scriptFileNames()) {
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
  // Later changes go first; among changes at the same position the later one is applied
  // first too, so insertions at one point keep their listed order (as ts.textChanges does).
  const sorted = changes.map((c, i) => [c, i]).sort((a, b) => b[0].span.start - a[0].span.start || b[1] - a[1]).map(([c]) => c);
  for (const c of sorted) text = text.slice(0, c.span.start) + c.newText + text.slice(c.span.start + c.span.length);
  return text;
}

module.exports = { Project, applyChanges, describe, CHECKED };
