'use strict';

function retry(fn, limit) {
  let tries = 0;
  for (;;) {
    try {
      return fn();
    } catch (failures) {
      tries = failures + 1;
      if (tries > limit) throw new Error('gave up after ' + tries);
    }
  }
}

function firstLine(fn) {
  try {
    return fn();
  } catch (message) {
    return message.trim().split('\n')[0];
  }
}

class Box {
  constructor(value) {
    this.value = value;
  }

  size() {
    return String(this.value).length;
  }
}

function wrap(value, boxed) {
  return boxed ? new Box(value) : String(value);
}

function boxedSize(value) {
  return wrap(value, true).size();
}

// `read` may return null
function read(text) {
  return text ? new Box(text) : null;
}

/** @param {Box} box */
function sizeOf(box) {
  return box.size();
}

// indexed by any string: the key is asserted to be one of the table's, the value stays a number
const UNITS = { s: 1, m: 60, h: 3600 };

function seconds(count, unit) {
  return count * UNITS[String(unit)];
}

// a prototype-style constructor, called with `new`
function Spec(text) {
  this.text = String(text);
  this.size = this.text.length;
}

Spec.prototype.toString = function () {
  return this.text;
};

function spec(text) {
  return new Spec(text);
}

// a constructor that takes more than its parameters say
function Range(low) {
  this.low = Number(low);
  this.high = arguments.length > 1 ? Number(arguments[1]) : this.low;
}

function range(low, high) {
  return new Range(low, high);
}

// a constructor given an object of the parts a pattern matched
var SIZE = /^(\d+)x(\d+)?$/;

function size(text) {
  var m = SIZE.exec(text);
  if (!m) throw new Error('not a size: ' + text);
  return new Size({ width: m[1], height: m[2] });
}

function Size(parts) {
  this.width = +parts.width;
  this.height = parts.height === undefined ? this.width : +parts.height;
}

module.exports = { size, retry, firstLine, Box, wrap, boxedSize, read, sizeOf, seconds, Spec, spec, Range, range };
