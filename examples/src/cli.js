#!/usr/bin/env node
'use strict';

const { createCatalog } = require('./catalog');
const { Order } = require('./order');
const { formatMoney } = require('./money');

const USAGE = `usage: tiny-shop [--customer NAME] [--discount RATE] [--json] SKU[:QTY]...
Prints a priced quote for the given products, e.g. tiny-shop TEA-001:2 MUG-010
`;

function parseArgs(argv) {
  const args = { customer: 'guest', discount: 0, json: false, help: false, items: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      args.help = true;
    } else if (arg === '--json') {
      args.json = true;
    } else if (arg === '--customer') {
      args.customer = argv[++i];
    } else if (arg === '--discount') {
      args.discount = Number(argv[++i]);
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option: ${arg}`);
    } else {
      const [sku, qty = '1'] = arg.split(':');
      args.items.push({ sku, quantity: Number.parseInt(qty, 10) });
    }
  }
  return args;
}

async function main(argv, out = process.stdout) {
  const args = parseArgs(argv);
  if (args.help || args.items.length === 0) {
    out.write(USAGE);
    return args.help ? 0 : 1;
  }
  const catalog = createCatalog();
  const order = new Order(args.customer, { discount: args.discount });
  for (const { sku, quantity } of args.items) {
    const product = catalog.find(sku);
    if (!product) {
      out.write(`unknown product: ${sku}\n`);
      return 1;
    }
    order.addLine(product, quantity);
  }
  const totals = order.totals();
  if (args.json) {
    const plain = {};
    for (const [key, value] of Object.entries(totals)) {
      plain[key] = formatMoney(value, { symbol: false });
    }
    out.write(`${JSON.stringify({ customer: order.customer, items: order.itemCount(), ...plain })}\n`);
    return 0;
  }
  // The report package is an ES module; CommonJS reaches it through dynamic import.
  const { renderSummary } = await import('./report/summary.js');
  out.write(renderSummary(order, totals, catalog));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`tiny-shop: ${error.message}`);
      process.exitCode = 2;
    },
  );
}

module.exports = { main, parseArgs };
