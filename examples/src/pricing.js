'use strict';

const { money, add, multiply, ZERO } = require('./money');
const { requireRate } = require('./validate');

/**
 * @typedef {Object} LineItem
 * @property {string} sku
 * @property {number} quantity
 * @property {import('./money').Money} unitPrice
 */

const TAX_RATES = { standard: 0.2, reduced: 0.055, zero: 0 };

const FREE_SHIPPING_OVER_CENTS = 5000;
const SHIPPING_CENTS = 495;

/**
 * @param {LineItem} line
 * @returns {import('./money').Money}
 */
function lineTotal(line) {
  return multiply(line.unitPrice, line.quantity);
}

function subtotal(lines) {
  if (lines.length === 0) {
    return ZERO;
  }
  const start = money(0, lines[0].unitPrice.currency);
  return lines.reduce((sum, line) => add(sum, lineTotal(line)), start);
}

function applyDiscount(amount, percent = 0) {
  requireRate('discount', percent);
  return multiply(amount, 1 - percent);
}

function taxFor(amount, category = 'standard') {
  const rate = TAX_RATES[category];
  if (rate === undefined) {
    throw new Error(`unknown tax category: ${category}`);
  }
  return multiply(amount, rate);
}

function shippingFor(amount, options = {}) {
  const threshold = options.freeShippingOverCents ?? FREE_SHIPPING_OVER_CENTS;
  const fee = amount.cents >= threshold || amount.cents === 0 ? 0 : SHIPPING_CENTS;
  return money(fee, amount.currency);
}

/**
 * Price a list of lines: subtotal, discount, tax, shipping and total.
 * @param {LineItem[]} lines
 * @param {{ discount?: number, taxCategory?: string, freeShippingOverCents?: number }} [options]
 */
function quote(lines, options = {}) {
  const gross = subtotal(lines);
  const net = applyDiscount(gross, options.discount);
  const tax = taxFor(net, options.taxCategory);
  const shipping = shippingFor(net, options);
  return {
    subtotal: gross,
    discount: money(gross.cents - net.cents, gross.currency),
    tax,
    shipping,
    total: add(add(net, tax), shipping),
  };
}

module.exports = { lineTotal, subtotal, applyDiscount, taxFor, shippingFor, quote, TAX_RATES };
