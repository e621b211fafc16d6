// One market's live view: the book mirrored from snapshot + deltas (a sequence gap asks the socket for
// a fresh snapshot instead of showing a wrong book), the recent trade tape and the ticker, and on demand
// its candles of one interval. Messages are applied as they arrive but listeners hear about the book,
// tape and ticker at most once per animation frame; views that care which levels moved (the open
// orders' queue positions) can hear each applied book message as it arrives.

import { BookMirror, type BookMessage } from '@bourse/client';
import { scheduleFrame } from '../api/frame-scheduler.ts';
import type { LiveSocket, WireMessage } from '../api/live-socket.ts';
import type {
  CandleInterval,
  CandleMessage,
  CandleSnapshotMessage,
  Level,
  LiveCandle,
  TradeRow,
} from '../api/types.ts';

export interface Ticker {
  readonly status: string;
  /** The whole exchange is halted, whatever the market's own status. */
  readonly tradingHalted?: boolean;
  /** The market's circuit breaker paused it; it reopens by itself at `reopensAt`. */
  readonly pausedByBreaker?: boolean;
  readonly reopensAt?: number | null;
  readonly lastPriceTicks: number | null;
  readonly bestBidTicks: number | null;
  readonly bestAskTicks: number | null;
  readonly volume24hLots: number;
}

/** The status a person should see: an open market of a halted exchange does not trade. */
export function tickerStatus(t: Ticker): string {
  return t.tradingHalted === true && t.status === 'open' ? 'halted' : t.status;
}

export interface MarketSnapshot {
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
  /** False until the first book snapshot, and again while waiting for one after a gap. */
  readonly bookReady: boolean;
  readonly trades: readonly TradeRow[];
  readonly ticker: Ticker | undefined;
  readonly resyncs: number;
}

/** One applied book message: a snapshot's whole book, or a delta's changed levels (size 0 = gone). */
export interface BookChange {
  readonly snapshot: boolean;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

const TAPE_LENGTH = 200;

export class MarketFeed {
  readonly market: string;
  readonly #socket: LiveSocket;
  readonly #mirror = new BookMirror();
  readonly #listeners = new Set<() => void>();
  readonly #bookListeners = new Set<(change: BookChange) => void>();
  #trades: TradeRow[] = [];
  #ticker: Ticker | undefined;
  #ready = false;
  #bookDirty = true;
  #resyncs = 0;
  #snapshot: MarketSnapshot | undefined;
  #releases: (() => void)[] = [];
  readonly #notify = () => {
    this.#snapshot = this.#build();
    for (const l of this.#listeners) l();
  };

  constructor(socket: LiveSocket, market: string) {
    this.market = market;
    this.#socket = socket;
    this.#snapshot = this.#build();
  }

  start(): void {
    this.#releases = [
      this.#socket.onMessage((m) => this.#receive(m)),
      this.#socket.subscribe('book', this.market),
      this.#socket.subscribe('trades', this.market),
      this.#socket.subscribe('ticker', this.market),
    ];
  }

  stop(): void {
    for (const r of this.#releases) r();
    this.#releases = [];
  }

  /** Older trades from REST, merged under the live ones (newest first, no duplicates). */
  seedTrades(trades: readonly TradeRow[]): void {
    const seen = new Set(this.#trades.map((t) => t.tradeId));
    this.#trades = [...this.#trades, ...trades.filter((t) => !seen.has(t.tradeId))]
      .sort((a, b) => b.tradeId - a.tradeId)
      .slice(0, TAPE_LENGTH);
    scheduleFrame(this.#notify);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): MarketSnapshot => this.#snapshot!;

  /**
   * Hears every book message the mirror accepted, at once (not once per frame): snapshots and the
   * levels each delta changed. Deltas refused while waiting for a fresh snapshot are not passed on.
   * The returned function stops listening.
   */
  onBookChange(listener: (change: BookChange) => void): () => void {
    this.#bookListeners.add(listener);
    return () => this.#bookListeners.delete(listener);
  }

  /**
   * Subscribes to the market's candles of `interval` (the chart): the listener hears the open candle
   * from the snapshot (again after every reconnect), then every update as it arrives, a closed candle
   * before the first of the next bucket. The returned function unsubscribes.
   *
   * A snapshot after the first means the socket reconnected: candles that closed while it was down
   * were never sent, so `onResync` is called for the caller to fetch history again.
   */
  onCandles(
    interval: CandleInterval,
    listener: (candle: LiveCandle) => void,
    onResync?: () => void,
  ): () => void {
    let snapshots = 0;
    const off = this.#socket.onMessage((m) => {
      if (m.channel !== 'candles' || m.market !== this.market || m.interval !== interval) return;
      if (m.type === 'candle') listener(m as unknown as CandleMessage);
      else if (m.type === 'snapshot') {
        const open = (m as unknown as CandleSnapshotMessage).candle;
        if (snapshots++ > 0) onResync?.();
        if (open !== null) listener(open);
      }
    });
    const release = this.#socket.subscribe('candles', this.market, { interval });
    return () => {
      release();
      off();
    };
  }

  #receive(m: WireMessage): void {
    if (m.market !== this.market) return;
    if (m.channel === 'book' && (m.type === 'snapshot' || m.type === 'delta')) {
      if (m.type === 'snapshot') this.#ready = true;
      this.#bookDirty = true;
      const book = m as unknown as BookMessage;
      if (!this.#mirror.apply(book)) {
        if (this.#ready) {
          // One resubscribe per gap: deltas until the fresh snapshot are refused the same way.
          this.#ready = false;
          this.#resyncs++;
          this.#socket.resubscribe('book', this.market);
        }
      } else if (this.#ready && this.#bookListeners.size > 0) {
        const change = { snapshot: book.type === 'snapshot', bids: book.bids, asks: book.asks };
        for (const l of this.#bookListeners) l(change);
      }
      scheduleFrame(this.#notify);
    } else if (m.channel === 'trades' && m.type === 'trades') {
      const fresh = (m.trades as TradeRow[]).slice().reverse();
      this.#trades = [...fresh, ...this.#trades].slice(0, TAPE_LENGTH);
      scheduleFrame(this.#notify);
    } else if (m.channel === 'ticker' && m.type === 'ticker') {
      this.#ticker = m as unknown as Ticker;
      scheduleFrame(this.#notify);
    }
  }

  #build(): MarketSnapshot {
    // Sort the book only when it changed, and keep the same arrays otherwise so memoised views skip.
    let { bids, asks } = this.#snapshot ?? { bids: [], asks: [] };
    if (this.#bookDirty) {
      ({ bids, asks } = this.#mirror.depth());
      this.#bookDirty = false;
    }
    return {
      bids,
      asks,
      bookReady: this.#ready,
      trades: this.#trades,
      ticker: this.#ticker,
      resyncs: this.#resyncs,
    };
  }
}
