'use strict';

function retry(fn: () => unknown, limit: number) {
  let tries = 0;
  for (;;) {
    try {
      return fn();
    } catch (failures) {
      tries = (failures as number) + 1;
      if (tries > limit) throw new Error('gave up after ' + tries);
    }
  }
}

function firstLine(fn: () => unknown) {
  try {
    return fn();
  } catch (message) {
    return (message as string).trim().split('\n')[0];
  }
}

class Box {
  declare value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }

  size() {
    return String(this.value).length;
  }
}

function wrap(value: unknown, boxed?: boolean) {
  return boxed ? new Box(value) : String(value);
}

function boxedSize(value: unknown) {
  return (wrap(value, true) as Box).size();
}

// `read` may return null
function read(text?: unknown) {
  return text ? new Box(text) : null;
}

/** @param {Box} box */
function sizeOf(box: Box) {
  return box.size();
}

// indexed by any string: the key is asserted to be one of the table's, the value stays a number
const UNITS = { s: 1, m: 60, h: 3600 };

function seconds(count: number, unit: unknown) {
  return count * UNITS[String(unit) as keyof typeof UNITS];
}

// a prototype-style constructor, called with `new`
function Spec(this: Spec, text: unknown) {
  this.text = String(text);
  this.size = this.text.length;
}

interface Spec {
  text: string;
  size: number;
}

Spec.prototype.toString = function () {
  return this.text;
};

function spec(text: unknown) {
  return new (Spec as unknown as new (...args: Parameters<typeof Spec>) => Spec)(text);
}

// a constructor that takes more than its parameters say
function Range(this: Range, low: unknown) {
  this.low = Number(low);
  this.high = arguments.length > 1 ? Number(arguments[1]) : this.low;
}

interface Range {
  low: number;
  high: unknown;
}

function range(low: unknown, high: unknown) {
  return new (Range as unknown as new (...args: unknown[]) => Range)(low, high);
}

// a constructor given an object of the parts a pattern matched
var SIZE = /^(\d+)x(\d+)?$/;

function size(text: string) {
  var m = SIZE.exec(text);
  if (!m) throw new Error('not a size: ' + text);
  return new (Size as unknown as new (...args: Parameters<typeof Size>) => Size)({ width: m[1], height: m[2] });
}

function Size(this: Size, parts: { width: string; height?: string; }) {
  this.width = +parts.width;
  this.height = parts.height === undefined ? this.width : +parts.height;
}

interface Size {
  width: number;
  height: unknown;
}

export = { size, retry, firstLine, Box, wrap, boxedSize, read, sizeOf, seconds, Spec, spec, Range, range };
