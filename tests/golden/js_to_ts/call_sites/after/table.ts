'use strict';

class Table {
  declare title: string;
  declare rows: unknown[];
  constructor(title: string) {
    this.title = title;
    this.rows = [];
  }

  // callers pass one, two or three cells
  add(name: string, count?: number, note?: string) {
    this.rows.push([name, count, note]);
    return this;
  }
}

function render(table: { title: any; rows: any[]; }, separator?: unknown) {
  return table.title + (separator || '\n') + table.rows.map(function (r: any[]) { return r.join(' '); }).join('\n');
}

export = { Table, render };
