// The backtest driver: recorded commands run through the real engine in their order, and the
// strategy's intents become commands of a backtest account inserted at their simulated time plus the
// latency, so the engine matches them as it would have: a strategy order joins the book behind what
// rested before it and later recorded orders may trade against it; a recorded command its presence
// made invalid is refused by the engine as it would have been. Pure: the engine, the recorded
// commands and the strategy come in, a result comes out (reading journals and writing reports is the
// caller's). At one millisecond, recorded commands run before the strategy's, which never gets ahead
// of an order recorded at the same time.

import type { Command, Engine, EngineEvent, Fill, InstrumentSpec } from '@bourse/engine';
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
  type TradeUpdate,
} from '../strategy.ts';
import { countFill, type MarketStats, marketPnl, markTicks, newMarketStats } from './accounts.ts';
import { IdSpace, STRATEGY_SLOTS } from './id-space.ts';
import { type BacktestResult, type BacktestSettings, resultOf } from './result.ts';

/** Points of the P&L curve over the window (besides its start). */
const CURVE_POINTS = 200;

interface Pending {
  readonly due: number;
  readonly intent: Intent;
}

interface Market {
  readonly spec: InstrumentSpec;
  readonly stats: MarketStats;
}

/** Runs `strategy` over `recorded` (the commands after the engine's state, in seq order). */
export function runBacktest(
  engine: Engine,
  recorded: Iterable<Command>,
  strategy: Strategy,
  settings: BacktestSettings,
): BacktestResult {
  return new Backtest(engine, strategy, settings).run(recorded);
}

class Backtest implements StrategyView {
  readonly #engine: Engine;
  readonly #strategy: Strategy;
  readonly #s: BacktestSettings;
  readonly #ids: IdSpace;
  readonly #own = new OwnOrders();
  readonly #markets = new Map<number, Market>();
  readonly #bySymbol = new Map<string, Market>();
  readonly #watched: ReadonlySet<string>;
  readonly #funded = new Set<number>();
  readonly #pending: Pending[] = [];
  #head = 0;
  #nextTimer = Number.POSITIVE_INFINITY;
  #nextSample: number;
  readonly #step: number;
  #sinceRecorded = 0;
  #peak = 0;
  readonly out = {
    recordedCommands: 0,
    recordedRejected: 0,
    firstSeq: undefined as number | undefined,
    lastSeq: undefined as number | undefined,
    ordersSent: 0,
    cancelsSent: 0,
    rejected: new Map<string, number>(),
    fills: [] as FillUpdate[],
    curve: [] as [number, number][],
    maxDrawdown: 0,
  };
  now: number;

  constructor(engine: Engine, strategy: Strategy, settings: BacktestSettings) {
    checkSettings(strategy, settings);
    this.#engine = engine;
    this.#strategy = strategy;
    this.#s = settings;
    this.#ids = new IdSpace(engine.lastSeq, engine.maxOrderId);
    this.#watched = new Set(strategy.markets);
    this.now = settings.from;
    this.#step = Math.max(1, Math.ceil((settings.to - settings.from) / CURVE_POINTS));
    this.#nextSample = Math.min(settings.from + this.#step, settings.to);
    if (strategy.timerMs !== undefined) this.#nextTimer = settings.from + strategy.timerMs;
  }

  run(recorded: Iterable<Command>): BacktestResult {
    this.#begin();
    for (const c of recorded) {
      if (c.ts > this.#s.to) break;
      this.#advance(c.ts);
      this.#applyRecorded(c);
    }
    this.#advance(this.#s.to + 1);
    const markets = [...this.#markets.values()].map((m) => {
      const mark = this.#mark(m);
      return { stats: m.stats, mark, pnl: this.#pnl(m, mark) };
    });
    return resultOf(this.#s, this.out, markets);
  }

  // ---- StrategyView ----

  grid(market: string): MarketGrid | undefined {
    const spec = this.#bySymbol.get(market)?.spec;
    if (spec === undefined) return undefined;
    const { tickSize, minPriceTicks, maxPriceTicks, lotSize } = spec;
    return { market, tickSize, minPriceTicks, maxPriceTicks, lotSize };
  }

  book(market: string): BookState | undefined {
    const m = this.#bySymbol.get(market);
    const view = m === undefined ? undefined : this.#engine.book(m.spec.instrumentId, BOOK_DEPTH);
    if (view === undefined) return undefined;
    return {
      market,
      bids: view.bids.map(([p, q]) => [p, q] as const),
      asks: view.asks.map(([p, q]) => [p, q] as const),
    };
  }

  position(market: string): number {
    return this.#own.position(market);
  }

  openOrders(market?: string) {
    return this.#own.open(market);
  }

  // ---- the run ----

  #begin(): void {
    const { accountId } = this.#s;
    if (this.#engine.account(accountId) !== undefined) {
      throw new Error(`account ${accountId} already exists in the recorded history`);
    }
    this.#applyInserted({ type: 'createAccount', accountId, userId: accountId, subaccount: 0 });
    for (const i of this.#engine.instruments()) this.#register(i.spec);
    this.out.curve.push([this.#s.from, 0]);
  }

  /** Runs, in time order, everything of the strategy's due before `t`: orders, timers, samples. */
  #advance(t: number): void {
    for (;;) {
      const due = this.#head < this.#pending.length ? this.#pending[this.#head]!.due : Infinity;
      const next = Math.min(due, this.#nextTimer, this.#nextSample);
      if (next >= t) return;
      this.now = next;
      if (due === next) this.#applyIntent(this.#pending[this.#head++]!.intent, next);
      else if (this.#nextTimer === next) this.#fireTimer(next);
      else this.#sample(next);
      if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
        this.#pending.splice(0, this.#head);
        this.#head = 0;
      }
    }
  }

  #applyRecorded(c: Command): void {
    if (c.type === 'createAccount' && c.accountId === this.#s.accountId) {
      throw new Error(
        `recorded seq ${c.seq} creates account ${c.accountId}, the backtest account: choose another`,
      );
    }
    this.#sinceRecorded = 0;
    this.now = c.ts;
    const events = this.#engine.apply(this.#ids.rewrite(c));
    const o = this.out;
    o.recordedCommands++;
    o.firstSeq ??= c.seq;
    o.lastSeq = c.seq;
    if (events[0]?.type === 'rejected') o.recordedRejected++;
    this.#observe(events, c.ts);
  }

  /** A command of the backtest's own (its account, funding) at the current time. */
  #applyInserted(body: Record<string, unknown>): readonly EngineEvent[] {
    if (++this.#sinceRecorded >= STRATEGY_SLOTS) {
      throw new Error(
        `the strategy sent ${STRATEGY_SLOTS} commands between two recorded ones; is it looping?`,
      );
    }
    const command = { ...body, seq: this.#engine.lastSeq + 1, ts: this.now } as Command;
    return this.#engine.apply(command);
  }

  #applyIntent(intent: Intent, t: number): void {
    const accountId = this.#s.accountId;
    let events: readonly EngineEvent[];
    if (intent.type === 'cancel') {
      this.out.cancelsSent++;
      events = this.#applyInserted({
        type: 'cancelOrder',
        accountId,
        clientOrderId: intent.clientOrderId,
      });
    } else {
      this.out.ordersSent++;
      const m = this.#bySymbol.get(intent.market);
      if (m === undefined) {
        this.#own.refused(intent.clientOrderId);
        return this.#count('UNKNOWN_INSTRUMENT');
      }
      events = this.#applyInserted({
        type: 'placeOrder',
        orderId: this.#engine.maxOrderId + 1,
        accountId,
        instrumentId: m.spec.instrumentId,
        clientOrderId: intent.clientOrderId,
        side: intent.side,
        orderType: 'limit',
        priceTicks: intent.priceTicks,
        qtyLots: intent.qtyLots,
        tif: intent.tif ?? 'gtc',
        ...(intent.postOnly === true ? { postOnly: true } : {}),
      });
    }
    const first = events[0];
    if (first?.type === 'rejected') {
      this.#count(first.reason);
      if (intent.type === 'place') this.#own.refused(intent.clientOrderId);
    }
    this.#observe(events, t);
  }

  #count(reason: string): void {
    this.out.rejected.set(reason, (this.out.rejected.get(reason) ?? 0) + 1);
  }

  /** What a command did that the strategy hears of; its handlers run once the events are read. */
  #observe(events: readonly EngineEvent[], ts: number): void {
    let fills: FillUpdate[] | undefined;
    let trades: TradeUpdate[] | undefined;
    let books: Set<Market> | undefined;
    let created: InstrumentSpec[] | undefined;
    const own = this.#s.accountId;
    for (const e of events) {
      switch (e.type) {
        case 'fill': {
          const m = this.#markets.get(e.instrumentId);
          if (m === undefined) break;
          m.stats.lastTradeTicks = e.priceTicks;
          const { priceTicks, qtyLots, takerSide } = e;
          (trades ??= []).push({ market: m.stats.market, ts, priceTicks, qtyLots, takerSide });
          if (e.takerAccountId === own) (fills ??= []).push(this.#ownFill(m, e, 'taker', ts));
          if (e.makerAccountId === own) (fills ??= []).push(this.#ownFill(m, e, 'maker', ts));
          break;
        }
        case 'bookLevel': {
          const m = this.#markets.get(e.instrumentId);
          if (m !== undefined) (books ??= new Set()).add(m);
          break;
        }
        case 'orderAccepted':
          if (e.accountId === own && e.clientOrderId !== undefined) {
            this.#own.accepted(e.clientOrderId, e.orderId);
          }
          break;
        case 'orderCancelled':
          if (e.accountId === own) this.#own.endedById(e.orderId);
          break;
        case 'instrumentCreated':
          if (this.#watched.has(e.spec.symbol)) (created ??= []).push(e.spec);
          break;
        case 'marketSettled':
          this.#settled(e.instrumentId, e.valueTicks);
          break;
        default:
          break;
      }
    }
    // The events array is the engine's and is reused by the next command: read it all first.
    if (created !== undefined) for (const spec of created) this.#register(spec);
    if (fills !== undefined) this.#dispatchFills(fills, ts);
    if (trades !== undefined && this.#strategy.onTrade !== undefined) {
      for (const t of trades) this.#enqueue(this.#strategy.onTrade(t, this), ts);
    }
    if (books !== undefined && this.#strategy.onBook !== undefined) {
      for (const m of books)
        this.#enqueue(this.#strategy.onBook(this.book(m.stats.market)!, this), ts);
    }
  }

  #ownFill(m: Market, e: Fill, role: 'maker' | 'taker', ts: number): FillUpdate {
    const maker = role === 'maker';
    const orderId = maker ? e.makerOrderId : e.takerOrderId;
    const side = maker ? (e.takerSide === 'buy' ? 'sell' : 'buy') : e.takerSide;
    const fill: FillUpdate = {
      market: m.stats.market,
      ts,
      clientOrderId: this.#own.clientIdOf(orderId) ?? '',
      side,
      role,
      priceTicks: e.priceTicks,
      qtyLots: e.qtyLots,
      fee: maker ? e.makerFee : e.takerFee,
      openQtyLots: maker ? e.makerOpenQtyLots : e.takerOpenQtyLots,
    };
    countFill(m.stats, fill);
    this.#own.filled(orderId, fill);
    this.out.fills.push(fill);
    return fill;
  }

  #dispatchFills(fills: readonly FillUpdate[], ts: number): void {
    this.#drawdown(this.#totalPnl());
    if (this.#strategy.onFill === undefined) return;
    for (const f of fills) this.#enqueue(this.#strategy.onFill(f, this), ts);
  }

  #settled(instrumentId: number, valueTicks: number): void {
    const m = this.#markets.get(instrumentId);
    if (m === undefined) return;
    m.stats.settledTicks = valueTicks;
    this.#own.settled(m.stats.market);
  }

  #enqueue(actions: Actions, ts: number): void {
    if (actions === undefined) return;
    const due = ts + this.#s.latencyMs;
    for (const intent of actions) {
      if (intent.type === 'place') this.#own.sent(intent);
      this.#pending.push({ due, intent });
    }
  }

  #fireTimer(t: number): void {
    const timerMs = this.#strategy.timerMs!;
    this.#nextTimer = t + timerMs > this.#s.to ? Infinity : t + timerMs;
    this.#enqueue(this.#strategy.onTimer?.(this), t);
  }

  #sample(t: number): void {
    const pnl = this.#totalPnl();
    this.out.curve.push([t, pnl]);
    this.#drawdown(pnl);
    const to = this.#s.to;
    this.#nextSample = t >= to ? Infinity : Math.min(t + this.#step, to);
  }

  #drawdown(pnl: number): void {
    if (pnl > this.#peak) this.#peak = pnl;
    if (this.#peak - pnl > this.out.maxDrawdown) this.out.maxDrawdown = this.#peak - pnl;
  }

  #register(spec: InstrumentSpec): void {
    if (!this.#watched.has(spec.symbol) || this.#bySymbol.has(spec.symbol)) return;
    const assetId = spec.kind === 'binary' ? spec.settlementAssetId : spec.quoteAssetId;
    const asset = this.#engine.assets().find((a) => a.assetId === assetId);
    const { code, scale } = asset ?? { code: `asset ${assetId}`, scale: 1 };
    const terms = {
      kind: spec.kind,
      moneyPerTickLot: spec.moneyPerTickLot,
      payoutTicks: spec.kind === 'binary' ? spec.payoutTicks : undefined,
    };
    const money = newMarketStats(spec.symbol, spec.instrumentId, terms, { code, scale });
    const m = { spec, stats: money };
    this.#markets.set(spec.instrumentId, m);
    this.#bySymbol.set(spec.symbol, m);
    if (this.#funded.has(assetId)) return;
    this.#funded.add(assetId);
    const { accountId, cash } = this.#s;
    this.#applyInserted({ type: 'deposit', accountId, assetId, amount: cash });
  }

  #mark(m: Market): number | undefined {
    const book = this.#engine.book(m.spec.instrumentId, 1);
    return markTicks(m.stats, book?.bids[0]?.[0], book?.asks[0]?.[0]);
  }

  #pnl(m: Market, mark: number | undefined) {
    const position = this.#engine.position(this.#s.accountId, m.spec.instrumentId);
    return marketPnl(m.stats, position, mark, this.#s.fees);
  }

  #totalPnl(): number {
    let total = 0;
    for (const m of this.#markets.values()) total += this.#pnl(m, this.#mark(m)).pnl;
    return total;
  }
}

function checkSettings(strategy: Strategy, s: BacktestSettings): void {
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}`);
  };
  whole('from', s.from, 0);
  whole('to', s.to, s.from);
  whole('latencyMs', s.latencyMs, 0);
  whole('cash', s.cash, 1);
  whole('accountId', s.accountId, 1);
  if (strategy.timerMs !== undefined) whole('the strategy’s timerMs', strategy.timerMs, 1);
  if (!Array.isArray(strategy.markets) || strategy.markets.length === 0) {
    throw new Error('the strategy names no markets');
  }
}
