'use strict';

// A minimal event emitter in the pre-class prototype style; the order and inventory
// modules use it to tell the UI and the CLI what changed.

function Emitter() {
  this.listeners = {};
}

Emitter.prototype.on = function (event, listener) {
  if (!this.listeners[event]) {
    this.listeners[event] = [];
  }
  this.listeners[event].push(listener);
  return this;
};

Emitter.prototype.off = function (event, listener) {
  const list = this.listeners[event];
  if (list) {
    this.listeners[event] = list.filter((candidate) => candidate !== listener);
  }
  return this;
};

Emitter.prototype.once = function (event, listener) {
  const self = this;
  function wrapper(...args) {
    self.off(event, wrapper);
    listener.apply(self, args);
  }
  return this.on(event, wrapper);
};

Emitter.prototype.emit = function (event, ...args) {
  const list = this.listeners[event];
  if (!list || list.length === 0) {
    return false;
  }
  for (const listener of list.slice()) {
    listener.apply(this, args);
  }
  return true;
};

Emitter.prototype.listenerCount = function (event) {
  return (this.listeners[event] || []).length;
};

module.exports = Emitter;
