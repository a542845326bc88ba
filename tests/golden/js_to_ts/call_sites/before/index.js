'use strict';

var leftPad = require('./pad');
var tables = require('./table');
var last = require('./tail');

function summary(items) {
  var t = new tables.Table('items');
  t.add('total', items.length);
  t.add('first');
  t.add('last', items.length, 'end');
  return tables.render(t) + leftPad(items.length, 4);
}

function newest(names) {
  return last(names.split(','));
}

module.exports = { summary, newest };
