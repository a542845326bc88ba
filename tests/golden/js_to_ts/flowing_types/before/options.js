'use strict';

// the options every entry point accepts, with their defaults filled in
function normalizeOptions(opts) {
  if (!opts) {
    return { delimiter: '&', depth: 5, allowDots: false, parameterLimit: 1000, strictNullHandling: false, prefix: '' };
  }
  return {
    delimiter: typeof opts.delimiter === 'string' ? opts.delimiter : '&',
    depth: typeof opts.depth === 'number' ? opts.depth : 5,
    allowDots: opts.allowDots === true,
    parameterLimit: typeof opts.parameterLimit === 'number' ? opts.parameterLimit : 1000,
    strictNullHandling: opts.strictNullHandling === true,
    prefix: opts.prefix === undefined ? '' : String(opts.prefix)
  };
}

function split(text, opts) {
  var options = normalizeOptions(opts);
  return text.split(options.delimiter).slice(0, options.parameterLimit);
}

function pad(width) {
  return ' '.repeat(width);
}

// passed on through Function.prototype.call
function indent(depth) {
  return pad.call(null, depth);
}

module.exports = { split: split, indent: indent };
