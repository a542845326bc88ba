'use strict';

export const add = function add(a: any, b: unknown) {
  return a + b;
};

export const double = function double(n: unknown) {
  return add(n, n);
};
