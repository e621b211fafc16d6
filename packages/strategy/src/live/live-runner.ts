// Runs a strategy live against any Bourse through `@bourse/client`: one signed WebSocket carries the
// books and trades of its markets and its account's orders and fills; its intents are sent on the same
// socket one at a time, in the order it gave them; `onTimer` runs on a real interval. The view it reads
// is kept as in a backtest (`OwnOrders`), so the same module behaves the same in both.

import { BookMirror, type BookMessage, type RestClient, SocketClient } from '@bourse/client';
import { OwnOrders } from '../own-orders.ts';
import {
  type Actions,
  BOOK_DEPTH,
  type BookState,
  type FillUpdate,
  type Intent,
  type MarketGrid,
  type Strategy,
  type StrategyView,
} from '../strategy.ts';

export interface LiveOptions {
  /** A handler threw, or the exchange refused an intent; the runner carries on. */
  readonly onError?: (error: Error) => void;
}

export class LiveRunner implements StrategyView {
  readonly #strategy: Strategy;
  readonly #socket: SocketClient;
  readonly #grids: ReadonlyMap<string, MarketGrid>;
  readonly #mirrors = new Map<string, BookMirror>();
  readonly #own = new OwnOrders();
  readonly #onError: (error: Error) => void;
  #sending: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Intents the exchange refused, by error code. */
  readonly refused = new Map<string, number>();
  readonly fills: FillUpdate[] = [];
  /** Orders the exchange accepted. */
  placed = 0;

  private constructor(
    strategy: Strategy,
    socket: SocketClient,
    grids: ReadonlyMap<string, MarketGrid>,
    options: LiveOptions,
  ) {
    this.#strategy = strategy;
    this.#socket = socket;
    this.#grids = grids;
    this.#onError = options.onError ?? (() => {});
    for (const market of grids.keys()) this.#mirrors.set(market, new BookMirror());
  }

  /** Connects, subscribes and starts the strategy's timer. */
  static async start(
    rest: RestClient,
    strategy: Strategy,
    options: LiveOptions = {},
  ): Promise<LiveRunner> {
    const grids = new Map<string, MarketGrid>();
    for (const market of strategy.markets) {
      const m = await rest.market(market);
      const { tickSize, minPriceTicks, maxPriceTicks, lotSize } = m.spec;
      grids.set(market, { market, tickSize, minPriceTicks, maxPriceTicks, lotSize });
    }
    const socket = await SocketClient.connect(rest);
    const runner = new LiveRunner(strategy, socket, grids, options);
    socket.onMessage = (msg) => {
      try {
        runner.#receive(msg);
      } catch (error) {
        runner.#onError(error as Error);
      }
    };
    try {
      await socket.subscribe('orders');
      await socket.subscribe('fills');
      for (const market of grids.keys()) {
        await socket.subscribe('trades', market);
        await socket.subscribe('book', market);
      }
    } catch (error) {
      await socket.close();
      throw error;
    }
    if (strategy.timerMs !== undefined) {
      runner.#timer = setInterval(
        () => runner.#call(() => strategy.onTimer?.(runner)),
        strategy.timerMs,
      );
    }
    return runner;
  }

  /** Stops the timer, waits for the intents already given, and closes the socket. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#sending;
    await this.#socket.close();
  }

  /** Resolves once every intent given so far has been answered by the exchange. */
  idle(): Promise<void> {
    return this.#sending;
  }

  get now(): number {
    return Date.now();
  }

  grid(market: string): MarketGrid | undefined {
    return this.#grids.get(market);
  }

  book(market: string): BookState | undefined {
    const mirror = this.#mirrors.get(market);
    if (mirror?.seq === undefined) return undefined;
    const { bids, asks } = mirror.depth();
    const top = (levels: typeof bids) =>
      levels.slice(0, BOOK_DEPTH).map(([p, q]) => [p, q] as const);
    return { market, bids: top(bids), asks: top(asks) };
  }

  position(market: string): number {
    return this.#own.position(market);
  }

  openOrders(market?: string) {
    return this.#own.open(market);
  }

  #receive(msg: Record<string, unknown>): void {
    // Answers to subscriptions carry a channel too; only the channel's data is read here.
    if (msg.type === 'subscribed' || msg.type === 'unsubscribed') return;
    switch (msg.channel) {
      case 'book':
        return this.#book(msg as unknown as BookMessage & { market: string });
      case 'trades':
        for (const t of msg.trades as {
          priceTicks: number;
          qtyLots: number;
          takerSide: 'buy' | 'sell';
          ts: number;
        }[]) {
          const trade = { market: msg.market as string, ...pick(t) };
          this.#call(() => this.#strategy.onTrade?.(trade, this));
        }
        return;
      case 'orders':
        for (const item of msg.items as Record<string, unknown>[]) this.#orderEvent(item);
        return;
      case 'fills':
        for (const item of msg.items as Record<string, unknown>[]) this.#fill(item);
        return;
      default:
        return;
    }
  }

  #book(m: BookMessage & { market: string }): void {
    const mirror = this.#mirrors.get(m.market);
    if (mirror === undefined) return;
    if (!mirror.apply(m)) {
      // A gap: ask for a fresh snapshot rather than trade on a wrong book.
      this.#socket.subscribe('book', m.market).catch((e: Error) => this.#onError(e));
      return;
    }
    const book = this.book(m.market);
    if (book !== undefined) this.#call(() => this.#strategy.onBook?.(book, this));
  }

  #orderEvent(item: Record<string, unknown>): void {
    if (item.type === 'orderAccepted' && typeof item.clientOrderId === 'string') {
      this.#own.accepted(item.clientOrderId, item.orderId as number);
    } else if (item.type === 'orderCancelled') {
      this.#own.endedById(item.orderId as number);
    }
  }

  #fill(item: Record<string, unknown>): void {
    const orderId = item.orderId as number;
    const clientOrderId = this.#own.clientIdOf(orderId);
    if (clientOrderId === undefined) return; // not one of the strategy's orders
    const fill: FillUpdate = {
      market: item.market as string,
      ts: item.ts as number,
      clientOrderId,
      side: item.side as 'buy' | 'sell',
      role: item.role as 'maker' | 'taker',
      priceTicks: item.priceTicks as number,
      qtyLots: item.qtyLots as number,
      fee: item.fee as number,
      openQtyLots: item.openQtyLots as number,
    };
    this.#own.filled(orderId, fill);
    this.fills.push(fill);
    this.#call(() => this.#strategy.onFill?.(fill, this));
  }

  /** Runs a handler and sends what it answers, after everything sent before. */
  #call(handler: () => Actions): void {
    if (this.#stopped) return;
    let actions: Actions;
    try {
      actions = handler();
    } catch (error) {
      this.#onError(error as Error);
      return;
    }
    for (const intent of actions ?? []) {
      if (intent.type === 'place') this.#own.sent(intent);
      this.#sending = this.#sending.then(() => this.#send(intent));
    }
  }

  async #send(intent: Intent): Promise<void> {
    try {
      if (intent.type === 'cancel') {
        const orderId = this.#own.orderIdOf(intent.clientOrderId);
        if (orderId !== undefined) await this.#socket.cancel(orderId);
        return;
      }
      const ack = await this.#socket.place({
        market: intent.market,
        side: intent.side,
        type: 'limit',
        priceTicks: intent.priceTicks,
        qtyLots: intent.qtyLots,
        tif: intent.tif ?? 'gtc',
        clientOrderId: intent.clientOrderId,
        ...(intent.postOnly === true ? { postOnly: true } : {}),
      });
      this.#own.accepted(intent.clientOrderId, ack.orderId);
      this.placed++;
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERROR';
      this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
      if (intent.type === 'place') this.#own.refused(intent.clientOrderId);
      this.#onError(error as Error);
    }
  }
}

function pick(t: { priceTicks: number; qtyLots: number; takerSide: 'buy' | 'sell'; ts: number }) {
  return { ts: t.ts, priceTicks: t.priceTicks, qtyLots: t.qtyLots, takerSide: t.takerSide };
}
