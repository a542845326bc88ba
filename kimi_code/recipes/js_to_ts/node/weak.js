'use strict';
// Which written types say little (Node helper): the passes that look for better types start
// from these. `any`, `unknown`, arrays of them, and the member shapes the cast pass writes
// (`{ a: unknown; m(...args: unknown[]): unknown }`) when nothing better was known.
const ts = require('typescript');

const KEYWORDS = new Set([ts.SyntaxKind.AnyKeyword, ts.SyntaxKind.UnknownKeyword]);

function unknownMember(m) {
  if (ts.isPropertySignature(m)) return !!m.type && m.type.kind === ts.SyntaxKind.UnknownKeyword;
  if (ts.isMethodSignature(m)) return !!m.type && m.type.kind === ts.SyntaxKind.UnknownKeyword;
  return false;
}

/** Whether type node `t` is `any`/`unknown`, an array of them, or (with `shapes`) an all-unknown shape. */
function isWeak(t, shapes = false) {
  if (!t) return false;
  if (KEYWORDS.has(t.kind)) return true;
  if (ts.isArrayTypeNode(t)) return KEYWORDS.has(t.elementType.kind);
  return shapes && ts.isTypeLiteralNode(t) && t.members.length > 0 && t.members.every(unknownMember);
}

/**
 * The declarations of `sf` that `keyed` accepts, keyed by name and ordinal (`options#2`, the
 * third one named `options`): the passes' type edits move positions but never change this
 * order, so a key names the same declaration after an edit. With `skipTypes`, declarations
 * inside type nodes are not visited; `also(node, keys)` may add keys of its own on the way.
 */
function nameKeys(sf, keyed, { skipTypes = false, also = null } = {}) {
  const keys = new Map(), ordinal = new Map();
  (function visit(n) {
    if (skipTypes && ts.isTypeNode(n)) return;
    if (also) also(n, keys);
    if (keyed(n) && ts.isIdentifier(n.name)) {
      const k = ordinal.get(n.name.text) || 0;
      ordinal.set(n.name.text, k + 1);
      keys.set(n, `${n.name.text}#${k}`);
    }
    ts.forEachChild(n, visit);
  })(sf);
  return keys;
}

/** Every parameter of `sf` keyed by name and ordinal (see `nameKeys`). */
const paramKeys = (sf) => nameKeys(sf, ts.isParameter);

module.exports = { isWeak, nameKeys, paramKeys };
