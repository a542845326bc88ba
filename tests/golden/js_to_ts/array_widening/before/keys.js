'use strict';

module.exports = function ownKeys(obj) {
  var res = Object.keys(obj);
  var symbols = Object.getOwnPropertySymbols(obj);
  for (var i = 0; i < symbols.length; i++) {
    if (Object.prototype.propertyIsEnumerable.call(obj, symbols[i])) {
      res[res.length] = symbols[i];
    }
  }
  var extra = Object.keys(obj);
  extra.push(Symbol.iterator);
  return res.concat(extra);
};
