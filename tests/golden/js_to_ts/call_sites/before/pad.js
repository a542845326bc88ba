'use strict';

// exported as the module itself: callers name it as they like
module.exports = function pad(text, width, fill) {
  var out = String(text);
  while (out.length < width) out = (fill || ' ') + out;
  return out;
};
