'use strict';

class Table {
  constructor(title) {
    this.title = title;
    this.rows = [];
  }

  // callers pass one, two or three cells
  add(name, count, note) {
    this.rows.push([name, count, note]);
    return this;
  }
}

function render(table, separator) {
  return table.title + (separator || '\n') + table.rows.map(function (r) { return r.join(' '); }).join('\n');
}

module.exports = { Table, render };
