'use strict';
// TypeScript 5 loaded with V8's code cache (Node helper and tools; Node 20 has no
// `module.enableCompileCache`). Compiling typescript.js, 9 MB of JavaScript, is most of a
// helper's start (150 ms of 250), and V8 compiles each of its functions again when a run
// first calls it. `make setup` runs this file, which compiles TypeScript, has it check and
// fix a small program (so the functions a run calls are compiled too) and keeps V8's code
// next to it, in .compile-cache/ (named by Node's version and TypeScript's text: V8 refuses
// data another version made). `load()` runs typescript.js with that code when it is there;
// a run never writes it (nothing outside the workspace is written), and without it TypeScript
// only starts slower.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

const DIR = path.join(__dirname, '.compile-cache');

function cacheFile(file, source) {
  const key = crypto.createHash('sha256').update(process.version).update(file).update(source).digest('hex').slice(0, 24);
  return path.join(DIR, `typescript-${key}.bin`);
}

/** Run typescript.js as `require('typescript')` would, with `cachedData`; the vm.Script. */
function run(file, source, cachedData) {
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  require.cache[file] = mod;
  try {
    script.runInThisContext().call(mod.exports, mod.exports, (id) => mod.require(id), mod, file, path.dirname(file));
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  mod.loaded = true;
  return script;
}

/** `require('typescript')`, compiled from the code `make setup` kept where there is some. */
function load() {
  const file = require.resolve('typescript');
  if (!require.cache[file]) {
    let source = null, cachedData;
    try {
      source = fs.readFileSync(file, 'utf8');
      cachedData = fs.readFileSync(cacheFile(file, source));
    } catch {
      cachedData = undefined; // none kept (or TypeScript unreadable: `require` says why)
    }
    if (cachedData) usedCache = !run(file, source, cachedData).cachedDataRejected;
  }
  return require('typescript');
}

let usedCache = false;
/** Whether `load` ran TypeScript from kept code that V8 accepted. */
const fromCache = () => usedCache;

/** Compile TypeScript, exercise it, and keep V8's code for `load` (once per version). */
function build() {
  const file = require.resolve('typescript'), source = fs.readFileSync(file, 'utf8');
  const target = cacheFile(file, source);
  if (fs.existsSync(target)) return false;
  const script = run(file, source, undefined), ts = require.cache[file].exports;
  const text = 'export function twice(x) { return x * 2; }\nconst n: number = twice(2);\n';
  const host = {
    getCompilationSettings: () => ({ strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'] }),
    getScriptFileNames: () => ['/a.ts'], getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (f === '/a.ts' ? ts.ScriptSnapshot.fromString(text) : ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)) : undefined),
    getCurrentDirectory: () => '/', getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === '/a.ts' || ts.sys.fileExists(f), readFile: (f) => (f === '/a.ts' ? text : ts.sys.readFile(f)),
  };
  const service = ts.createLanguageService(host);
  for (const d of service.getSemanticDiagnostics('/a.ts')) service.getCodeFixesAtPosition('/a.ts', d.start, d.start + d.length, [d.code], {}, {});
  fs.mkdirSync(DIR, { recursive: true });
  for (const old of fs.readdirSync(DIR)) fs.unlinkSync(path.join(DIR, old)); // another version's
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, script.createCachedData());
  fs.renameSync(tmp, target);
  return true;
}

if (require.main === module) {
  try {
    process.stdout.write(build() ? `kept ${path.relative(process.cwd(), DIR)}\n` : '');
  } catch (e) {
    // a read-only install: the helper starts without the cache, a little slower
    process.stdout.write(`not kept (${e.code || e.message}): TypeScript will be compiled at each start\n`);
  }
}

module.exports = { load, build, fromCache };
