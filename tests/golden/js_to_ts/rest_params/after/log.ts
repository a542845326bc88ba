'use strict';
const debug = process.env.DEBUG ? (...args: unknown[]) => console.error('X', ...args) : () => {};
export = function log(name: unknown) {
  debug('log', name);
  return String(name);
};
