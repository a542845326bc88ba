'use strict';

export = function ownKeys(obj: {}) {
  var res: (string | symbol)[] = Object.keys(obj);
  var symbols = Object.getOwnPropertySymbols(obj);
  for (var i = 0; i < symbols.length; i++) {
    if (Object.prototype.propertyIsEnumerable.call(obj, symbols[i])) {
      res[res.length] = symbols[i];
    }
  }
  var extra: (string | symbol)[] = Object.keys(obj);
  extra.push(Symbol.iterator);
  return res.concat(extra);
};
