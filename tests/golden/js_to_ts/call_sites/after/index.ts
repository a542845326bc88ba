'use strict';

import leftPad = require('./pad');
import tables = require('./table');
import last = require('./tail');

function summary(items: string | unknown[]) {
  var t = new tables.Table('items');
  t.add('total', items.length);
  t.add('first');
  t.add('last', items.length, 'end');
  return tables.render(t) + leftPad(items.length, 4);
}

function newest(names: string) {
  return last(names.split(','));
}

export = { summary, newest };
