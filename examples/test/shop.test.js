'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const shop = require('../src/index');
const { subtotal, taxFor, shippingFor } = require('../src/pricing');
const { isSku, requireRate } = require('../src/validate');

function freshCatalog() {
  return shop.createCatalog();
}

test('the package exposes its public API', () => {
  assert.equal(shop.VERSION, require('../package.json').version);
  for (const name of ['createCatalog', 'quote', 'Order', 'Inventory', 'LruCache', 'Emitter']) {
    assert.equal(typeof shop[name], 'function', name);
  }
});

test('catalog loads the bundled products, built property by property', () => {
  const catalog = freshCatalog();
  assert.equal(catalog.source, path.join('data', 'products.json'));
  assert.deepEqual(
    catalog.list().map((product) => product.sku),
    ['KET-100', 'MLK-020', 'MUG-010', 'TEA-001', 'TEA-002'],
  );
  const milk = catalog.find('MLK-020');
  assert.equal(milk.shelfLifeDays, 10);
  assert.equal(milk.taxCategory, 'reduced');
  assert.equal(catalog.find('NOPE-1'), undefined);
  assert.deepEqual(shop.loadCatalogFile().list(), catalog.list());
  assert.throws(() => shop.createCatalog([{ sku: 'bad', name: 'x', priceCents: 1 }]), shop.ValidationError);
});

test('pricing: discount, tax and the free-shipping threshold', () => {
  const lines = [
    { sku: 'TEA-001', quantity: 2, unitPrice: shop.money(850) },
    { sku: 'MUG-010', quantity: 1, unitPrice: shop.money(1450) },
  ];
  assert.deepEqual(subtotal(lines), shop.money(3150));
  assert.deepEqual(subtotal([]), shop.money(0));
  assert.deepEqual(taxFor(shop.money(1000), 'reduced'), shop.money(55));
  assert.throws(() => taxFor(shop.money(1000), 'luxury'), /unknown tax category/);
  assert.deepEqual(shippingFor(shop.money(6000)), shop.money(0));

  const totals = shop.quote(lines, { discount: 0.1 });
  assert.equal(shop.formatMoney(totals.discount), '€3.15');
  assert.equal(shop.formatMoney(totals.tax), '€5.67');
  assert.equal(shop.formatMoney(totals.shipping), '€4.95');
  assert.equal(shop.formatMoney(totals.total), '€38.97');
  assert.throws(() => shop.quote(lines, { discount: 2 }), shop.ValidationError);
});

test('orders merge lines, emit events and refuse changes after submit', () => {
  const catalog = freshCatalog();
  const order = new shop.Order('ada');
  const seen = [];
  order.events.on('changed', (changed) => seen.push(changed.itemCount()));
  order.addLine(catalog.find('TEA-001')).addLine(catalog.find('TEA-001'), 2);
  order.addLine(catalog.find('KET-100'));
  assert.deepEqual(seen, [1, 3, 4]);
  assert.equal(order.lines.length, 2);
  assert.equal(order.removeLine('KET-100'), true);
  assert.equal(order.removeLine('KET-100'), false);
  const totals = order.submit();
  assert.equal(shop.formatMoney(totals.total), '€35.55');
  assert.equal(order.status, 'submitted');
  assert.throws(() => order.addLine(catalog.find('MUG-010')), /already submitted/);
  assert.throws(() => new shop.Order('bob').submit(), /is empty/);
});

test('subscription orders default to a 10% discount and count deliveries', () => {
  const catalog = freshCatalog();
  const order = new shop.SubscriptionOrder('cy', 14);
  assert.ok(order instanceof shop.Order);
  order.addLine(catalog.find('TEA-002'), 4);
  assert.equal(order.nextDeliveryDay(100), 114);
  const totals = order.submit();
  assert.equal(shop.formatMoney(totals.discount), '€5.16');
  assert.equal(order.deliveries, 1);
  assert.equal(order.nextDeliveryDay(100), 128);
  assert.throws(() => new shop.SubscriptionOrder('cy', 0), shop.ValidationError);
});

test('inventory reserves stock and warns when it runs low', () => {
  const catalog = freshCatalog();
  const inventory = new shop.Inventory(catalog, 3);
  const warnings = [];
  inventory.events.on('low-stock', (sku, left) => warnings.push(`${sku}:${left}`));
  assert.equal(inventory.receive('MUG-010', 5), 5);
  const order = new shop.Order('dee').addLine(catalog.find('MUG-010'), 3);
  assert.equal(inventory.reserve(order), 1);
  assert.deepEqual(warnings, ['MUG-010:2']);
  assert.throws(() => inventory.reserve(order), /not enough stock for MUG-010/);
  inventory.release(order);
  assert.equal(inventory.snapshot()['MUG-010'], 5);
  assert.throws(() => inventory.receive('ZZZ-999', 1), /not in the catalog/);
});

test('LruCache evicts the least recently used entry and honours the TTL', () => {
  let clock = 0;
  const cache = new shop.LruCache(2, { ttlMs: 100, now: () => clock });
  cache.set('a', 1).set('b', 2);
  assert.equal(cache.get('a'), 1);
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.size, 2);
  clock = 150;
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.getOrCompute('a', (key) => key.toUpperCase()), 'A');
  assert.deepEqual([cache.hits, cache.misses], [1, 3]);
  assert.throws(() => new shop.LruCache(0), RangeError);
});

test('Emitter.once fires a single time; validation helpers', () => {
  const emitter = new shop.Emitter();
  let calls = 0;
  emitter.once('ping', () => calls++);
  assert.equal(emitter.emit('ping'), true);
  assert.equal(emitter.emit('ping'), false);
  assert.equal(calls, 1);
  assert.equal(emitter.listenerCount('ping'), 0);
  assert.equal(isSku('TEA-001'), true);
  assert.equal(isSku('tea-1'), false);
  assert.equal(requireRate('vat', 0.2), 0.2);
  assert.throws(() => requireRate('vat', 1.5), /between 0 and 1/);
});
