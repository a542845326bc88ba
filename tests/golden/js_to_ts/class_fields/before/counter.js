'use strict';

class Counter {
  constructor(start) {
    this.count = start || 0;
    this.label = 'counter';
    this.history = [];
  }

  increment(step) {
    this.history.push(this.count);
    this.count += step;
    return this.count;
  }

  describe() {
    return this.label + ': ' + this.count;
  }
}

module.exports = Counter;
