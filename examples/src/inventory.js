'use strict';

const Emitter = require('./events');
const LruCache = require('./cache');
const { requireSku, requirePositiveInt, ValidationError } = require('./validate');

class Inventory {
  constructor(catalog, lowStockThreshold = 5) {
    this.catalog = catalog;
    this.lowStockThreshold = lowStockThreshold;
    this.stock = new Map();
    this.reserved = new Map();
    this.events = new Emitter();
    this.availability = new LruCache(50);
  }

  receive(sku, quantity) {
    requireSku(sku);
    requirePositiveInt('quantity', quantity);
    if (!this.catalog.find(sku)) {
      throw new ValidationError('sku', `${sku} is not in the catalog`);
    }
    this.stock.set(sku, (this.stock.get(sku) || 0) + quantity);
    this.availability.invalidate(sku);
    return this.available(sku);
  }

  available(sku) {
    return this.availability.getOrCompute(
      sku,
      (key) => (this.stock.get(key) || 0) - (this.reserved.get(key) || 0),
    );
  }

  reserve(order) {
    const short = order.lines.filter((line) => this.available(line.sku) < line.quantity);
    if (short.length > 0) {
      const skus = short.map((line) => line.sku).join(', ');
      throw new ValidationError('stock', `not enough stock for ${skus}`);
    }
    for (const line of order.lines) {
      this.reserved.set(line.sku, (this.reserved.get(line.sku) || 0) + line.quantity);
      this.availability.invalidate(line.sku);
      const left = this.available(line.sku);
      if (left <= this.lowStockThreshold) {
        this.events.emit('low-stock', line.sku, left);
      }
    }
    return order.lines.length;
  }

  release(order) {
    for (const line of order.lines) {
      const held = this.reserved.get(line.sku) || 0;
      this.reserved.set(line.sku, Math.max(0, held - line.quantity));
      this.availability.invalidate(line.sku);
    }
  }

  snapshot() {
    const rows = {};
    for (const product of this.catalog.list()) {
      rows[product.sku] = this.available(product.sku);
    }
    return rows;
  }
}

module.exports = Inventory;
