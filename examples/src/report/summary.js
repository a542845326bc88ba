import { formatMoney } from '../money.js';
import { TAX_RATES } from '../pricing.js';

/**
 * Render rows as a fixed-width text table.
 * @param {string[][]} rows
 * @param {{ align?: Array<'left' | 'right'>, gap?: number }} [options]
 * @returns {string}
 */
export function renderTable(rows, { align = [], gap = 2 } = {}) {
  const widths = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] || 0, cell.length);
    });
  }
  const spacer = ' '.repeat(gap);
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          align[column] === 'right' ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
        )
        .join(spacer)
        .trimEnd(),
    )
    .join('\n');
}

function taxLabel(category) {
  const rate = TAX_RATES[category ?? 'standard'];
  return `tax (${(rate * 100).toFixed(1)}%)`;
}

export function renderSummary(order, totals, catalog) {
  const rows = [['qty', 'item', 'amount']];
  for (const line of order.lines) {
    const product = catalog.find(line.sku);
    const amount = { cents: line.unitPrice.cents * line.quantity, currency: line.unitPrice.currency };
    rows.push([String(line.quantity), product ? product.name : line.sku, formatMoney(amount)]);
  }
  rows.push(['', 'subtotal', formatMoney(totals.subtotal)]);
  if (totals.discount.cents > 0) {
    rows.push(['', 'discount', formatMoney({ ...totals.discount, cents: -totals.discount.cents })]);
  }
  rows.push(['', taxLabel(order.options.taxCategory), formatMoney(totals.tax)]);
  rows.push(['', 'shipping', formatMoney(totals.shipping)]);
  rows.push(['', 'total', formatMoney(totals.total)]);
  const header = `Quote ${order.id} for ${order.customer}`;
  return `${header}\n${renderTable(rows, { align: ['right', 'left', 'right'] })}\n`;
}

export default renderSummary;
