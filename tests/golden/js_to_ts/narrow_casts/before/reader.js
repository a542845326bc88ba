'use strict';

const { read, sizeOf } = require('./versions');

// `sizeOf` takes a Box, a class this file does not import, and `read` may return null: the
// argument needs only a non-null assertion
function readSize(text) {
  const box = read(text);
  return sizeOf(box);
}

module.exports = { readSize };
