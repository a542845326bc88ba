'use strict';
// Batched trial edits (Node helper): each compiler re-check of a file costs a new program and
// checker, so edits are tried together and a rejected group is split by what its diagnostics
// blame (blame.js), or in halves.
// Edits are {start, end, text} on the file's current text and must not overlap.
const path = require('path');
const ts = require('typescript');
const { Blame } = require('./blame');

/** The edit that turns `before` into `after` (common prefix and suffix removed). */
function diffEdit(before, after) {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return { start: p, end: before.length - s, text: after.slice(p, after.length - s) };
}

function applyAll(text, edits) {
  // same-position insertions keep their listed order: the later one is applied first
  const flat = [...edits].flatMap((x) => x.group || [x]).map((e, i) => [e, i]);
  for (const [e] of flat.sort((a, b) => b[0].start - a[0].start || b[1] - a[1])) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

function nonOverlapping(edits) {
  const out = [];
  // a group ({start, end, group: [edits]}) is placed by its overall span
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    if (out.length && e.start < out[out.length - 1].end) continue;
    if (out.length && e.start === out[out.length - 1].start && e.end === e.start && out[out.length - 1].end === e.start) continue;
    out.push(e);
  }
  return out;
}

// literals whose text a pass never edits (where `//` and `/*` do not open a comment either)
const LITERALS = new Set([
  ts.SyntaxKind.StringLiteral, ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle, ts.SyntaxKind.TemplateTail, ts.SyntaxKind.RegularExpressionLiteral, ts.SyntaxKind.JsxText,
]);
const lastRanges = new Map(); // rel -> {text, ranges}: passes try the same text again and again

/**
 * The comments and literals of `text` (strings, templates, regular expressions, JSX text) as
 * sorted [start, end) ranges. The parser places the literals, which may hold `//` or `/*`;
 * elsewhere those open a comment.
 */
function textRanges(rel, text) {
  const last = lastRanges.get(rel);
  if (last && last.text === text) return last.ranges;
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, false);
  const literals = [];
  (function visit(n) {
    if (LITERALS.has(n.kind)) literals.push([n.getStart(sf), n.end]);
    ts.forEachChild(n, visit);
  })(sf);
  literals.sort((a, b) => a[0] - b[0]);
  const ranges = [];
  let li = 0;
  for (let i = text.indexOf('/'); i >= 0 && i < text.length; i = text.indexOf('/', i)) {
    while (li < literals.length && literals[li][1] <= i) ranges.push(literals[li++]);
    if (li < literals.length && literals[li][0] <= i) { i = literals[li][1]; continue; }
    let end = i + 1;
    if (text[i + 1] === '/') { end = text.indexOf('\n', i); if (end < 0) end = text.length; }
    else if (text[i + 1] === '*') { end = text.indexOf('*/', i + 2); end = end < 0 ? text.length : end + 2; }
    if (end > i + 1) ranges.push([i, end]);
    i = end;
  }
  ranges.push(...literals.slice(li));
  lastRanges.set(rel, { text, ranges });
  return ranges;
}

/** Whether `pos` is strictly inside one of `ranges` (sorted [start, end) pairs), not at its edges. */
function inside(ranges, pos) {
  let lo = 0, hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, [start, end] = ranges[mid];
    if (pos <= start) hi = mid - 1; else if (pos >= end) lo = mid + 1; else return true;
  }
  return false;
}

/**
 * `edits` without those that begin or end inside a comment or a literal's text (a group: when
 * one of its edits does). No pass means to write there: an edit placed by positions of an
 * older text can land in one, and a comment compiles whatever it says, a string whatever it
 * holds (a suppression line inserted inside a template that spans lines would change its
 * value). A code fix's group (`groupOf`) is TypeScript's own and is kept.
 */
function outsideText(rel, text, edits) {
  if (edits.every((e) => e.fix)) return edits;
  const ranges = textRanges(rel, text);
  const clear = (e) => !(inside(ranges, e.start) || inside(ranges, e.end));
  return edits.filter((e) => e.fix || (e.group ? e.group.every(clear) : clear(e)));
}

/**
 * Apply as many of `edits` as `accept(newErrors, oldErrors, groupSize)` allows, splitting
 * rejected groups. Returns the number of edits kept.
 *
 * Every trial is a full re-check of the file, so a rejected group is split by what its own
 * diagnostics show (see `Blame`): an edit that a new error points at alone (the error is in the
 * edit's own text, or in a function where no other edit of the group is) is set aside untried;
 * the edits no new error points at are tried before those sharing the blame. When some new
 * error points at no edit of the group (or none is new), the group is split in halves, higher
 * half first (always for code-fix groups, whose effects interact). The edits set aside get a second chance at the end: as one group on top of what
 * was kept (usually the very text already rejected, so the memo answers), then, if rejected,
 * one by one, highest first, except those a new error on their own line or in their own text
 * still points at alone. Each trial text is the original text with the kept edits and the
 * group applied. An edit inside a comment or a literal is dropped untried (see `outsideText`).
 * The kept edits are also pushed to `keptOut`, when given.
 */
function bisectApply(project, rel, edits, accept, keptOut) {
  const base = project.text(rel), all = nonOverlapping(outsideText(rel, base, edits)), kept = new Set();
  const order = new Map(all.map((e, i) => [e, i]));
  const sorted = (list) => [...list].sort((a, b) => order.get(a) - order.get(b));
  // code-fix groups (inference from usage) interact too much for blame: they are halved
  const blame = all.some((e) => e.group) ? null : new Blame(rel, base);
  const setAside = [];
  const attempt = (group, last) => {
    if (!group.length) return;
    const before = project.text(rel), errs = project.errorCount(rel), was = sorted(kept);
    const beforeDiags = project.diagnostics(rel);
    project.setText(rel, applyAll(base, sorted([...kept, ...group])));
    if (accept(project.errorCount(rel), errs, group.length)) { group.forEach((e) => kept.add(e)); return; }
    const failed = () => { const prog = project.program(); return { sf: prog.getSourceFile(project.abs(rel)), checker: prog.getTypeChecker() }; };
    const split = group.length > 1 && blame ? blame.split(group, was, beforeDiags, project.diagnostics(rel), project.text(rel), failed) : null;
    project.setText(rel, before);
    if (group.length === 1) return;
    if (last) {
      for (const e of [...group].reverse()) if (!split || !split.plain.includes(e)) attempt([e], true);
    } else if (split && split.sure.length) {
      setAside.push(...split.sure);
      attempt(group.filter((e) => !split.sure.includes(e)), false);
    } else if (split && split.clean.length) {
      attempt(split.clean, false);
      attempt(split.shared, false);
    } else {
      attempt(group.slice(group.length >> 1), false);
      attempt(group.slice(0, group.length >> 1), false);
    }
  };
  attempt(all, false);
  attempt(sorted(setAside), true);
  if (keptOut) keptOut.push(...sorted(kept));
  return kept.size;
}

/**
 * A `bisectApply` acceptance: the file's errors do not rise, nor those `others` have now (the
 * files that see the declarations being typed).
 */
function acceptAlong(project, others) {
  const before = new Map(others.map((o) => [o, project.errorCount(o)]));
  return (now, errs) => now <= errs && others.every((o) => project.errorCount(o) <= before.get(o));
}

/**
 * The other checked files of the project that may import `rel` (their text names its base
 * name in a module specifier): a parameter's, a member's or a `this` type is seen by callers
 * there, so a candidate must not raise their error counts either.
 */
function importers(project, rel) {
  const base = path.posix.basename(rel).replace(/\.[cm]?[jt]sx?$/, '').replace(/[$.]/g, '\\$&');
  const re = new RegExp(`['"][^'"\\n]*\\b${base}(\\.[cm]?[jt]sx?)?['"]`);
  const out = [];
  for (const f of project.scriptFileNames()) {
    const other = project.rel(f);
    if (other !== rel && /\.[cm]?tsx?$/.test(other) && !/\.d\.[cm]?ts$/.test(other) && re.test(project.text(other) || '')) out.push(other);
  }
  return out;
}

/** Whether `rel`'s text parses without errors (a trial that trades an error for a syntax error is no fix). */
function parsesCleanly(project, rel) {
  const sf = ts.createSourceFile(project.abs(rel), project.text(rel), ts.ScriptTarget.Latest);
  return sf.parseDiagnostics.length === 0;
}

/** One edit of several ({start, end, text}), tried and kept together, placed by its overall span. */
function editGroup(group) {
  return { start: Math.min(...group.map((e) => e.start)), end: Math.max(...group.map((e) => e.end)), group };
}

/** A group edit from a code fix's text changes (ts.TextChange[]). */
function groupOf(changes) {
  const group = changes.map((c) => ({ start: c.span.start, end: c.span.start + c.span.length, text: c.newText }));
  return { ...editGroup(group), fix: true };
}

module.exports = { groupOf, editGroup, diffEdit, applyAll, bisectApply, nonOverlapping, acceptAlong, importers, parsesCleanly };
