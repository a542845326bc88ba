'use strict';

interface Emitter { _events: unknown; _count: number; _max: unknown }
function Emitter(this: Emitter) {
  Emitter.init.call(this);
}

Emitter.init = function (this: Emitter) {
  if (this._events === undefined) {
    this._events = Object.create(null);
    this._count = 0;
  }
  this._max = this._max || undefined;
};

Emitter.prototype.on = function on(name: string | number, fn: unknown) {
  this._events[name] = fn;
  this._count++;
  return this;
};

function walk(root: unknown) {
  const hooks: { before?: (...args: unknown[]) => unknown; after?: (...args: unknown[]) => unknown } = {};
  const api = {
    before: function (f: (...args: unknown[]) => unknown) { hooks.before = f; },
    after: function (f: (...args: unknown[]) => unknown) { hooks.after = f; },
  };
  return {
    api: api,
    run: function (value: unknown) {
      if (hooks.before) hooks.before.call(api, value);
      const out = [root, value];
      if (hooks.after) hooks.after.call(api, out);
      return out;
    },
  };
}

export = Emitter;
Emitter.walk = walk;
