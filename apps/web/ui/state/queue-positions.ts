// When the open orders table asks the server again where the user's resting orders stand in their
// price levels' queues, and how a position reads. Pure (no React, no DOM) so it is unit-tested: which
// book changes and order updates can move a position, a slow timer for views that hear no book
// changes (it runs only while the page is visible), and a gate that turns any number of requests
// into at most one fetch in flight, started at most every `minGapMs`, always followed by one more
// after the last request, and retried after `retryMs` when a fetch fails.

import type { MarketInfo } from '../api/types.ts';
import { qty, qtyUnit } from '../format/units.ts';
import type { BookChange } from './market-feed.ts';

/** The book prices the user's resting orders sit at, by side: only changes there move a position. */
export interface WatchedPrices {
  readonly bids: ReadonlySet<number>;
  readonly asks: ReadonlySet<number>;
}

interface RestingAt {
  readonly market: string;
  readonly side: 'buy' | 'sell';
  readonly priceTicks: number;
  /** Open orders carry it (`parked` stops are not in the book); queue positions are all resting. */
  readonly state?: 'resting' | 'parked';
}

/** The levels of `market` holding any of `orders` (open orders and queue positions alike). */
export function watchedPrices(orders: Iterable<RestingAt>, market: string): WatchedPrices {
  const bids = new Set<number>();
  const asks = new Set<number>();
  for (const o of orders) {
    if (o.market !== market || o.state === 'parked') continue;
    (o.side === 'buy' ? bids : asks).add(o.priceTicks);
  }
  return { bids, asks };
}

/**
 * Whether a book message can have moved one of the watched orders: a delta that changed the size at
 * one of their levels (orders ahead filled, cancelled, shrunk or lost priority, or orders joined
 * behind), or a fresh snapshot (after a gap or a reconnect, when deltas may have been missed).
 */
export function bookTouches(change: BookChange, watched: WatchedPrices): boolean {
  if (watched.bids.size === 0 && watched.asks.size === 0) return false;
  if (change.snapshot) return true;
  for (const l of change.bids) if (watched.bids.has(l[0])) return true;
  for (const l of change.asks) if (watched.asks.has(l[0])) return true;
  return false;
}

/** Whether any of `orders` rests in a book: in `market`, or in any market when it is undefined. */
export function anyResting(orders: Iterable<RestingAt>, market?: string): boolean {
  for (const o of orders) {
    if (o.state !== 'parked' && (market === undefined || o.market === market)) return true;
  }
  return false;
}

/**
 * Whether an `orders` channel update names an order (placed, rested, filled, amended…) of `market`,
 * or of any market when `market` is undefined.
 */
export function ordersTouch(items: unknown, market?: string): boolean {
  if (!Array.isArray(items)) return false;
  return items.some((i) => {
    const named = (i as { market?: unknown } | null)?.market;
    return market === undefined ? typeof named === 'string' : named === market;
  });
}

export interface GateTimers {
  now(): number;
  setTimeout(task: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: GateTimers = {
  now: () => performance.now(),
  setTimeout: (task, ms) => setTimeout(task, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Whether the page is on screen (`document.visibilityState` in the browser), and when that changes. */
export interface Visibility {
  visible(): boolean;
  /** Calls `listener` when the page may have been shown or hidden; returns how to stop. */
  onChange(listener: () => void): () => void;
}

/**
 * Calls `tick` every `everyMs` while the page is visible. Hidden, nothing runs; shown again, `tick`
 * runs at once (what the page shows may have gone stale meanwhile) and the period starts over.
 * Returns how to stop.
 */
export function pollWhileVisible(
  tick: () => void,
  everyMs: number,
  visibility: Visibility,
  timers: GateTimers = realTimers,
): () => void {
  let timer: unknown;
  let stopped = false;
  let shown = visibility.visible();
  const cancel = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };
  const arm = () => {
    cancel();
    if (stopped || !shown) return;
    timer = timers.setTimeout(() => {
      timer = undefined;
      tick();
      arm();
    }, everyMs);
  };
  const off = visibility.onChange(() => {
    const now = visibility.visible();
    if (now === shown) return;
    shown = now;
    if (shown) tick();
    arm();
  });
  arm();
  return () => {
    stopped = true;
    cancel();
    off();
  };
}

export interface RefreshGateOptions {
  /** Least time between the starts of two fetches. */
  readonly minGapMs: number;
  /** After a failed fetch with nothing else asked for, try again this much later. */
  readonly retryMs: number;
  readonly timers?: GateTimers;
}

/**
 * Coalesces refresh requests. The first request after a quiet spell fetches on the next turn; later
 * ones wait until `minGapMs` after the previous start, and while a fetch is in flight they only mark
 * that one more is wanted once it settles. A fetch that rejects is retried after `retryMs` unless a
 * request brings it forward. `dispose()` cancels anything pending; a fetch in flight is not awaited.
 */
export class RefreshGate {
  readonly #fetch: () => Promise<unknown>;
  readonly #minGapMs: number;
  readonly #retryMs: number;
  readonly #timers: GateTimers;
  #timer: unknown;
  /** When the pending timer fires (undefined when none is pending). */
  #due: number | undefined;
  #inFlight = false;
  #wanted = false;
  #lastStart = Number.NEGATIVE_INFINITY;
  #disposed = false;

  constructor(fetch: () => Promise<unknown>, options: RefreshGateOptions) {
    this.#fetch = fetch;
    this.#minGapMs = options.minGapMs;
    this.#retryMs = options.retryMs;
    this.#timers = options.timers ?? realTimers;
  }

  /** Asks for a fresh fetch. */
  request(): void {
    if (this.#disposed) return;
    this.#wanted = true;
    if (!this.#inFlight) this.#scheduleAt(this.#lastStart + this.#minGapMs);
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancelTimer();
  }

  #scheduleAt(at: number): void {
    const now = this.#timers.now();
    const due = Math.max(at, now);
    if (this.#due !== undefined && this.#due <= due) return;
    this.#cancelTimer();
    this.#due = due;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#due = undefined;
      this.#start();
    }, due - now);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = undefined;
  }

  #start(): void {
    if (this.#disposed) return;
    this.#wanted = false;
    this.#inFlight = true;
    this.#lastStart = this.#timers.now();
    let failed = false;
    let settled: Promise<unknown>;
    try {
      settled = this.#fetch().catch(() => {
        failed = true;
      });
    } catch {
      failed = true;
      settled = Promise.resolve();
    }
    void settled.then(() => {
      this.#inFlight = false;
      if (this.#disposed) return;
      if (this.#wanted) this.#scheduleAt(this.#lastStart + this.#minGapMs);
      else if (failed) {
        this.#wanted = true;
        this.#scheduleAt(this.#timers.now() + this.#retryMs);
      }
    });
  }
}

/** How a resting order's place in its queue reads: short in the cell, whole for screen readers. */
export interface QueueText {
  readonly text: string;
  readonly label: string;
}

/**
 * "Front" at the front of the queue, else the quantity ahead in the table's units ("2", meaning
 * "2 contracts ahead"); "—" with `unknown` as its label when the position is not known (a parked stop,
 * not fetched yet, or the fetch failed).
 */
export function queueText(
  m: MarketInfo,
  aheadLots: number | undefined,
  unknown: string,
): QueueText {
  if (aheadLots === undefined) return { text: '—', label: unknown };
  if (aheadLots === 0) return { text: 'Front', label: 'Front of the queue' };
  const text = qty(m, aheadLots);
  return { text, label: `${text} ${qtyUnit(m)} ahead` };
}
