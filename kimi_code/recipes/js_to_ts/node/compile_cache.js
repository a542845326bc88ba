'use strict';
// TypeScript 5 loaded with V8's code cache (Node helper and tools; Node 20 has no
// `module.enableCompileCache`). Compiling typescript.js, 9 MB of JavaScript, is most of a
// helper's start (150 ms of 250), and V8 compiles each of its functions again when a run
// first calls it. `load()` runs the file with the code V8 kept from an earlier process, when
// there is one for this TypeScript and this Node; `save()`, called as the process ends, keeps
// the code of every function compiled by then. The cache lives under
// $XDG_CACHE_HOME/kimi-code/v8 (~/.cache by default); V8 refuses data made by another
// version, and any failure to read or write it only means a slower start.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const Module = require('module');

let script = null; // the vm.Script typescript.js ran as, and where its cache goes
let target = null;
let fresh = false; // whether the cache read was missing or refused

function cacheFile(file, source) {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const key = crypto.createHash('sha256').update(process.version).update(file).update(source).digest('hex').slice(0, 24);
  return path.join(base, 'kimi-code', 'v8', `typescript-${key}.bin`);
}

/** `require('typescript')`, compiled from V8's cached code where it has some. */
function load() {
  const file = require.resolve('typescript');
  if (require.cache[file]) return require.cache[file].exports;
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    return require('typescript');
  }
  target = cacheFile(file, source);
  let cachedData;
  try { cachedData = fs.readFileSync(target); } catch { cachedData = undefined; }
  script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  fresh = !cachedData || script.cachedDataRejected === true;
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
  return mod.exports;
}

/** Keep the compiled code for the next process (once per cache: only when there was none). */
function save() {
  if (!script || !fresh) return;
  try {
    const data = script.createCachedData();
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
  } catch {
    // a read-only or full disk: the next start compiles again
  }
  fresh = false;
}

module.exports = { load, save };
