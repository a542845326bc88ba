'use strict';

class Counter {
  declare count: number;
  declare label: string;
  declare history: number[];
  constructor(start?: number) {
    this.count = start || 0;
    this.label = 'counter';
    this.history = [];
  }

  increment(step: any) {
    this.history.push(this.count);
    this.count += step;
    return this.count;
  }

  describe() {
    return this.label + ': ' + this.count;
  }
}

export = Counter;
