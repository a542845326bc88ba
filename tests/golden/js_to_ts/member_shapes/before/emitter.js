'use strict';

function Emitter() {
  Emitter.init.call(this);
}

Emitter.init = function () {
  if (this._events === undefined) {
    this._events = Object.create(null);
    this._count = 0;
  }
  this._max = this._max || undefined;
};

Emitter.prototype.on = function on(name, fn) {
  this._events[name] = fn;
  this._count++;
  return this;
};

function walk(root) {
  const hooks = {};
  const api = {
    before: function (f) { hooks.before = f; },
    after: function (f) { hooks.after = f; },
  };
  return {
    api: api,
    run: function (value) {
      if (hooks.before) hooks.before.call(api, value);
      const out = [root, value];
      if (hooks.after) hooks.after.call(api, out);
      return out;
    },
  };
}

module.exports = Emitter;
module.exports.walk = walk;
