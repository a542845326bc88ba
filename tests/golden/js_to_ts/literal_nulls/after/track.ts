'use strict';

class Entry {
  declare name: string;
  declare size: number;
  constructor(name: string, size: number) {
    this.name = name;
    this.size = size;
  }
}

export = function track(names: Iterable<unknown>) {
  const state = { current: null as Entry | null, count: 0, label: undefined as string | undefined };
  for (const name of names) {
    state.current = new Entry(String(name), 1);
    state.count += 1;
  }
  state.label = 'seen ' + state.count;
  return state.current ? state.current.name + ': ' + state.label : state.label;
};
