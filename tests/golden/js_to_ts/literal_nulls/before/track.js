'use strict';

class Entry {
  constructor(name, size) {
    this.name = name;
    this.size = size;
  }
}

module.exports = function track(names) {
  const state = { current: null, count: 0, label: undefined };
  for (const name of names) {
    state.current = new Entry(String(name), 1);
    state.count += 1;
  }
  state.label = 'seen ' + state.count;
  return state.current ? state.current.name + ': ' + state.label : state.label;
};
