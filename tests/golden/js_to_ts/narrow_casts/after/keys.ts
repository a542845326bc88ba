'use strict';

// every own key of an object, names and symbols
function ownKeys(target: { a: number; }) {
  return (Object.getOwnPropertyNames(target) as (string | symbol)[]).concat((Object.getOwnPropertySymbols(target)));
}

/**
 * A copy of a path with one more step.
 * @param {Array<string | number>} path
 * @param {string | number} step
 */
function extend(path: Array<string | number>, step: string | number) {
  var copy: (string | number)[] = ([] as (string | number)[]).concat((path));
  copy.push(step);
  return copy;
}

export = { ownKeys: ownKeys, extend: extend, depth: extend([1, 'a'], 2).length + ownKeys({ a: 1 }).length };
