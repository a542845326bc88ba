'use strict';

/**
 * Money is kept in integer minor units (cents) so sums never drift.
 * @typedef {Object} Money
 * @property {number} cents Amount in minor units.
 * @property {string} currency ISO 4217 code, e.g. "EUR".
 */

const SYMBOLS = { EUR: '€', USD: '$', GBP: '£' };

/**
 * Create a Money value.
 * @param {number} cents
 * @param {string} [currency]
 * @returns {Money}
 */
function money(cents, currency = 'EUR') {
  if (!Number.isInteger(cents)) {
    throw new TypeError(`cents must be an integer, got ${cents}`);
  }
  return { cents, currency };
}

function assertSameCurrency(a, b) {
  if (a.currency !== b.currency) {
    throw new Error(`currency mismatch: ${a.currency} vs ${b.currency}`);
  }
}

/**
 * @param {Money} a
 * @param {Money} b
 * @returns {Money}
 */
function add(a, b) {
  assertSameCurrency(a, b);
  return money(a.cents + b.cents, a.currency);
}

function multiply(amount, factor) {
  return money(Math.round(amount.cents * factor), amount.currency);
}

/**
 * Format money for display: "€1,234.50", "-$3.00", or "1,234.50" without a symbol.
 * @param {Money} amount
 * @param {{ symbol?: boolean }} [options]
 * @returns {string}
 */
function formatMoney(amount, options = {}) {
  const sign = amount.cents < 0 ? '-' : '';
  const abs = Math.abs(amount.cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = String(abs % 100).padStart(2, '0');
  let prefix = '';
  if (options.symbol !== false) {
    prefix = SYMBOLS[amount.currency] || `${amount.currency} `;
  }
  return `${sign}${prefix}${whole}.${fraction}`;
}

function parseMoney(text, currency = 'EUR') {
  const match = /^\s*(-)?[^\d-]*(\d[\d,]*)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) {
    throw new Error(`not a money amount: ${JSON.stringify(text)}`);
  }
  const whole = Number(match[2].replace(/,/g, ''));
  const fraction = Number((match[3] || '0').padEnd(2, '0'));
  const cents = whole * 100 + fraction;
  return money(match[1] ? -cents : cents, currency);
}

exports.money = money;
exports.add = add;
exports.multiply = multiply;
exports.formatMoney = formatMoney;
exports.parseMoney = parseMoney;
exports.ZERO = money(0);
