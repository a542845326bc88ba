'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { money, add, multiply, formatMoney, parseMoney, ZERO } = require('../src/money');

test('money rejects fractional cents', () => {
  assert.throws(() => money(1.5), TypeError);
  assert.deepEqual(money(250), { cents: 250, currency: 'EUR' });
  assert.deepEqual(ZERO, { cents: 0, currency: 'EUR' });
});

test('add and multiply keep the currency and round half away', () => {
  assert.deepEqual(add(money(199, 'USD'), money(1, 'USD')), money(200, 'USD'));
  assert.throws(() => add(money(1, 'USD'), money(1, 'EUR')), /currency mismatch/);
  assert.deepEqual(multiply(money(333), 0.5), money(167));
});

test('formatMoney groups thousands and places the sign first', () => {
  assert.equal(formatMoney(money(123456)), '€1,234.56');
  assert.equal(formatMoney(money(-300, 'USD')), '-$3.00');
  assert.equal(formatMoney(money(5, 'CHF')), 'CHF 0.05');
  assert.equal(formatMoney(money(100000050), { symbol: false }), '1,000,000.50');
});

test('parseMoney reads what formatMoney writes', () => {
  for (const cents of [0, 5, 99, 100, 123456, -4200]) {
    assert.deepEqual(parseMoney(formatMoney(money(cents))), money(cents));
  }
  assert.deepEqual(parseMoney('12.5', 'GBP'), money(1250, 'GBP'));
  assert.throws(() => parseMoney('twelve'), /not a money amount/);
});
