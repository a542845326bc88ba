#!/usr/bin/env node
'use strict';
// JSON-lines server of the JS->TS recipe's Node helper. One request per line on stdin:
//   {"id": 1, "op": "open", "root": "/abs/ws", "files": {"a.js": "..."}}
// one response per line on stdout: {"id": 1, "ok": true, "result": {...}} or {"id", "ok": false, "error"}.
// Ops: open, update, module, infer, narrow, last_resort, finalize, polish, weak_spots,
// untyped_deps, narrow_declarations, metrics, diagnostics, error_count, syntax, try_edits.
// The helper never writes files: results carry the new text and Python stages it.
const readline = require('readline');
const ts = require('./compile_cache').load(); // before any other module requires it
const { Project } = require('./project');
const { convertModule } = require('./module_syntax');
const { inferTypes, narrowAny } = require('./types');
const { lastResort } = require('./last_resort');
const { weakSpots } = require('./weak_spots');
const { refineAny, refineChains } = require('./refine');
const { duckTypes } = require('./duck');
const { memberShapes } = require('./members');
const { prototypeInstances } = require('./prototypes');
const { typeFromEvidence, typeFromAssignments } = require('./evidence');
const { tightenCasts } = require('./casts');
const { filledArrays } = require('./arrays');
const { optionalFromTests } = require('./optional');
const { typesFromCallSites, contextualParams } = require('./callsites');
const { untypedDeclarations, jsxDeclaration, narrowDeclarations } = require('./declarations');
const { bisectApply } = require('./batch');
const native = require('./native');

let project = null;
const need = () => { if (!project) throw new Error('no project open (send "open" first)'); return project; };
const file = (p, rel) => { const t = p.text(rel); if (t === undefined) throw new Error(`${rel}: not in the project`); return t; };

const OPS = {
  open(req) {
    if (project) project.close();
    project = new Project(req.root); project.update(req.files || {});
    if (typeof req.nodeTypes === 'boolean') project.decideNodeTypes(req.nodeTypes);
    return { files: project.files.size };
  },
  update(req) { need().update(req.files || {}); return {}; },
  module(req) {
    const p = need(), r = convertModule(req.path, file(p, req.path));
    p.setText(req.path, r.text);
    return r;
  },
  infer(req) {
    const p = need(); file(p, req.path);
    return p.checked(req.path, () => {
      const applied = inferTypes(p, req.path, req.rounds || 3);
      return { text: p.text(req.path), applied, errors: p.errorCount(req.path) };
    });
  },
  narrow(req) {
    const p = need(); file(p, req.path);
    return p.checked(req.path, () => {
      const changed = narrowAny(p, req.path);
      return { text: p.text(req.path), changed, errors: p.errorCount(req.path) };
    });
  },
  last_resort(req) {
    const p = need(); file(p, req.path);
    return p.checked(req.path, () => {
      const used = lastResort(p, req.path, req.suppress !== false);
      return { text: p.text(req.path), used, errors: p.errorCount(req.path) };
    }, () => lastResort(p, req.path, req.suppress !== false));
  },
  /** narrow any -> unknown, the last resort (which tries unknown before any), then tighten its casts. */
  finalize(req) {
    const p = need(); file(p, req.path);
    return p.checked(req.path, () => {
      const narrowed = narrowAny(p, req.path);
      const used = lastResort(p, req.path, req.suppress !== false);
      used.unknown += narrowed;
      used.refined = refineAny(p, req.path);
      used.fromCalls = typesFromCallSites(p, req.path);
      Object.assign(used, tightenCasts(p, req.path));
      return { text: p.text(req.path), used, errors: p.errorCount(req.path) };
    }, () => lastResort(p, req.path, req.suppress !== false));
  },
  /**
   * Once every file is typed: the passes that read other files' types again (call sites,
   * what uses expect), then the casts they make unnecessary.
   */
  polish(req) {
    const p = need();
    return p.checked(req.path, () => {
      if (!/\b(any|unknown)\b/.test(file(p, req.path))) return { text: p.text(req.path), used: {}, errors: p.errorCount(req.path) };
      const used = { fromCalls: typesFromCallSites(p, req.path), contextual: contextualParams(p, req.path) };
      used.refined = refineAny(p, req.path, 'polish');
      used.chains = refineChains(p, req.path);
      used.classes = duckTypes(p, req.path);
      used.members = memberShapes(p, req.path);
      used.evidence = typeFromEvidence(p, req.path);
      used.assigned = typeFromAssignments(p, req.path);
      used.arrays = filledArrays(p, req.path);
      used.unknown = narrowAny(p, req.path, { rest: true });
      used.optional = optionalFromTests(p, req.path);
      used.prototypes = prototypeInstances(p, req.path);
      // what the passes above typed may let callers' arguments be named now
      used.fromCalls += typesFromCallSites(p, req.path);
      Object.assign(used, tightenCasts(p, req.path, { added: true }));
      return { text: p.text(req.path), used, errors: p.errorCount(req.path) };
    });
  },
  /** Declarations typed `unknown`/`any` (what the model may improve): [{start, end, name, context}] */
  weak_spots(req) {
    const p = need(), text = file(p, req.path);
    return { spots: weakSpots(req.path, text) };
  },
  untyped_deps(req) {
    const p = need();
    const declarations = untypedDeclarations(p, req.paths || []);
    return { declarations, jsx: jsxDeclaration(p, req.paths || []), nodeTypes: p.nodeTypes };
  },
  /** Generated dependency declarations cut to what the project uses, `any` narrowed: {texts: {path: text}} */
  narrow_declarations(req) {
    const p = need(), texts = {};
    // a declaration's trials count its importers' errors: TypeScript 5, the compiler of record,
    // answers them (once per run, on the few generated files)
    p.withReference(() => {
      for (const rel of req.paths || []) { file(p, rel); narrowDeclarations(p, rel); texts[rel] = p.text(rel); }
    });
    return { texts };
  },
  diagnostics(req) {
    const p = need();
    if (!req.paths) return { files: p.allDiagnostics() };
    const out = {};
    for (const rel of req.paths) out[rel] = p.diagnostics(rel).map((d) => require('./project').describe(d));
    return { files: out };
  },
  /** `any` keywords and suppressions in the TypeScript files under `dir` (as `strip.js metrics`). */
  metrics(req) { return require('./strip').metrics(req.dir); },
  error_count(req) { const p = need(); return { errors: p.errorCount(req.path) }; },
  /** Where a JavaScript file does not parse (what renaming it cannot fix): {errors: [{line, message}]}, the first 3. */
  syntax(req) {
    const text = file(need(), req.path);
    const sf = ts.createSourceFile(req.path, text, ts.ScriptTarget.Latest, true, /\.jsx$/.test(req.path) ? ts.ScriptKind.JSX : ts.ScriptKind.JS);
    const errors = sf.parseDiagnostics.slice(0, 3).map((d) => ({
      line: sf.getLineAndCharacterOfPosition(d.start).line + 1, message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    }));
    return { errors };
  },
  /** Keep the edits [{start, end, text}] of `path` that do not raise its error count; batched trials. */
  try_edits(req) {
    const p = need(); file(p, req.path);
    return p.checked(req.path, () => {
      const kept = bisectApply(p, req.path, req.edits || [], (now, before) => now <= before);
      return { text: p.text(req.path), kept, errors: p.errorCount(req.path) };
    });
  },
};

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
// requests wait for the native compiler's API to load (an ES module), then run one at a time
let ready = native.load();
rl.on('line', (line) => { ready = ready.then(() => handle(line)).catch((e) => process.stderr.write(`kimi-code helper: ${e}\n`)); });

function handle(line) {
  if (!line.trim()) return;
  let req;
  try { req = JSON.parse(line); } catch (e) { process.stdout.write(JSON.stringify({ id: null, ok: false, error: `bad JSON: ${e.message}` }) + '\n'); return; }
  let resp;
  try {
    const op = OPS[req.op];
    if (!op) throw new Error(`unknown op ${JSON.stringify(req.op)}`);
    resp = { id: req.id, ok: true, result: op(req) };
  } catch (e) {
    // bad input (the project's tsconfig.json) is reported as it is; a failure of ours with its stack
    resp = e && e.input ? { id: req.id, ok: false, input: true, error: e.message }
      : { id: req.id, ok: false, error: String((e && e.stack) || e).slice(0, 2000) };
  }
  process.stdout.write(JSON.stringify(resp) + '\n');
}
rl.on('close', () => { ready.then(() => { if (project) project.close(); process.exit(0); }); });
