// What the detectors remember about one market: its grid step, the L2 book (from `bookLevel` events)
// for the touch, the last price, a mean of rested order sizes (what "large" is measured against), and
// the recent trades (as columns, `trade-window.ts`), kept for the longest window a detector looks
// back over.

import type { FillEvidence } from './alerts.ts';
import { TradeWindow } from './trade-window.ts';

/** Weight of each new rested order in the mean size: about the last fifty orders count. */
const MEAN_ALPHA = 0.02;

export class MarketTape {
  readonly instrumentId: number;
  readonly tickSize: number;
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  lastTicks: number | undefined;
  meanRestedLots = 0;
  restedCount = 0;
  /** Each trade also knows the last price before it: the previous row's, or the evicted one's. */
  readonly trades = new TradeWindow();
  /** When trading ended (closed, or settled while trading): each end is examined once. */
  endTs: number | undefined;

  constructor(instrumentId: number, tickSize: number) {
    this.instrumentId = instrumentId;
    this.tickSize = tickSize;
  }

  level(side: 'buy' | 'sell', priceTicks: number, qtyLots: number): void {
    const book = side === 'buy' ? this.bids : this.asks;
    if (qtyLots === 0) book.delete(priceTicks);
    else book.set(priceTicks, qtyLots);
  }

  /** The best price on a side, or undefined for an empty side. */
  best(side: 'buy' | 'sell'): number | undefined {
    let best: number | undefined;
    const book = side === 'buy' ? this.bids : this.asks;
    for (const p of book.keys()) {
      if (best === undefined || (side === 'buy' ? p > best : p < best)) best = p;
    }
    return best;
  }

  /** Folds a rested order's size into the mean; returns the mean before it. */
  rested(qtyLots: number): number {
    const before = this.meanRestedLots;
    this.meanRestedLots =
      this.restedCount === 0 ? qtyLots : before + MEAN_ALPHA * (qtyLots - before);
    this.restedCount++;
    return before;
  }

  trade(t: FillEvidence): void {
    this.trades.push(t);
    this.lastTicks = t.priceTicks;
  }

  /** Drops trades older than `keepMs` before `ts`. */
  prune(ts: number, keepMs: number): void {
    this.trades.evictBefore(ts - keepMs);
  }

  /** Price distance in grid steps. */
  steps(fromTicks: number, toTicks: number): number {
    return (toTicks - fromTicks) / this.tickSize;
  }
}
