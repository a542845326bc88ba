'use strict';

// exported as the module itself: callers name it as they like
export = function pad(text: number, width: number, fill?: unknown) {
  var out = String(text);
  while (out.length < width) out = (fill || ' ') + out;
  return out;
};
