'use strict';
// Which edits of a rejected trial group caused its new errors (Node helper, used by batch.js).
// A trial costs a full re-check of the file; the diagnostics of a rejected one say where the
// new errors are, which usually names the edits that brought them without more trials.
const ts = require('typescript');
const { nodeAt } = require('./shapes');

const IDENT = /^[A-Za-z_$][\w$]*/;
const DECLARED = /([A-Za-z_$][\w$]*)\??\s*:\s*$/;
const NAMED = /([A-Za-z_$][\w$]*)\??$/;

/**
 * Blame for one bisectApply run over `base` (the file's text before any edit). An error points
 * at, in order: the edit whose new text holds it; the edits on its line; the edits in the
 * declared type of what the error's expression reads, as the compiler resolves it (see
 * `declaredBy`); the edits declaring the name the error starts with (`x: any` -> `x: unknown`,
 * then an error at a use of `x`), those whose function holds the error first; every edit whose
 * innermost function (the file, outside functions) holds it. Pointing at one edit is "sure";
 * at several, "shared".
 */
class Blame {
  constructor(rel, base) {
    this.rel = rel; this.base = base; this.scopes = null; this.lines = null;
  }

  /**
   * {sure, plain, shared, clean} edits of `group` (rejected; the text now is `failedText`, with
   * `failedDiags`; the text before, with `kept` applied, had `beforeDiags`): edits some new error
   * points at alone (`plain`: from the edit's own text or line), other edits a new error points
   * at, the rest; null when no error is new or one points at no edit of the group.
   * `failedProgram()` gives {sf, checker} of the failed text: the checker resolves names.
   */
  split(group, kept, beforeDiags, failedDiags, failedText, failedProgram) {
    const known = new Map();
    for (const e of errorsAt(beforeDiags, kept)) known.set(e.key, (known.get(e.key) || 0) + 1);
    const fresh = errorsAt(failedDiags, [...kept, ...group]).filter((e) => {
      const n = known.get(e.key) || 0;
      known.set(e.key, n - 1);
      return n <= 0;
    });
    if (!fresh.length) return null;
    const sure = new Set(), blamed = new Set(), plain = new Set();
    const failed = new Failed([...kept, ...group], failedProgram);
    for (const err of fresh) {
      const { hit, local } = this.pointsAt(err, group, failedText, failed);
      if (!hit.length) return null;
      hit.forEach((e) => blamed.add(e));
      if (hit.length === 1) sure.add(hit[0]);
      if (hit.length === 1 && local) plain.add(hit[0]);
    }
    return {
      sure: group.filter((e) => sure.has(e)),
      plain: group.filter((e) => plain.has(e)),
      shared: group.filter((e) => blamed.has(e) && !sure.has(e)),
      clean: group.filter((e) => !blamed.has(e)),
    };
  }

  /** {hit: the edits `err` points at, local: whether it is in their text or on their line}. */
  pointsAt(err, group, failedText, failed) {
    if (err.global) return { hit: group.filter((e) => !this.scopeOf(e)), local: false };
    if (err.edit && group.includes(err.edit)) return { hit: [err.edit], local: true };
    const line = this.lineOf(err.pos);
    const onLine = group.filter((e) => this.lineOf(e.start) <= line && line <= this.lineOf(e.end));
    if (onLine.length) return { hit: onLine, local: true };
    const declared = failed ? failed.declaredBy(err, group) : [];
    // not `local`: such an edit still gets its second chance alone (on qs, two of those
    // compiled once the rest was in: 2 fewer `any` for 45 more re-checks)
    if (declared.length) return { hit: declared, local: false };
    const inScope = group.filter((e) => this.covers(e, err.pos));
    const name = (IDENT.exec(failedText.slice(err.at)) || [])[0];
    const declaring = name ? group.filter((e) => this.declares(e) === name) : [];
    const near = declaring.filter((e) => inScope.includes(e));
    return { hit: near.length ? near : declaring.length ? declaring : inScope, local: false };
  }

  /** The name whose type annotation edit `e` writes (`x: any` -> `x: unknown`, `x` -> `x: T`). */
  declares(e) {
    const before = this.base.slice(Math.max(0, e.start - 80), e.start);
    if (e.start === e.end && /^\??\s*:/.test(e.text || '')) return (NAMED.exec(before) || [])[1];
    return (DECLARED.exec(before) || [])[1];
  }

  lineOf(pos) {
    if (!this.lines) this.lines = ts.computeLineStarts(this.base);
    return ts.computeLineOfPosition(this.lines, Math.min(pos, this.base.length));
  }

  scopeOf(e) {
    if (!this.scopes) this.scopes = functionSpans(this.rel, this.base);
    let best = null;
    for (const s of this.scopes) if (s.start <= e.start && e.end <= s.end && (!best || s.start >= best.start)) best = s;
    return best;
  }

  /** Whether the innermost function around edit `e` (the whole file outside functions) holds `pos`. */
  covers(e, pos) {
    const s = this.scopeOf(e);
    return !s || (s.start <= pos && pos < s.end);
  }
}

/**
 * The failed trial's text as the compiler sees it: which edits of a group declare the type of
 * what an error reads. Positions here are in the failed text (every applied edit in place).
 */
class Failed {
  constructor(applied, program) {
    this.program = program; this.sf = null; this.checker = null;
    // each applied edit's span in the failed text, by the (outer) edit it belongs to
    this.spans = [];
    let delta = 0;
    for (const e of flatten(applied)) {
      const at = e.start + delta;
      this.spans.push({ outer: e.outer, start: at, end: at + e.text.length });
      delta += e.text.length - (e.end - e.start);
    }
  }

  /**
   * The edits of `group` in the declared type of what `err`'s expression reads, as the compiler
   * resolves it: `'options.decoder' is of type 'unknown'` points at the edit in `decoder: any`
   * alone, also through untyped variables and object-literal properties (whose type is their
   * initializer's), conditionals, logical operators and calls (the callee's return type).
   * Empty when the error is not an expression or no such edit is found.
   */
  declaredBy(err, group) {
    if (!this.program || err.length === undefined) return [];
    if (!this.sf) ({ sf: this.sf, checker: this.checker } = this.program());
    if (!this.sf) return [];
    const inGroup = new Set(group), hit = new Set();
    this.readExpr(nodeAt(this.sf, err.at, Math.max(err.length, 1)), inGroup, hit, 0);
    return group.filter((e) => hit.has(e));
  }

  readExpr(n, inGroup, hit, depth) {
    if (!n || depth > 4) return;
    if (ts.isIdentifier(n)) return this.readSymbol(this.symbolAt(n), inGroup, hit, depth);
    if (ts.isPropertyAccessExpression(n)) {
      const before = hit.size;
      this.readSymbol(this.symbolAt(n.name), inGroup, hit, depth);
      if (hit.size === before) this.readExpr(n.expression, inGroup, hit, depth);
      return;
    }
    if (ts.isAsExpression(n) || ts.isTypeAssertionExpression(n)) {
      const before = hit.size;
      this.editsOver(n.type.getStart(this.sf), n.type.end, inGroup, hit);
      if (hit.size === before) this.readExpr(n.expression, inGroup, hit, depth);
      return;
    }
    if (ts.isElementAccessExpression(n) || ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n) || ts.isAwaitExpression(n)) {
      return this.readExpr(n.expression, inGroup, hit, depth);
    }
    if (ts.isConditionalExpression(n)) {
      this.readExpr(n.whenTrue, inGroup, hit, depth);
      return this.readExpr(n.whenFalse, inGroup, hit, depth);
    }
    if (ts.isBinaryExpression(n)) {
      if (n.operatorToken.kind !== ts.SyntaxKind.CommaToken) this.readExpr(n.left, inGroup, hit, depth);
      return this.readExpr(n.right, inGroup, hit, depth);
    }
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) return this.readSymbol(this.symbolAt(n.expression), inGroup, hit, depth);
  }

  symbolAt(n) {
    const at = ts.isPropertyAccessExpression(n) ? n.name : n;
    try { return this.checker.getSymbolAtLocation(at); } catch (e) { return undefined; }
  }

  readSymbol(sym, inGroup, hit, depth) {
    for (const d of (sym && sym.declarations) || []) {
      if (d.getSourceFile() !== this.sf) continue;
      const type = declaredType(d);
      if (type) { this.editsOver(type.getStart(this.sf), type.end, inGroup, hit); continue; }
      if (ts.isShorthandPropertyAssignment(d)) {
        this.readSymbol(this.checker.getShorthandAssignmentValueSymbol(d), inGroup, hit, depth + 1);
      } else if (d.initializer && !ts.isFunctionLike(d.initializer) && !ts.isClassLike(d.initializer)) {
        this.readExpr(d.initializer, inGroup, hit, depth + 1);
      }
    }
  }

  editsOver(start, end, inGroup, hit) {
    for (const s of this.spans) {
      if (inGroup.has(s.outer) && ((s.start < end && s.end > start) || (s.start === s.end && start <= s.start && s.start < end))) hit.add(s.outer);
    }
  }
}

/** The type a declaration states: its annotation, or its function initializer's return type. */
function declaredType(d) {
  if (d.type && ts.isTypeNode(d.type)) return d.type;
  const init = d.initializer;
  return init && ts.isFunctionLike(init) ? init.type || null : null;
}

/** [{start, end, text, outer}] of the applied edits (groups opened), by position. */
function flatten(applied) {
  return applied.flatMap((x) => (x.group || [x]).map((e) => ({ ...e, outer: x }))).sort((a, b) => a.start - b.start);
}

/** [{start, end}] of every function-like node with a body in `text`. */
function functionSpans(rel, text) {
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true);
  const out = [];
  (function visit(n) {
    if (ts.isFunctionLike(n) && n.body) out.push({ start: n.getStart(sf), end: n.end });
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

/**
 * Errors of a text made from the original by `applied` edits, placed in the original's
 * coordinates: {key: code@position, pos, at (position in the text), edit (the applied edit
 * whose new text holds it)}.
 */
function errorsAt(diagnostics, applied) {
  const flat = flatten(applied);
  const out = [];
  for (const d of diagnostics) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    if (d.start === undefined) { out.push({ key: `${d.code}@global`, pos: -1, at: 0, edit: null, global: true }); continue; }
    let delta = 0, pos = null, edit = null;
    for (const e of flat) {
      const at = e.start + delta;
      if (d.start < at) break;
      if (d.start < at + e.text.length) { pos = e.start; edit = e.outer; break; }
      delta += e.text.length - (e.end - e.start);
    }
    if (pos === null) pos = d.start - delta;
    out.push({ key: `${d.code}@${pos}`, pos, at: d.start, length: d.length, edit });
  }
  return out;
}

module.exports = { Blame };
