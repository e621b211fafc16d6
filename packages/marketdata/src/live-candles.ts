// One market's open candles (1m, 1h, 1d), folded from its trades as they happen, bucketed by the trade's
// command timestamp with the read models' rule (candle-intervals.ts) and never by a clock. Changes wait
// for `flush()`: per interval, every candle that a later trade closed (closed: true, each exactly once),
// then the open candle's latest state, however many trades changed it since the last flush. Fields are
// named and counted as in REST's candles (the read models' `CandleRow`): prices in ticks, volume in
// lots, notional Σ price × qty in ticks·lots, all integers like everything the engine counts.

import type { LiveCandle } from '@bourse/protocol';
import { bucketStart, CANDLE_INTERVALS, type CandleInterval } from './candle-intervals.ts';

/** One candle as the socket sends it: REST's candle fields, plus `closed`. */
export type { LiveCandle };

/** What a flush changed: candles of one interval, oldest first. */
export interface CandleChange {
  readonly interval: CandleInterval;
  readonly candle: LiveCandle;
}

interface Slot {
  /** The open candle; undefined before the first trade (or seed). */
  open: { -readonly [K in keyof LiveCandle]: LiveCandle[K] } | undefined;
  /** Candles a later trade closed since the last flush. */
  readonly closed: LiveCandle[];
  /** The open candle changed since the last flush. */
  dirty: boolean;
  /** The open candle as of the last flush (what a new subscriber is shown). */
  published: LiveCandle | undefined;
}

export class LiveCandles {
  readonly #slots = new Map<CandleInterval, Slot>(
    CANDLE_INTERVALS.map((i) => [
      i,
      { open: undefined, closed: [], dirty: false, published: undefined },
    ]),
  );

  /**
   * Starts from history: `candle` holds the trades before every trade this object will see (the read
   * models' newest candle of the interval), so it is meant to come before the first trade. Should an open
   * candle exist already, one in the same bucket is merged after the seed, one in an earlier bucket is
   * closed by it, and one in a later bucket means the seed's bucket is over: the seed is ignored.
   */
  seed(interval: CandleInterval, candle: Omit<LiveCandle, 'closed'>): void {
    const s = this.#slot(interval);
    const live = s.open;
    if (live !== undefined && live.bucketTs > candle.bucketTs) return;
    if (live !== undefined && live.bucketTs < candle.bucketTs) {
      s.closed.push({ ...live, closed: true });
      s.open = openCandle(candle);
      s.dirty = true;
      return;
    }
    if (live !== undefined) {
      s.open = {
        ...live,
        openTicks: candle.openTicks,
        highTicks: Math.max(candle.highTicks, live.highTicks),
        lowTicks: Math.min(candle.lowTicks, live.lowTicks),
        volumeLots: candle.volumeLots + live.volumeLots,
        notional: candle.notional + live.notional,
        tradeCount: candle.tradeCount + live.tradeCount,
      };
      s.dirty = true;
      return;
    }
    s.open = openCandle(candle);
    // History is not news: a subscriber sees it in the snapshot, not as an update.
    s.published = { ...s.open };
  }

  /** Folds one trade (trades arrive in command order, so timestamps never go back). */
  trade(ts: number, priceTicks: number, qtyLots: number): void {
    // The read models' candle notional: price in ticks × quantity in lots, summed per bucket.
    const notional = priceTicks * qtyLots;
    for (const interval of CANDLE_INTERVALS) {
      const s = this.#slot(interval);
      const start = bucketStart(ts, interval);
      const c = s.open;
      if (c !== undefined && start === c.bucketTs) {
        if (priceTicks > c.highTicks) c.highTicks = priceTicks;
        if (priceTicks < c.lowTicks) c.lowTicks = priceTicks;
        c.closeTicks = priceTicks;
        c.volumeLots += qtyLots;
        c.notional += notional;
        c.tradeCount += 1;
      } else if (c === undefined || start > c.bucketTs) {
        if (c !== undefined) s.closed.push({ ...c, closed: true });
        s.open = {
          bucketTs: start,
          openTicks: priceTicks,
          highTicks: priceTicks,
          lowTicks: priceTicks,
          closeTicks: priceTicks,
          volumeLots: qtyLots,
          notional,
          tradeCount: 1,
          closed: false,
        };
      } else {
        // An older bucket than the open one: impossible while command timestamps never decrease.
        continue;
      }
      s.dirty = true;
    }
  }

  /** The changes since the last flush: per interval, closed candles first, then the open one. */
  flush(): CandleChange[] {
    const out: CandleChange[] = [];
    for (const [interval, s] of this.#slots) {
      for (const candle of s.closed) out.push({ interval, candle });
      s.closed.length = 0;
      if (s.dirty && s.open !== undefined) {
        s.published = { ...s.open };
        out.push({ interval, candle: s.published });
      }
      s.dirty = false;
    }
    return out;
  }

  /** The open candle of `interval` as of the last flush, undefined before any trade or seed. */
  current(interval: CandleInterval): LiveCandle | undefined {
    return this.#slot(interval).published;
  }

  #slot(interval: CandleInterval): Slot {
    return this.#slots.get(interval)!;
  }
}

/** An open candle with exactly the wire fields (the seed may be a wider object). */
function openCandle(c: Omit<LiveCandle, 'closed'>): NonNullable<Slot['open']> {
  return {
    bucketTs: c.bucketTs,
    openTicks: c.openTicks,
    highTicks: c.highTicks,
    lowTicks: c.lowTicks,
    closeTicks: c.closeTicks,
    volumeLots: c.volumeLots,
    notional: c.notional,
    tradeCount: c.tradeCount,
    closed: false,
  };
}
