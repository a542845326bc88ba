/** @jsx h */
import { h } from './h.mjs';
import { formatMoney } from '../money.js';

export function CartLine({ line, product }) {
  const amount = { cents: line.unitPrice.cents * line.quantity, currency: line.unitPrice.currency };
  return (
    <li className="cart-line" data-sku={line.sku}>
      <span className="qty">{line.quantity}×</span>
      <span className="name">{product ? product.name : line.sku}</span>
      <span className="amount">{formatMoney(amount)}</span>
    </li>
  );
}

/**
 * The cart panel: one row per order line, then the totals.
 * @param {{ order: { id: string, lines: Array<{ sku: string, quantity: number, unitPrice: { cents: number, currency: string } }> },
 *   totals: Record<string, { cents: number, currency: string }>,
 *   catalog: { find(sku: string): { name: string } | undefined },
 *   compact?: boolean }} props
 */
export default function CartView({ order, totals, catalog, compact = false }) {
  if (order.lines.length === 0) {
    return <p className="cart-empty">Your cart is empty.</p>;
  }
  return (
    <section className={compact ? 'cart compact' : 'cart'} aria-label={`Order ${order.id}`}>
      <ul>
        {order.lines.map((line) => (
          <CartLine line={line} product={catalog.find(line.sku)} />
        ))}
      </ul>
      {!compact && <p className="subtotal">Subtotal: {formatMoney(totals.subtotal)}</p>}
      <p className="total">Total: {formatMoney(totals.total)}</p>
    </section>
  );
}
