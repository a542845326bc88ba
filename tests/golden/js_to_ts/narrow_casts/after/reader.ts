'use strict';

import versions_1 = require('./versions');
const { read, sizeOf } = versions_1;

// `sizeOf` takes a Box, a class this file does not import, and `read` may return null: the
// argument needs only a non-null assertion
function readSize(text: unknown) {
  const box = read(text);
  return sizeOf(box!);
}

export = { readSize };
