'use strict';

const Point = require('./point');

// reads members that only Point has: typed as Point
function describe(p, label) {
  return label + ' (' + p.x + ', ' + p.y + ') |' + p.norm() + '|';
}

// `best` starts as null and is assigned in a callback: its type is the union
function farthest(points) {
  let best = null;
  points.forEach(function (p) {
    if (!best || best.norm() < p.norm()) {
      best = p;
    }
  });
  return best;
}

// `options` is only passed on, down to where it is read
function scaleOne(p, options) {
  const f = options.factor;
  return new Point(p.x * f, p.y * f);
}

function scaleAll(points, options) {
  return points.map(function (p) { return scaleOne(p, options); });
}

function report(points, options) {
  const scaled = scaleAll(points, options);
  const top = farthest(scaled);
  return top ? describe(top, 'farthest') : 'none';
}

// an Error that gains properties after it is made
function failure(code) {
  var err = new Error('failed with ' + code);
  err.code = code;
  err.retry = code >= 500;
  return err;
}

module.exports = { describe, farthest, scaleAll, report, failure };
