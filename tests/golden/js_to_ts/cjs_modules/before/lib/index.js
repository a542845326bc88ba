'use strict';

const { add } = require('./math');
const greet = require('./greet');

function total(items) {
  return items.reduce((sum, item) => add(sum, item.price), 0);
}

module.exports = total;
module.exports.greet = greet;
