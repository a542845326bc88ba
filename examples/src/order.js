'use strict';

const Emitter = require('./events');
const { quote } = require('./pricing');
const { requireSku, requirePositiveInt, ValidationError } = require('./validate');

let nextId = 1;

class Order {
  /**
   * @param {string} customer
   * @param {{ discount?: number, taxCategory?: string }} [options]
   */
  constructor(customer, options = {}) {
    this.id = `ORD-${String(nextId++).padStart(4, '0')}`;
    this.customer = customer;
    this.options = options;
    this.lines = [];
    this.status = 'open';
    this.events = new Emitter();
  }

  addLine(product, quantity = 1) {
    this.assertOpen();
    requirePositiveInt('quantity', quantity);
    const existing = this.lines.find((line) => line.sku === product.sku);
    if (existing) {
      existing.quantity += quantity;
    } else {
      this.lines.push({ sku: requireSku(product.sku), quantity, unitPrice: product.price });
    }
    this.events.emit('changed', this);
    return this;
  }

  removeLine(sku) {
    this.assertOpen();
    const before = this.lines.length;
    this.lines = this.lines.filter((line) => line.sku !== sku);
    if (this.lines.length !== before) {
      this.events.emit('changed', this);
    }
    return this.lines.length !== before;
  }

  itemCount() {
    return this.lines.reduce((count, line) => count + line.quantity, 0);
  }

  totals() {
    return quote(this.lines, this.options);
  }

  submit() {
    this.assertOpen();
    if (this.lines.length === 0) {
      throw new ValidationError('lines', `order ${this.id} is empty`);
    }
    this.status = 'submitted';
    const totals = this.totals();
    this.events.emit('submitted', this, totals);
    return totals;
  }

  assertOpen() {
    if (this.status !== 'open') {
      throw new ValidationError('status', `order ${this.id} is already ${this.status}`);
    }
  }
}

class SubscriptionOrder extends Order {
  constructor(customer, intervalDays = 30, options = {}) {
    super(customer, { ...options, discount: options.discount ?? 0.1 });
    this.intervalDays = requirePositiveInt('intervalDays', intervalDays);
    this.deliveries = 0;
  }

  nextDeliveryDay(fromDay) {
    return fromDay + this.intervalDays * (this.deliveries + 1);
  }

  submit() {
    const totals = super.submit();
    this.deliveries += 1;
    return totals;
  }
}

function resetOrderIds(start = 1) {
  nextId = start;
}

module.exports = { Order, SubscriptionOrder, resetOrderIds };
