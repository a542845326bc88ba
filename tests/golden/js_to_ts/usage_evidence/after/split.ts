'use strict';

function split(str: string, options: { separator: string; limit: number; }) {
  var parts = str.split(options.separator);
  if (parts.length > options.limit) {
    throw new RangeError('more than ' + options.limit + ' parts');
  }
  return parts;
}

export = function parse(str: unknown, separator: unknown, limit: unknown) {
  return split(String(str), { separator: String(separator || '&'), limit: Number(limit) });
};
