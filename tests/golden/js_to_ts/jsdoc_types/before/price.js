'use strict';

/**
 * Apply a percentage discount.
 * @param {number} cents price in cents
 * @param {number} [percent] discount, 0-100
 * @returns {number}
 */
function discount(cents, percent = 10) {
  return Math.round(cents * (100 - percent) / 100);
}

/**
 * @param {string} currency
 * @param {number} cents
 * @returns {string}
 */
function format(currency, cents) {
  return currency + ' ' + (cents / 100).toFixed(2);
}

module.exports = { discount, format };
