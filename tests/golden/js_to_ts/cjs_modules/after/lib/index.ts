'use strict';

import math_1 = require('./math');
const { add } = math_1;
import greet = require('./greet');

function total(items: any[]) {
  return items.reduce((sum: unknown, item: { price: unknown; }) => add(sum, item.price), 0);
}

export = total;
total.greet = greet;
