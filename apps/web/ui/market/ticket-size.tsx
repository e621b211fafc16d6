// The order ticket's size: a count of contracts (or lots), or for a buy a dollar amount to spend, fee
// included, which the ticket turns into the most whole contracts it pays for.

import type { MarketInfo } from '../api/types.ts';
import { qtyUnit } from '../format/units.ts';
import type { TicketFields } from './ticket-order.ts';

export function SizeField(props: {
  m: MarketInfo;
  t: TicketFields;
  set: (patch: Partial<TicketFields>) => void;
}) {
  const { m, t, set } = props;
  const dollars = t.sizeIn === 'dollars' && t.action === 'buy';
  const unit = qtyUnit(m);
  return (
    <>
      {t.action === 'buy' && (
        <fieldset className="seg" aria-label="Size in">
          <button type="button" aria-pressed={!dollars} onClick={() => set({ sizeIn: 'count' })}>
            {unit[0]!.toUpperCase() + unit.slice(1)}
          </button>
          <button type="button" aria-pressed={dollars} onClick={() => set({ sizeIn: 'dollars' })}>
            Dollars
          </button>
        </fieldset>
      )}
      {dollars ? (
        <label>
          Amount ($)
          <input
            name="amount"
            inputMode="decimal"
            value={t.amountText}
            placeholder="e.g. 25"
            onChange={(e) => set({ amountText: e.target.value })}
          />
        </label>
      ) : (
        <label>
          Quantity ({unit})
          <input
            name="qty"
            inputMode="decimal"
            value={t.qtyText}
            onChange={(e) => set({ qtyText: e.target.value })}
            required
          />
        </label>
      )}
    </>
  );
}
