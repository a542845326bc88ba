'use strict';

var leftPad = require('./pad');
var tables = require('./table');

function summary(items) {
  var t = new tables.Table('items');
  t.add('total', items.length);
  t.add('first');
  t.add('last', items.length, 'end');
  return tables.render(t) + leftPad(items.length, 4);
}

module.exports = { summary };
