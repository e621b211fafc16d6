// The arithmetic of an account's performance report, as a pure function of the rows the read models
// hold: the ledger gives cash and net deposits, fills and settlements rebuild each position's books by
// the engine's own P&L rules (`@bourse/engine`'s pnl.ts), and candle closes mark positions at each
// bucket's end. Walking the account's history once, it samples the account at every bucket boundary.

import {
  bookBinaryFill,
  bookSpotFill,
  type PnlTerms,
  type PositionBook,
  positionValue,
  realisedAfterFees,
  spotHoldingValue,
  unrealisedPnl,
} from '@bourse/engine';
import { bucketStart, type CandleInterval, INTERVAL_MS } from '@bourse/marketdata';
import { InvalidQueryError } from './invalid-query-error.ts';
import type {
  EventPerformance,
  MarketPerformance,
  PerformancePoint,
  PerformanceQuery,
  PerformanceReport,
  PerformanceStats,
} from './performance-types.ts';
import type { ReportStamp } from './report-types.ts';

/** Buckets a default interval aims at; a range is refused beyond `MAX_POINTS`. */
export const DEFAULT_POINTS = 500;
export const MAX_POINTS = 5_000;
const INTERVALS: readonly CandleInterval[] = ['1m', '1h', '1d'];
const EXTERNAL = new Set(['deposit', 'withdraw', 'transferIn', 'transferOut']);

export interface PerfTerms extends PnlTerms {
  readonly instrumentId: number;
  readonly symbol: string;
  readonly eventTicker: string | undefined;
  readonly moneyAssetId: number;
  readonly baseAssetId: number | undefined;
  readonly payoutTicks: number;
  readonly baseUnitsPerLot: number;
}

export interface PerfLedger {
  readonly seq: number;
  readonly ts: number;
  readonly assetId: number;
  readonly kind: string;
  readonly amount: number;
}

export interface PerfFill {
  readonly seq: number;
  readonly ts: number;
  readonly instrumentId: number;
  readonly side: 'buy' | 'sell';
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly fee: number;
}

export interface PerfSettlement {
  readonly seq: number;
  readonly ts: number;
  readonly instrumentId: number;
  readonly realisedPnl: number;
}

/** A market's last trade price before the range, and its candle closes (bucket start, close) within it. */
export interface PerfMarks {
  readonly before: number | undefined;
  readonly closes: readonly (readonly [number, number])[];
}

/** The buckets a query covers: `count` buckets of `interval` from `startTs`. */
export interface PerfRange {
  readonly interval: CandleInterval;
  readonly startTs: number;
  readonly count: number;
}

/** Resolves the query's range; `firstTs` is the account's first movement (the default start). */
export function resolveRange(q: PerformanceQuery, firstTs: number | undefined): PerfRange {
  const from = Math.min(q.fromTs ?? firstTs ?? q.toTs, q.toTs);
  const count = (interval: CandleInterval) =>
    (bucketStart(q.toTs, interval) - bucketStart(from, interval)) / INTERVAL_MS[interval] + 1;
  const interval =
    q.interval ?? INTERVALS.find((i) => count(i) <= DEFAULT_POINTS) ?? INTERVALS.at(-1)!;
  const n = count(interval);
  if (n > MAX_POINTS) {
    throw new InvalidQueryError(
      'INVALID_QUERY',
      `interval: ${n} buckets of ${interval} in the range; at most ${MAX_POINTS} (choose a longer interval or a shorter range)`,
    );
  }
  return { interval, startTs: bucketStart(from, interval), count: n };
}

export interface PerfFacts {
  readonly stamp: ReportStamp;
  readonly accountId: number;
  readonly assetId: number;
  readonly range: PerfRange;
  readonly ledger: readonly PerfLedger[];
  readonly fills: readonly PerfFill[];
  readonly settlements: readonly PerfSettlement[];
  readonly terms: ReadonlyMap<number, PerfTerms>;
  readonly marks: ReadonlyMap<number, PerfMarks>;
}

interface Book extends PositionBook {
  fees: number;
}

/** One market's figures at a boundary. */
interface MarketFigures {
  readonly lots: number;
  readonly realised: number;
  readonly fees: number;
  readonly unrealised: number;
}

/** The account's history walked forward; `advance(b)` applies everything before `b`. */
class HistoryWalk {
  readonly books = new Map<number, Book>();
  readonly cash = new Map<number, number>();
  netDeposits = 0;
  #l = 0;
  #f = 0;
  #s = 0;
  readonly #m = new Map<number, number>();
  readonly facts: PerfFacts;

  constructor(facts: PerfFacts) {
    this.facts = facts;
  }

  advance(boundary: number): void {
    const f = this.facts;
    for (; this.#l < f.ledger.length && f.ledger[this.#l]!.ts < boundary; this.#l++) {
      const r = f.ledger[this.#l]!;
      this.cash.set(r.assetId, (this.cash.get(r.assetId) ?? 0) + r.amount);
      if (r.assetId === f.assetId && EXTERNAL.has(r.kind)) this.netDeposits += r.amount;
    }
    // Fills and settlements in seq order (one market never has both in one command).
    for (;;) {
      const fill = f.fills[this.#f];
      const settle = f.settlements[this.#s];
      const fillNext = fill !== undefined && fill.ts < boundary;
      const settleNext = settle !== undefined && settle.ts < boundary;
      if (fillNext && (!settleNext || fill.seq < settle.seq)) {
        this.#fill(fill);
        this.#f++;
      } else if (settleNext) {
        const b = this.book(settle.instrumentId);
        b.realisedPnl += settle.realisedPnl;
        b.costBasis = 0;
        b.lots = 0;
        this.#s++;
      } else break;
    }
  }

  book(instrumentId: number): Book {
    let b = this.books.get(instrumentId);
    if (b === undefined) {
      b = { lots: 0, costBasis: 0, realisedPnl: 0, fees: 0 };
      this.books.set(instrumentId, b);
    }
    return b;
  }

  #fill(x: PerfFill): void {
    const t = this.facts.terms.get(x.instrumentId);
    if (t === undefined) return;
    const b = this.book(x.instrumentId);
    const buy = x.side === 'buy';
    if (t.kind === 'binary') {
      bookBinaryFill(b, buy, x.priceTicks, x.qtyLots, t.payoutTicks, t.moneyPerTickLot);
    } else {
      const cost = x.priceTicks * x.qtyLots * t.moneyPerTickLot;
      bookSpotFill(b, buy ? x.qtyLots : -x.qtyLots, cost);
    }
    b.fees += x.fee;
  }

  /** The last trade price of a market before `boundary` (closes are read in increasing boundaries). */
  mark(instrumentId: number, boundary: number): number | undefined {
    const m = this.facts.marks.get(instrumentId);
    if (m === undefined) return undefined;
    let i = this.#m.get(instrumentId) ?? 0;
    while (i < m.closes.length && m.closes[i]![0] < boundary) i++;
    this.#m.set(instrumentId, i);
    return i === 0 ? m.before : m.closes[i - 1]![1];
  }

  /** Each market's figures at `boundary` (counted in the money asset only). */
  figures(boundary: number): Map<number, MarketFigures> {
    const out = new Map<number, MarketFigures>();
    for (const [id, b] of this.books) {
      const t = this.facts.terms.get(id)!;
      if (t.moneyAssetId !== this.facts.assetId) continue;
      const mark = b.lots === 0 ? undefined : this.mark(id, boundary);
      const unrealised = mark === undefined ? 0 : unrealisedPnl(t, b.lots, b.costBasis, mark);
      out.set(id, { lots: b.lots, realised: b.realisedPnl, fees: b.fees, unrealised });
    }
    return out;
  }

  point(boundary: number, figures: ReadonlyMap<number, MarketFigures>): PerformancePoint {
    const f = this.facts;
    let positionsValue = 0;
    let realisedPnl = 0;
    let feesPaid = 0;
    let unrealised = 0;
    for (const [id, x] of figures) {
      realisedPnl += x.realised;
      feesPaid += x.fees;
      unrealised += x.unrealised;
      const t = f.terms.get(id)!;
      if (t.kind !== 'binary' || x.lots === 0) continue;
      const mark = this.mark(id, boundary);
      const b = this.books.get(id)!;
      positionsValue += mark === undefined ? b.costBasis : positionValue(t, x.lots, mark);
    }
    const cash = this.cash.get(f.assetId) ?? 0;
    const holdingsValue = this.#holdings(boundary);
    return {
      ts: boundary,
      cash,
      positionsValue,
      holdingsValue,
      value: cash + positionsValue + holdingsValue,
      netDeposits: this.netDeposits,
      realisedPnl,
      feesPaid,
      unrealisedPnl: unrealised,
      pnl: realisedAfterFees({ realisedPnl, feesPaid }) + unrealised,
    };
  }

  /** Assets other than the money asset at the last price of their spot market quoted in it. */
  #holdings(boundary: number): number {
    let total = 0;
    for (const [assetId, amount] of this.cash) {
      if (assetId === this.facts.assetId || amount === 0) continue;
      const market = spotMarketFor(this.facts, assetId);
      const mark = market === undefined ? undefined : this.mark(market.instrumentId, boundary);
      if (market !== undefined && mark !== undefined) {
        total += spotHoldingValue(market, amount, mark);
      }
    }
    return total;
  }
}

/** The spot market (lowest id) that prices `baseAssetId` in the report's money asset. */
export function spotMarketFor(
  f: Pick<PerfFacts, 'terms' | 'assetId'>,
  baseAssetId: number,
): PerfTerms | undefined {
  let found: PerfTerms | undefined;
  for (const t of f.terms.values()) {
    if (t.kind !== 'spot' || t.baseAssetId !== baseAssetId || t.moneyAssetId !== f.assetId)
      continue;
    if (found === undefined || t.instrumentId < found.instrumentId) found = t;
  }
  return found;
}

export function buildPerformance(f: PerfFacts): PerformanceReport {
  const { interval, startTs, count } = f.range;
  const size = INTERVAL_MS[interval];
  const walk = new HistoryWalk(f);
  const points: PerformancePoint[] = [];
  let startFigures = new Map<number, MarketFigures>();
  let endFigures = startFigures;
  for (let k = 0; k <= count; k++) {
    const boundary = startTs + k * size;
    walk.advance(boundary);
    const figures = walk.figures(boundary);
    if (k === 0) startFigures = figures;
    endFigures = figures;
    points.push(walk.point(boundary, figures));
  }
  const endTs = startTs + count * size;
  const markets = marketBreakdown(f, startTs, endTs, startFigures, endFigures);
  return {
    stamp: f.stamp,
    accountId: f.accountId,
    assetId: f.assetId,
    interval,
    fromTs: startTs,
    toTs: endTs,
    points,
    markets,
    events: eventBreakdown(markets),
    stats: statsOf(points, markets),
  };
}

function marketBreakdown(
  f: PerfFacts,
  fromTs: number,
  toTs: number,
  start: ReadonlyMap<number, MarketFigures>,
  end: ReadonlyMap<number, MarketFigures>,
): MarketPerformance[] {
  const activity = new Map<number, { fills: number; volume: number; settled: boolean }>();
  const act = (id: number) => {
    let a = activity.get(id);
    if (a === undefined) activity.set(id, (a = { fills: 0, volume: 0, settled: false }));
    return a;
  };
  for (const x of f.fills) {
    if (x.ts < fromTs || x.ts >= toTs) continue;
    const a = act(x.instrumentId);
    a.fills++;
    a.volume += x.qtyLots;
  }
  for (const s of f.settlements)
    if (s.ts >= fromTs && s.ts < toTs) act(s.instrumentId).settled = true;
  const out: MarketPerformance[] = [];
  for (const [id, e] of end) {
    const s = start.get(id) ?? { lots: 0, realised: 0, fees: 0, unrealised: 0 };
    const a = activity.get(id);
    if (a === undefined && s.lots === 0) continue;
    const t = f.terms.get(id)!;
    const closed = a !== undefined && e.lots === 0;
    out.push({
      instrumentId: id,
      symbol: t.symbol,
      kind: t.kind,
      eventTicker: t.eventTicker ?? null,
      positionLots: e.lots,
      fills: a?.fills ?? 0,
      volumeLots: a?.volume ?? 0,
      realisedPnl: e.realised - s.realised,
      feesPaid: e.fees - s.fees,
      unrealisedPnl: e.unrealised,
      pnl: e.realised - s.realised - (e.fees - s.fees) + e.unrealised - s.unrealised,
      settled: a?.settled ?? false,
      closed,
      win: closed && e.realised - e.fees > 0,
    });
  }
  return out.sort((x, y) => x.instrumentId - y.instrumentId);
}

function eventBreakdown(markets: readonly MarketPerformance[]): EventPerformance[] {
  const byEvent = new Map<
    string,
    { -readonly [K in keyof EventPerformance]: EventPerformance[K] }
  >();
  for (const m of markets) {
    if (m.eventTicker === null) continue;
    let e = byEvent.get(m.eventTicker);
    if (e === undefined) {
      e = {
        eventTicker: m.eventTicker,
        markets: 0,
        realisedPnl: 0,
        feesPaid: 0,
        unrealisedPnl: 0,
        pnl: 0,
      };
      byEvent.set(m.eventTicker, e);
    }
    e.markets++;
    e.realisedPnl += m.realisedPnl;
    e.feesPaid += m.feesPaid;
    e.unrealisedPnl += m.unrealisedPnl;
    e.pnl += m.pnl;
  }
  return [...byEvent.values()].sort((a, b) => (a.eventTicker < b.eventTicker ? -1 : 1));
}

function statsOf(
  points: readonly PerformancePoint[],
  markets: readonly MarketPerformance[],
): PerformanceStats {
  const first = points[0]!;
  const last = points.at(-1)!;
  let peak = first;
  let dd = 0;
  let ddPeak: number | null = null;
  let ddTrough: number | null = null;
  for (const p of points) {
    if (p.pnl > peak.pnl) peak = p;
    if (peak.pnl - p.pnl > dd) {
      dd = peak.pnl - p.pnl;
      ddPeak = peak.ts;
      ddTrough = p.ts;
    }
  }
  const closed = markets.filter((m) => m.closed);
  const wins = closed.filter((m) => m.win).length;
  return {
    startValue: first.value,
    endValue: last.value,
    netDeposits: last.netDeposits - first.netDeposits,
    pnl: last.pnl - first.pnl,
    realisedPnl: last.realisedPnl - first.realisedPnl,
    feesPaid: last.feesPaid - first.feesPaid,
    unrealisedPnl: last.unrealisedPnl,
    closedMarkets: closed.length,
    wins,
    winRateBps: closed.length === 0 ? null : perTenThousand(wins, closed.length),
    maxDrawdown: dd,
    maxDrawdownPeakTs: ddPeak,
    maxDrawdownTroughTs: ddTrough,
  };
}

/** part / whole in ten-thousandths, rounded down. */
function perTenThousand(part: number, whole: number): number {
  return Math.floor((part * 10_000) / whole);
}
