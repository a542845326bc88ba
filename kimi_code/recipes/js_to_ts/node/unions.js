'use strict';
// Element types for the `any[]` that TypeScript's inference from usage leaves in a parameter's
// union (Node helper, polish round): from `ps.length` and `ps[i]`, which a string and an array
// both have, it infers `ps: string | any[]`. The union is kept and its array gets an element
// type, `string | string[]` or `string | number[]`, where neither this file's compiler errors
// nor those of the files that import it rise.
const ts = require('typescript');
const { bisectApply } = require('./batch');
const { importers } = require('./members');

const ELEMENTS = ['string', 'number'];

/** Parameters of `sf` typed with a union that has one `any[]` member: [{param, array}]. */
function anyArrayUnions(sf) {
  const out = [];
  (function visit(n) {
    if (ts.isParameter(n) && n.type && ts.isUnionTypeNode(n.type)) {
      const arrays = n.type.types.filter((t) => ts.isArrayTypeNode(t) && t.elementType.kind === ts.SyntaxKind.AnyKeyword);
      if (arrays.length === 1) out.push({ param: n, array: arrays[0] });
    }
    ts.forEachChild(n, visit);
  })(sf);
  return out;
}

/** Type the `any[]` of each such parameter of `rel` where it compiles; returns how many. */
function typeArrayUnions(project, rel) {
  let kept = 0, skip = 0;
  const others = importers(project, rel);
  const before = new Map(others.map((o) => [o, project.errorCount(o)]));
  const accept = (now, errs) => now <= errs && others.every((o) => project.errorCount(o) <= before.get(o));
  for (let round = 0; round < 40; round++) {
    const sf = project.sourceFile(rel), target = anyArrayUnions(sf)[skip];
    if (!target) break;
    const { start, end } = { start: target.array.elementType.getStart(sf), end: target.array.elementType.getEnd() };
    const edits = ELEMENTS.map((text) => [{ start, end, text }]);
    if (edits.some((group) => bisectApply(project, rel, group, accept))) kept++;
    else skip++;
  }
  return kept;
}

module.exports = { typeArrayUnions };
