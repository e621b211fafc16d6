// Books of some markets kept right over a connection that fails: a sequence gap resubscribes for a fresh
// snapshot, a dropped socket is reopened (with backoff, honouring a refused handshake's Retry-After)
// and every subscription made again, a duplicated message changes nothing (book levels by seq, fills
// by trade id), and a book that has gone quiet is checked against the REST book and resnapshotted
// when it differs (a stale feed). `depth()` answers undefined while a market is being resynchronised.

import { setTimeout as delay } from 'node:timers/promises';
import { BookMirror, type BookMessage } from './book-mirror.ts';
import { BourseApiError } from './client-error.ts';
import type { RestClient } from './rest-client.ts';
import { SocketClient } from './socket-client.ts';
import type { Level } from './wire-types.ts';

export interface LiveBookOptions {
  /** Market symbols whose books to keep. */
  readonly markets: readonly string[];
  /** Also follow the account's fills (needs credentials), counted once per trade id. */
  readonly fills?: boolean;
  /** A book with no message for this long is checked against the REST book (default 5 s). */
  readonly staleAfterMs?: number;
  /** First wait before reopening a dropped socket; doubles up to 5 s (default 100 ms). */
  readonly reconnectMs?: number;
  /** What the feed did to stay right (for logs and tests). */
  readonly onEvent?: (e: LiveBookEvent) => void;
}

export type LiveBookEvent =
  | { readonly type: 'gap' | 'stale'; readonly market: string }
  | { readonly type: 'reconnected' }
  | { readonly type: 'error'; readonly error: unknown };

interface Tracked {
  readonly mirror: BookMirror;
  /** `performance.now()` of the last book message. */
  lastMessageAt: number;
  resyncing: boolean;
}

export class LiveBook {
  readonly #rest: RestClient;
  readonly #opts: LiveBookOptions;
  readonly #books = new Map<string, Tracked>();
  readonly #tradeIds = new Set<number>();
  readonly #filledLots = new Map<string, number>();
  #socket: SocketClient | undefined;
  #closed = false;
  readonly #watchdog: NodeJS.Timeout;

  private constructor(rest: RestClient, opts: LiveBookOptions) {
    this.#rest = rest;
    this.#opts = opts;
    for (const m of opts.markets) {
      this.#books.set(m, { mirror: new BookMirror(), lastMessageAt: 0, resyncing: true });
    }
    const staleMs = opts.staleAfterMs ?? 5_000;
    this.#watchdog = setInterval(() => void this.#checkStale(staleMs), Math.max(50, staleMs / 2));
    this.#watchdog.unref();
  }

  /** Connects and subscribes; resolves once every book has its first snapshot. */
  static async open(rest: RestClient, opts: LiveBookOptions): Promise<LiveBook> {
    const live = new LiveBook(rest, opts);
    await live.#connect();
    return live;
  }

  /** The market's book as this client sees it; undefined until (re)synchronised. */
  depth(market: string): { seq: number; bids: Level[]; asks: Level[] } | undefined {
    const t = this.#books.get(market);
    const seq = t?.mirror.seq;
    if (t === undefined || t.resyncing || seq === undefined) return undefined;
    return { seq, ...t.mirror.depth() };
  }

  /** Lots the account has filled in the market since the feed opened (each trade counted once). */
  filledLots(market: string): number {
    return this.#filledLots.get(market) ?? 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    await this.#socket?.close();
  }

  async #connect(): Promise<void> {
    const socket = await SocketClient.connect(this.#rest);
    this.#socket = socket;
    socket.onMessage = (m) => this.#receive(m);
    socket.onClose = () => {
      if (!this.#closed) void this.#reconnect();
    };
    if (this.#opts.fills === true) await socket.subscribe('fills');
    for (const [market, t] of this.#books) {
      t.resyncing = true;
      await socket.subscribe('book', market);
    }
  }

  async #reconnect(): Promise<void> {
    for (const t of this.#books.values()) t.resyncing = true;
    let waitMs = this.#opts.reconnectMs ?? 100;
    while (!this.#closed) {
      try {
        await this.#connect();
        this.#opts.onEvent?.({ type: 'reconnected' });
        return;
      } catch (error) {
        this.#opts.onEvent?.({ type: 'error', error });
        const told = error instanceof BourseApiError ? error.retryAfterSeconds : undefined;
        await delay(told === undefined ? waitMs : told * 1000);
        waitMs = Math.min(5_000, waitMs * 2);
      }
    }
  }

  #receive(m: Record<string, unknown>): void {
    if (m.channel === 'fills' && m.type === 'update') {
      this.#countFills(m.items as readonly Record<string, unknown>[]);
      return;
    }
    if (m.channel !== 'book') return;
    const market = m.market as string;
    const t = this.#books.get(market);
    if (t === undefined) return;
    t.lastMessageAt = performance.now();
    if (m.type === 'snapshot') t.resyncing = false;
    if (!t.mirror.apply(m as unknown as BookMessage) && !t.resyncing) {
      this.#opts.onEvent?.({ type: 'gap', market });
      void this.#resubscribe(market, t);
    }
  }

  #countFills(items: readonly Record<string, unknown>[]): void {
    for (const f of items) {
      const tradeId = f.tradeId as number;
      if (this.#tradeIds.has(tradeId)) continue;
      this.#tradeIds.add(tradeId);
      const market = f.market as string;
      this.#filledLots.set(market, this.filledLots(market) + (f.qtyLots as number));
    }
  }

  /** A repeated subscription is answered with a fresh snapshot. */
  async #resubscribe(market: string, t: Tracked): Promise<void> {
    t.resyncing = true;
    try {
      await this.#socket?.subscribe('book', market);
    } catch (error) {
      // The socket closed: the reconnect subscribes again.
      this.#opts.onEvent?.({ type: 'error', error });
    }
  }

  /** A quiet book may be a frozen feed: compare it with the REST book, resnapshot if they differ. */
  async #checkStale(staleMs: number): Promise<void> {
    const now = performance.now();
    for (const [market, t] of this.#books) {
      if (t.resyncing || now - t.lastMessageAt < staleMs) continue;
      t.lastMessageAt = now;
      try {
        const rest = await this.#rest.book(market);
        if (t.resyncing || sameLevels(rest, t.mirror.depth())) continue;
        this.#opts.onEvent?.({ type: 'stale', market });
        await this.#resubscribe(market, t);
      } catch (error) {
        this.#opts.onEvent?.({ type: 'error', error });
      }
    }
  }
}

type Sides = { readonly bids: readonly Level[]; readonly asks: readonly Level[] };

/** Same prices and quantities on both sides (order counts aside). */
function sameLevels(a: Sides, b: Sides): boolean {
  const key = (s: Sides) =>
    JSON.stringify([s.bids.map((l) => [l[0], l[1]]), s.asks.map((l) => [l[0], l[1]])]);
  return key(a) === key(b);
}
