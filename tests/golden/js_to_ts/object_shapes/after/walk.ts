'use strict';

// `state` gains `isLeaf` and `notLeaf` after it is made, from inside a nested function; its
// literal holds a JSON value, which has no type to write out as the variable's
export = function walk(node: unknown, visit: (arg0: { node: unknown; keys: null; meta: unknown; }) => void) {
  var state = {
    node: node,
    keys: null as string[] | null,
    meta: JSON.parse(JSON.stringify({ depth: 0 })),
  };

  function refresh() {
    if (typeof state.node === 'object' && state.node !== null) {
      state.keys = Object.keys(state.node);
      ;(state as typeof state & { isLeaf?: boolean }).isLeaf = state.keys.length === 0;
    } else {
      ;(state as typeof state & { isLeaf?: boolean }).isLeaf = true;
    }
    ;(state as typeof state & { notLeaf?: boolean }).notLeaf = !(state as typeof state & { isLeaf?: boolean }).isLeaf;
  }

  refresh();
  visit((state as { node: unknown; keys: null; meta: unknown; }));
  return state;
};
