'use strict';

function split(str, options) {
  var parts = str.split(options.separator);
  if (parts.length > options.limit) {
    throw new RangeError('more than ' + options.limit + ' parts');
  }
  return parts;
}

module.exports = function parse(str, separator, limit) {
  return split(String(str), { separator: String(separator || '&'), limit: Number(limit) });
};
