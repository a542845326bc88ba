'use strict';

// every own key of an object, names and symbols
function ownKeys(target) {
  return Object.getOwnPropertyNames(target).concat(Object.getOwnPropertySymbols(target));
}

/**
 * A copy of a path with one more step.
 * @param {Array<string | number>} path
 * @param {string | number} step
 */
function extend(path, step) {
  var copy = [].concat(path);
  copy.push(step);
  return copy;
}

module.exports = { ownKeys: ownKeys, extend: extend, depth: extend([1, 'a'], 2).length + ownKeys({ a: 1 }).length };
