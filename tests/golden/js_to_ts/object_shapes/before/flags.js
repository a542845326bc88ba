'use strict';

module.exports = function parseFlags(names) {
  const seen = {};
  names.forEach(function (name) {
    seen[name] = true;
  });
  const result = { count: 0 };
  result.count = names.length;
  result.first = names[0];
  return { seen, result };
};
