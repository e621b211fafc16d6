// The phone's trade bar: on a narrow screen the ticket sits below the chart, book and tape, so the
// market page keeps a bar at the bottom of the screen with the best prices to buy at; a tap fills the
// ticket in and brings it on screen. Wider screens show the ticket beside the book and hide the bar.

import type { Level, MarketInfo } from '../api/types.ts';
import { price } from '../format/units.ts';
import type { PricePick } from './order-book.tsx';

export function TradeBar(props: {
  m: MarketInfo;
  bids: readonly Level[];
  asks: readonly Level[];
  onPick: (p: PricePick) => void;
}) {
  const { m, onPick } = props;
  const ask = props.asks[0]?.[0];
  const bid = props.bids[0]?.[0];
  const binary = m.kind === 'binary';
  const payout = m.spec.payoutTicks ?? 0;
  const at = (ticks: number | undefined) => (ticks === undefined ? '' : ` ${price(m, ticks)}`);
  return (
    <section className="trade-bar" aria-label="Quick trade">
      <button
        type="button"
        className="primary buy"
        onClick={() => onPick({ priceTicks: ask, side: 'buy' })}
      >
        {binary ? 'Buy YES' : 'Buy'}
        {at(ask)}
      </button>
      <button
        type="button"
        className="primary no"
        onClick={() => onPick({ priceTicks: bid, side: 'sell' })}
      >
        {binary ? 'Buy NO' : 'Sell'}
        {at(bid === undefined ? undefined : binary ? payout - bid : bid)}
      </button>
    </section>
  );
}
