'use strict';
// Read-through cache of the files a Project reads from disk (Node helper): default libs,
// node_modules, @types. They do not change during a run, yet the language service asks for
// each one again for every new program (every trial edit), so texts, snapshots and existence
// answers are kept for the Project's life (a new "open" starts a fresh cache).
const fs = require('fs');
const ts = require('typescript');

class DiskCache {
  constructor() {
    this.texts = new Map(); // path -> text | undefined (missing)
    this.snapshots = new Map();
    this.answers = new Map(); // `${kind}:${path}` -> cached answer of ts.sys
  }

  read(f) {
    if (!this.texts.has(f)) {
      let text;
      try { text = fs.readFileSync(f, 'utf8'); } catch { text = undefined; }
      this.texts.set(f, text);
    }
    return this.texts.get(f);
  }

  snapshot(f) {
    let s = this.snapshots.get(f);
    if (s === undefined) {
      const text = this.read(f);
      s = text === undefined ? null : ts.ScriptSnapshot.fromString(text);
      this.snapshots.set(f, s);
    }
    return s || undefined;
  }

  memo(kind, p, compute) {
    const key = `${kind}:${p}`;
    if (!this.answers.has(key)) this.answers.set(key, compute(p));
    return this.answers.get(key);
  }

  exists(f) { return this.texts.has(f) ? this.texts.get(f) !== undefined : this.memo('f', f, ts.sys.fileExists); }
  directoryExists(d) { return this.memo('d', d, ts.sys.directoryExists); }
  directories(d) { return this.memo('ls', d, ts.sys.getDirectories); }
  realpath(p) { return this.memo('rp', p, ts.sys.realpath); }
}

module.exports = { DiskCache };
