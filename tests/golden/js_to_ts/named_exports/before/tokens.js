'use strict';

exports = module.exports = {};

const re = exports.re = [];
const src = exports.src = [];
let count = 0;

const createToken = (name, value) => {
  const index = count++;
  src[index] = value;
  re[index] = new RegExp(value);
  return index;
};

exports.NUMBER = createToken('NUMBER', '\\d+');
exports.WORD = createToken('WORD', '[a-z]+');
exports.trimReplace = '$1';
