'use strict';

exports.add = function add(a, b) {
  return a + b;
};

exports.double = function double(n) {
  return exports.add(n, n);
};
