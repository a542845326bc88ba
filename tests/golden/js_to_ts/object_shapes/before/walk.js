'use strict';

// `state` gains `isLeaf` and `notLeaf` after it is made, from inside a nested function; its
// literal holds a JSON value, which has no type to write out as the variable's
module.exports = function walk(node, visit) {
  var state = {
    node: node,
    keys: null,
    meta: JSON.parse(JSON.stringify({ depth: 0 })),
  };

  function refresh() {
    if (typeof state.node === 'object' && state.node !== null) {
      state.keys = Object.keys(state.node);
      state.isLeaf = state.keys.length === 0;
    } else {
      state.isLeaf = true;
    }
    state.notLeaf = !state.isLeaf;
  }

  refresh();
  visit(state);
  return state;
};
