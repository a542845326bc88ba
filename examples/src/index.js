'use strict';

const money = require('./money');
const { createCatalog, loadCatalogFile } = require('./catalog');
const { quote, TAX_RATES } = require('./pricing');
const { Order, SubscriptionOrder } = require('./order');
const Inventory = require('./inventory');
const LruCache = require('./cache');
const Emitter = require('./events');
const { ValidationError } = require('./validate');
const { version } = require('../package.json');

module.exports = {
  VERSION: version,
  money: money.money,
  formatMoney: money.formatMoney,
  parseMoney: money.parseMoney,
  createCatalog,
  loadCatalogFile,
  quote,
  TAX_RATES,
  Order,
  SubscriptionOrder,
  Inventory,
  LruCache,
  Emitter,
  ValidationError,
};
