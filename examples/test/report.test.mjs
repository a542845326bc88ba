import test from 'node:test';
import assert from 'node:assert/strict';
import { renderTable, renderSummary } from '../src/report/summary.js';
import { h, renderToString } from '../src/ui/h.mjs';
import cli from '../src/cli.js';
import shop from '../src/index.js';

const { createCatalog, Order } = shop;

function capture() {
  const chunks = [];
  return { write: (chunk) => chunks.push(chunk), text: () => chunks.join('') };
}

test('renderTable pads columns and aligns right', () => {
  const table = renderTable([['1', 'tea', '€8.50'], ['12', 'kettle', '€59.90']], { align: ['right'] });
  assert.equal(table, ' 1  tea     €8.50\n12  kettle  €59.90');
});

test('renderSummary lists lines and totals', () => {
  const catalog = createCatalog();
  const order = new Order('eve', { discount: 0.1 });
  order.addLine(catalog.find('KET-100'));
  const text = renderSummary(order, order.totals(), catalog);
  assert.match(text, /^Quote ORD-\d{4} for eve\n/);
  assert.match(text, /1 +Gooseneck kettle +€59\.90/);
  assert.match(text, /discount +-€5\.99/);
  assert.match(text, /tax \(20\.0%\) +€10\.78/);
  assert.match(text, /total +€64\.69/);
});

test('the CLI prints a JSON quote and rejects unknown products', async () => {
  const out = capture();
  assert.equal(await cli.main(['--json', '--customer', 'fay', 'TEA-001:3', 'MLK-020'], out), 0);
  assert.deepEqual(JSON.parse(out.text()), {
    customer: 'fay',
    items: 4,
    subtotal: '27.99',
    discount: '0.00',
    tax: '5.60',
    shipping: '4.95',
    total: '38.54',
  });
  const bad = capture();
  assert.equal(await cli.main(['XYZ-999'], bad), 1);
  assert.equal(bad.text(), 'unknown product: XYZ-999\n');
  assert.deepEqual(cli.parseArgs(['--discount', '0.25', 'MUG-010:2']).items, [
    { sku: 'MUG-010', quantity: 2 },
  ]);
});

test('the CLI renders the text summary through the ES module report', async () => {
  const out = capture();
  assert.equal(await cli.main(['MUG-010:2'], out), 0);
  assert.match(out.text(), /2 +Stoneware mug +€29\.00/);
});

test('h builds elements and renderToString escapes text', () => {
  const Badge = ({ label, children }) => h('b', { title: label }, ...children);
  const tree = h('p', { className: 'x', hidden: false }, 'a < b', h(Badge, { label: '"q"' }, 'ok'));
  assert.equal(renderToString(tree), '<p class="x">a &lt; b<b title="&quot;q&quot;">ok</b></p>');
});
