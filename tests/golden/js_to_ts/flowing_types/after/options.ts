'use strict';

// the options every entry point accepts, with their defaults filled in
function normalizeOptions(opts?: { delimiter?: unknown; depth?: unknown; allowDots?: boolean; parameterLimit?: unknown; strictNullHandling?: boolean; prefix?: unknown; }) {
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

function split(text: string, opts?: Parameters<typeof normalizeOptions>[0]) {
  var options = normalizeOptions(opts);
  return text.split(options.delimiter).slice(0, options.parameterLimit);
}

function pad(width: number) {
  return ' '.repeat(width);
}

// passed on through Function.prototype.call
function indent(depth: number) {
  return pad.call(null, depth);
}

export = { split: split, indent: indent };
