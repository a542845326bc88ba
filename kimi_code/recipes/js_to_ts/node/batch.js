'use strict';
// Batched trial edits (Node helper): each compiler re-check of a file costs a new program and
// checker, so edits are tried together and split in halves only when a group is rejected.
// Edits are {start, end, text} on the file's current text and must not overlap.

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

/**
 * Apply as many of `edits` as `accept(newErrors, oldErrors)` allows, halving rejected groups.
 * Returns the number of edits kept. Higher halves go first so lower offsets stay valid.
 */
function bisectApply(project, rel, edits, accept) {
  let kept = 0;
  const attempt = (group) => {
    if (!group.length) return;
    const before = project.text(rel), errs = project.errorCount(rel);
    project.setText(rel, applyAll(before, group));
    if (accept(project.errorCount(rel), errs, group.length)) { kept += group.length; return; }
    project.setText(rel, before);
    if (group.length === 1) return;
    const mid = group.length >> 1;
    attempt(group.slice(mid));
    attempt(group.slice(0, mid));
  };
  attempt(nonOverlapping(edits));
  return kept;
}

/** A group edit from several text changes (ts.TextChange[]). */
function groupOf(changes) {
  const group = changes.map((c) => ({ start: c.span.start, end: c.span.start + c.span.length, text: c.newText }));
  return { start: Math.min(...group.map((e) => e.start)), end: Math.max(...group.map((e) => e.end)), group };
}

module.exports = { groupOf, diffEdit, applyAll, bisectApply, nonOverlapping };
