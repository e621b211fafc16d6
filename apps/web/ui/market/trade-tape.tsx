// The latest public trades, newest first; binary trades are labelled by the taker's outcome.

import { memo } from 'react';
import type { MarketInfo, TradeRow } from '../api/types.ts';
import { price, qty, time } from '../format/units.ts';

// Rows never change once printed, so each renders once however often the tape scrolls.
const TapeRow = memo(function TapeRow({ m, t }: { m: MarketInfo; t: TradeRow }) {
  return (
    <tr className={t.takerSide}>
      <td>{time(t.ts)}</td>
      <td className="num">{price(m, t.priceTicks)}</td>
      <td className="num">{qty(m, t.qtyLots)}</td>
      <td>{m.kind === 'binary' ? (t.takerSide === 'buy' ? 'YES' : 'NO') : t.takerSide}</td>
    </tr>
  );
});

export const TradeTape = memo(function TradeTape(props: {
  m: MarketInfo;
  trades: readonly TradeRow[];
}) {
  const { m } = props;
  const binary = m.kind === 'binary';
  return (
    <div className="card tape">
      <h2>Trades</h2>
      <table className="compact" data-testid="trade-tape">
        <thead>
          <tr>
            <th>Time</th>
            <th className="num">{binary ? 'YES price' : 'Price'}</th>
            <th className="num">Size</th>
            <th>Taker</th>
          </tr>
        </thead>
        <tbody>
          {props.trades.slice(0, 40).map((t) => (
            <TapeRow key={t.tradeId} m={m} t={t} />
          ))}
        </tbody>
      </table>
      {props.trades.length === 0 && <p className="muted">No trades yet.</p>}
    </div>
  );
});
