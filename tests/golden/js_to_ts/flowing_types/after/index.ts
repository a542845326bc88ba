'use strict';

import Point = require('./point');

// reads members that only Point has: typed as Point
function describe(p: Point, label: string) {
  return label + ' (' + p.x + ', ' + p.y + ') |' + p.norm() + '|';
}

// `best` starts as null and is assigned in a callback: its type is the union
function farthest(points: Point[]) {
  let best: { norm: () => number; } | null = null;
  points.forEach(function (p) {
    if (!best || best.norm() < p.norm()) {
      best = p;
    }
  });
  return best;
}

// `options` is only passed on, down to where it is read
function scaleOne(p: { x: number; y: number; }, options: { factor: number; }) {
  const f = options.factor;
  return new Point(p.x * f, p.y * f);
}

function scaleAll(points: unknown[], options: any) {
  return points.map(function (p: any) { return scaleOne(p, options); });
}

function report(points: unknown[], options: unknown) {
  const scaled = scaleAll(points, options);
  const top = farthest(scaled);
  return top ? describe(top, 'farthest') : 'none';
}

// an Error that gains properties after it is made
function failure(code: string | number) {
  var err: Error & { code?: string | number; retry?: boolean } = new Error('failed with ' + code);
  err.code = code;
  err.retry = (code as number) >= 500;
  return err;
}

export = { describe, farthest, scaleAll, report, failure };
