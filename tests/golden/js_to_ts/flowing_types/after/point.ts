'use strict';

class Point {
  declare x: number;
  declare y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }

  norm() {
    return Math.sqrt(this.x * this.x + this.y * this.y);
  }
}

export = Point;
