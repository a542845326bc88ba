'use strict';

module.exports = function flags(args, prefix) {
  var p = String(prefix);
  var out = [];
  for (var i = 0; i < args.length; i++) {
    if (args[i].indexOf(p) === 0) out.push(args[i].slice(p.length));
  }
  return out;
};
