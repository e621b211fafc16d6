// The order-book ladder. Binary markets read as Kalshi does: YES bids beside NO bids (a NO bid at q is
// a YES ask at payout − q); spot and the classic view show asks above bids. Bars show cumulative depth;
// each level is a button that puts its price into the order ticket.

import { type CSSProperties, memo, useState } from 'react';
import type { Level, MarketInfo } from '../api/types.ts';
import { price, qty } from '../format/units.ts';

const LEVELS = 12;

export interface PricePick {
  /** The YES-book price picked; undefined when there is none (an empty side). */
  readonly priceTicks: number | undefined;
  /** Which ticket fits a click on this level: hitting a bid sells, lifting an ask buys. */
  readonly side: 'buy' | 'sell';
}

function unitOf(m: MarketInfo, lots: number): string {
  const one = m.kind === 'binary' ? lots === (m.spec.lotsPerContract ?? 1) : lots === 1;
  const unit = m.kind === 'binary' ? 'contract' : 'lot';
  return one ? unit : `${unit}s`;
}

function cumulative(levels: readonly Level[]): number[] {
  let sum = 0;
  return levels.map((l) => (sum += l[1]));
}

function Rows(props: {
  m: MarketInfo;
  levels: readonly Level[];
  /** Asks drawn worst-first: depth still accumulates from the best price (the last row). */
  bestLast?: boolean;
  max: number;
  kind: 'bid' | 'ask';
  label: (ticks: number) => string;
  pick: (p: PricePick) => void;
  testid: string;
}) {
  const cum = props.bestLast
    ? cumulative([...props.levels].reverse()).reverse()
    : cumulative(props.levels);
  return (
    <ol className={`ladder-side ${props.kind}`} data-testid={props.testid}>
      {props.levels.map((l, i) => (
        <li key={l[0]}>
          <button
            type="button"
            className="level"
            data-level={l.join(':')}
            style={{ '--depth': `${(100 * (cum[i] ?? 0)) / props.max}%` } as CSSProperties}
            onClick={() =>
              props.pick({ priceTicks: l[0], side: props.kind === 'bid' ? 'sell' : 'buy' })
            }
            aria-label={`${props.label(l[0])}, ${qty(props.m, l[1])} ${unitOf(props.m, l[1])}`}
          >
            <span className="px">{props.label(l[0])}</span>
            <span className="sz">{qty(props.m, l[1])}</span>
            <span className="ct hide-sm">{l[2]}</span>
          </button>
        </li>
      ))}
      {props.levels.length === 0 && <li className="muted empty">No orders</li>}
    </ol>
  );
}

export const OrderBook = memo(function OrderBook(props: {
  m: MarketInfo;
  bids: readonly Level[];
  asks: readonly Level[];
  ready: boolean;
  onPick: (p: PricePick) => void;
}) {
  const { m } = props;
  const binary = m.kind === 'binary';
  const [view, setView] = useState<'yesno' | 'book'>(binary ? 'yesno' : 'book');
  const bids = props.bids.slice(0, LEVELS);
  const asks = props.asks.slice(0, LEVELS);
  const max = Math.max(1, cumulative(bids).at(-1) ?? 0, cumulative(asks).at(-1) ?? 0);
  const payout = m.spec.payoutTicks ?? 0;
  const spread =
    bids[0] !== undefined && asks[0] !== undefined ? price(m, asks[0][0] - bids[0][0]) : '—';
  return (
    <div className="card book" aria-busy={!props.ready}>
      <div className="card-head">
        <h2>Order book</h2>
        {binary && (
          <fieldset className="seg" aria-label="Book view">
            <button type="button" aria-pressed={view === 'yesno'} onClick={() => setView('yesno')}>
              YES / NO
            </button>
            <button type="button" aria-pressed={view === 'book'} onClick={() => setView('book')}>
              Bids / Asks
            </button>
          </fieldset>
        )}
      </div>
      {!props.ready && <p className="muted small">Loading book…</p>}
      {view === 'yesno' && binary ? (
        <div className="yesno">
          <div>
            <div className="ladder-head yes">
              <span>YES bids</span>
              <span>Contracts</span>
            </div>
            <Rows
              m={m}
              levels={bids}
              max={max}
              kind="bid"
              label={(t) => price(m, t)}
              pick={props.onPick}
              testid="yes-bids"
            />
          </div>
          <div>
            <div className="ladder-head no">
              <span>NO bids</span>
              <span>Contracts</span>
            </div>
            <Rows
              m={m}
              levels={asks}
              max={max}
              kind="ask"
              label={(t) => price(m, payout - t)}
              pick={props.onPick}
              testid="no-bids"
            />
          </div>
        </div>
      ) : (
        <div className="classic">
          <div className="ladder-head">
            <span>Price</span>
            <span>Size</span>
          </div>
          <Rows
            m={m}
            levels={[...asks].reverse()}
            bestLast
            max={max}
            kind="ask"
            label={(t) => price(m, t)}
            pick={props.onPick}
            testid="asks"
          />
          <div className="spread">Spread {spread}</div>
          <Rows
            m={m}
            levels={bids}
            max={max}
            kind="bid"
            label={(t) => price(m, t)}
            pick={props.onPick}
            testid="bids"
          />
        </div>
      )}
    </div>
  );
});
