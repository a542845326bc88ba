'use strict';
// Which edits of a rejected trial group caused its new errors (Node helper, used by batch.js).
// A trial costs a full re-check of the file; the diagnostics of a rejected one say where the
// new errors are, which usually names the edits that brought them without more trials.
const ts = require('typescript');

const IDENT = /^[A-Za-z_$][\w$]*/;
const DECLARED = /([A-Za-z_$][\w$]*)\??\s*:\s*$/;
const NAMED = /([A-Za-z_$][\w$]*)\??$/;

/**
 * Blame for one bisectApply run over `base` (the file's text before any edit). An error points
 * at, in order: the edit whose new text holds it; the edits on its line; the edits declaring
 * the name the error starts with (`x: any` -> `x: unknown`, then an error at a use of `x`),
 * those whose function holds the error first; every edit whose innermost function (the file,
 * outside functions) holds it. Pointing at one edit is "sure"; at several, "shared".
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
   */
  split(group, kept, beforeDiags, failedDiags, failedText) {
    const known = new Map();
    for (const e of errorsAt(beforeDiags, kept)) known.set(e.key, (known.get(e.key) || 0) + 1);
    const fresh = errorsAt(failedDiags, [...kept, ...group]).filter((e) => {
      const n = known.get(e.key) || 0;
      known.set(e.key, n - 1);
      return n <= 0;
    });
    if (!fresh.length) return null;
    const sure = new Set(), blamed = new Set(), plain = new Set();
    for (const err of fresh) {
      const { hit, local } = this.pointsAt(err, group, failedText);
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
  pointsAt(err, group, failedText) {
    if (err.global) return { hit: group.filter((e) => !this.scopeOf(e)), local: false };
    if (err.edit && group.includes(err.edit)) return { hit: [err.edit], local: true };
    const line = this.lineOf(err.pos);
    const onLine = group.filter((e) => this.lineOf(e.start) <= line && line <= this.lineOf(e.end));
    if (onLine.length) return { hit: onLine, local: true };
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
  const flat = applied.flatMap((x) => (x.group || [x]).map((e) => ({ ...e, outer: x }))).sort((a, b) => a.start - b.start);
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
    out.push({ key: `${d.code}@${pos}`, pos, at: d.start, edit });
  }
  return out;
}

module.exports = { Blame };
