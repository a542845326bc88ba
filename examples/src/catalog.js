'use strict';

const fs = require('fs');
const path = require('path');
const { money } = require('./money');
const { requireSku, requirePositiveInt } = require('./validate');
const defaultProducts = require('./data/products.json');

const DATA_FILE = require.resolve('./data/products.json');

function toProduct(raw) {
  const product = {};
  product.sku = requireSku(raw.sku);
  product.name = String(raw.name);
  product.price = money(raw.priceCents, raw.currency || 'EUR');
  product.taxCategory = raw.taxCategory || 'standard';
  product.perishable = Boolean(raw.perishable);
  if (product.perishable) {
    product.shelfLifeDays = requirePositiveInt('shelfLifeDays', raw.shelfLifeDays);
  }
  return product;
}

/**
 * Build a catalog from raw product records (the bundled data file by default).
 * @param {Array<{sku: string, name: string, priceCents: number, currency?: string,
 *   taxCategory?: string, perishable?: boolean, shelfLifeDays?: number}>} [rawProducts]
 */
function createCatalog(rawProducts = defaultProducts) {
  const catalog = {};
  catalog.bySku = new Map();
  for (const raw of rawProducts) {
    const product = toProduct(raw);
    if (catalog.bySku.has(product.sku)) {
      throw new Error(`duplicate SKU in catalog: ${product.sku}`);
    }
    catalog.bySku.set(product.sku, product);
  }
  catalog.source = rawProducts === defaultProducts ? path.relative(__dirname, DATA_FILE) : 'inline';
  catalog.find = function (sku) {
    return catalog.bySku.get(sku);
  };
  catalog.list = function () {
    return [...catalog.bySku.values()].sort((a, b) => a.sku.localeCompare(b.sku));
  };
  return catalog;
}

function loadCatalogFile(file = path.join(__dirname, 'data', 'products.json')) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(raw)) {
    throw new Error(`${file}: expected a JSON array of products`);
  }
  return createCatalog(raw);
}

module.exports = { createCatalog, loadCatalogFile, DATA_FILE };
