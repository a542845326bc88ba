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

module.exports = { retry, firstLine, Box, wrap, boxedSize, read, sizeOf, seconds, Spec, spec };
