// The compliance reports' arithmetic, pure: pairs fills into register lines with their totals, picks
// large positions and sums them per event, and folds an account's ledger into its statement. The
// queries (report-queries.ts) read the facts; nothing here does I/O.

import type {
  AccountStatement,
  LargeEventPosition,
  LargeMarketPosition,
  LargePositionQuery,
  LargePositionReport,
  RegisterAssetTotals,
  RegisterParty,
  RegisterTrade,
  ReportPeriod,
  ReportStamp,
  StatementAsset,
  StatementMarketPnl,
  StatementQuery,
  StatementSettlement,
  StatementTrade,
  TradeRegister,
} from './report-types.ts';

export interface MarketTerms {
  readonly instrumentId: number;
  readonly kind: 'binary' | 'spot';
  readonly symbol: string;
  readonly moneyAssetId: number;
  readonly baseAssetId: number | undefined;
  readonly eventTicker: string | undefined;
  readonly moneyPerTickLot: number;
}

/** One side of a fill as stored, with its ledger `trade` rows (one per asset it moved). */
export interface RegisterFill {
  readonly tradeId: number;
  readonly role: 'maker' | 'taker';
  readonly seq: number;
  readonly ts: number;
  readonly instrumentId: number;
  readonly orderId: number;
  readonly accountId: number;
  readonly side: 'buy' | 'sell';
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly fee: number;
  readonly legs: readonly { assetId: number; amount: number }[];
}

function termsOf(terms: ReadonlyMap<number, MarketTerms>, instrumentId: number): MarketTerms {
  const t = terms.get(instrumentId);
  if (t === undefined) throw new Error(`report: no instrument ${instrumentId} in the read models`);
  return t;
}

function party(f: RegisterFill, t: MarketTerms): RegisterParty {
  let cash = 0;
  let baseUnits = 0;
  for (const leg of f.legs) {
    if (leg.assetId === t.moneyAssetId) cash += leg.amount;
    else baseUnits += leg.amount;
  }
  return { accountId: f.accountId, orderId: f.orderId, side: f.side, fee: f.fee, cash, baseUnits };
}

class Totals {
  readonly #byAsset = new Map<number, { -readonly [K in keyof RegisterAssetTotals]: number }>();

  #of(assetId: number) {
    let t = this.#byAsset.get(assetId);
    if (t === undefined) {
      t = {
        assetId,
        trades: 0,
        qtyLots: 0,
        notional: 0,
        takerFees: 0,
        makerFees: 0,
        paidIn: 0,
        paidOut: 0,
        fees: 0,
        escrowIn: 0,
      };
      this.#byAsset.set(assetId, t);
    }
    return t;
  }

  add(trade: RegisterTrade, t: MarketTerms): void {
    const m = this.#of(t.moneyAssetId);
    m.trades += 1;
    m.qtyLots += trade.qtyLots;
    m.notional += trade.notional;
    m.takerFees += trade.taker.fee;
    m.makerFees += trade.maker.fee;
    for (const p of [trade.taker, trade.maker]) {
      m.fees += p.fee;
      m.paidIn += p.fee + Math.max(0, -p.cash);
      m.paidOut += Math.max(0, p.cash);
      if (t.baseAssetId !== undefined && p.baseUnits !== 0) {
        const b = this.#of(t.baseAssetId);
        b.paidIn += Math.max(0, -p.baseUnits);
        b.paidOut += Math.max(0, p.baseUnits);
      }
    }
  }

  list(): RegisterAssetTotals[] {
    const out = [...this.#byAsset.values()].sort((a, b) => a.assetId - b.assetId);
    for (const t of out) t.escrowIn = t.paidIn - t.paidOut - t.fees;
    return out;
  }
}

export function buildTradeRegister(
  stamp: ReportStamp,
  period: ReportPeriod,
  fills: readonly RegisterFill[],
  terms: ReadonlyMap<number, MarketTerms>,
): TradeRegister {
  const trades: RegisterTrade[] = [];
  const totals = new Totals();
  // Fills come ordered by trade id, taker first: each trade is two consecutive rows.
  for (let i = 0; i < fills.length; i += 2) {
    const taker = fills[i];
    const maker = fills[i + 1];
    if (taker?.role !== 'taker' || maker?.role !== 'maker' || maker.tradeId !== taker.tradeId) {
      throw new Error(`report: trade ${taker?.tradeId} does not have exactly a taker and a maker`);
    }
    const t = termsOf(terms, taker.instrumentId);
    const trade: RegisterTrade = {
      tradeId: taker.tradeId,
      seq: taker.seq,
      ts: taker.ts,
      instrumentId: taker.instrumentId,
      symbol: t.symbol,
      moneyAssetId: t.moneyAssetId,
      priceTicks: taker.priceTicks,
      qtyLots: taker.qtyLots,
      notional: taker.priceTicks * taker.qtyLots * t.moneyPerTickLot,
      taker: party(taker, t),
      maker: party(maker, t),
    };
    trades.push(trade);
    totals.add(trade, t);
  }
  return { kind: 'trade-register', stamp, period, trades, totals: totals.list() };
}

export interface PositionFact {
  readonly accountId: number;
  readonly userId: number | undefined;
  readonly instrumentId: number;
  readonly positionLots: number;
  readonly costBasis: number;
  readonly realisedPnl: number;
  readonly updatedSeq: number;
}

export function buildLargePositions(
  stamp: ReportStamp,
  q: LargePositionQuery,
  facts: readonly PositionFact[],
  terms: ReadonlyMap<number, MarketTerms>,
): LargePositionReport {
  const markets: LargeMarketPosition[] = [];
  const events = new Map<
    string,
    { -readonly [K in keyof LargeEventPosition]: LargeEventPosition[K] }
  >();
  for (const f of facts) {
    const t = termsOf(terms, f.instrumentId);
    const eventTicker = t.kind === 'binary' ? t.eventTicker : undefined;
    if (Math.abs(f.positionLots) >= q.marketThresholdLots) {
      markets.push({ ...f, symbol: t.symbol, eventTicker });
    }
    if (eventTicker === undefined) continue;
    const k = `${f.accountId}\u0000${eventTicker}`;
    const e = events.get(k) ?? {
      accountId: f.accountId,
      userId: f.userId,
      eventTicker,
      grossLots: 0,
      netLots: 0,
      markets: 0,
    };
    e.grossLots += Math.abs(f.positionLots);
    e.netLots += f.positionLots;
    e.markets += 1;
    events.set(k, e);
  }
  markets.sort(
    (a, b) =>
      Math.abs(b.positionLots) - Math.abs(a.positionLots) ||
      a.accountId - b.accountId ||
      a.instrumentId - b.instrumentId,
  );
  const large = [...events.values()]
    .filter((e) => e.grossLots >= q.eventThresholdLots)
    .sort(
      (a, b) =>
        b.grossLots - a.grossLots ||
        a.accountId - b.accountId ||
        (a.eventTicker < b.eventTicker ? -1 : a.eventTicker > b.eventTicker ? 1 : 0),
    );
  return { kind: 'large-positions', stamp, thresholds: q, markets, events: large };
}

export interface LedgerSum {
  readonly assetId: number;
  readonly kind: string;
  readonly amount: number;
}

export interface StatementFacts {
  readonly stamp: ReportStamp;
  readonly query: StatementQuery;
  readonly userId: number | undefined;
  /** Ledger sums before the period. */
  readonly opening: readonly LedgerSum[];
  /** Ledger sums within the period. */
  readonly movements: readonly LedgerSum[];
  readonly fills: readonly RegisterFill[];
  readonly settlements: readonly Omit<StatementSettlement, 'symbol'>[];
  /** The period's trade, fee and settlement rows with the market each belongs to (when it has one). */
  readonly marketLedger: readonly {
    kind: string;
    amount: number;
    assetId: number;
    instrumentId: number | undefined;
  }[];
  readonly balancesNow: AccountStatement['balancesNow'];
  readonly positionsNow: readonly Omit<AccountStatement['positionsNow'][number], 'symbol'>[];
  readonly terms: ReadonlyMap<number, MarketTerms>;
}

const MOVEMENT_FIELD = {
  deposit: 'deposits',
  withdraw: 'withdrawals',
  transferIn: 'transfersIn',
  transferOut: 'transfersOut',
  trade: 'trades',
  fee: 'fees',
  settlement: 'settlements',
} as const satisfies Record<string, keyof StatementAsset>;

function statementAssets(f: StatementFacts): StatementAsset[] {
  const assets = new Map<number, { -readonly [K in keyof StatementAsset]: number }>();
  const of = (assetId: number) => {
    const known = assets.get(assetId);
    if (known !== undefined) return known;
    const a = { assetId, opening: 0, deposits: 0, withdrawals: 0, transfersIn: 0 };
    const fresh = { ...a, transfersOut: 0, trades: 0, fees: 0, settlements: 0, closing: 0 };
    assets.set(assetId, fresh);
    return fresh;
  };
  for (const s of f.opening) {
    of(s.assetId).opening += s.amount;
    of(s.assetId).closing += s.amount;
  }
  for (const s of f.movements) {
    const field = MOVEMENT_FIELD[s.kind as keyof typeof MOVEMENT_FIELD];
    if (field === undefined) throw new Error(`report: unknown ledger kind ${s.kind}`);
    of(s.assetId)[field] += s.amount;
    of(s.assetId).closing += s.amount;
  }
  return [...assets.values()].sort((a, b) => a.assetId - b.assetId);
}

function statementPnl(f: StatementFacts): StatementMarketPnl[] {
  const pnl = new Map<
    number,
    { -readonly [K in keyof StatementMarketPnl]: StatementMarketPnl[K] }
  >();
  const of = (instrumentId: number) => {
    let p = pnl.get(instrumentId);
    if (p === undefined) {
      const t = termsOf(f.terms, instrumentId);
      p = {
        instrumentId,
        symbol: t.symbol,
        moneyAssetId: t.moneyAssetId,
        tradeCash: 0,
        fees: 0,
        settlements: 0,
        netCash: 0,
        settledRealisedPnl: 0,
      };
      pnl.set(instrumentId, p);
    }
    return p;
  };
  for (const l of f.marketLedger) {
    // The fee account's income has no market; spot base legs are not money.
    if (l.instrumentId === undefined) continue;
    const p = of(l.instrumentId);
    if (l.assetId !== p.moneyAssetId) continue;
    if (l.kind === 'trade') p.tradeCash += l.amount;
    else if (l.kind === 'fee') p.fees += l.amount;
    else if (l.kind === 'settlement') p.settlements += l.amount;
    p.netCash += l.amount;
  }
  for (const s of f.settlements) of(s.instrumentId).settledRealisedPnl += s.realisedPnl;
  return [...pnl.values()].sort((a, b) => a.instrumentId - b.instrumentId);
}

export function buildStatement(f: StatementFacts): AccountStatement {
  const trades: StatementTrade[] = f.fills.map((fill) => {
    const t = termsOf(f.terms, fill.instrumentId);
    return {
      tradeId: fill.tradeId,
      seq: fill.seq,
      ts: fill.ts,
      instrumentId: fill.instrumentId,
      symbol: t.symbol,
      role: fill.role,
      orderId: fill.orderId,
      side: fill.side,
      priceTicks: fill.priceTicks,
      qtyLots: fill.qtyLots,
      fee: fill.fee,
      cash: party(fill, t).cash,
    };
  });
  const symbol = (id: number) => termsOf(f.terms, id).symbol;
  return {
    kind: 'statement',
    stamp: f.stamp,
    period: { fromTs: f.query.fromTs, toTs: f.query.toTs },
    accountId: f.query.accountId,
    userId: f.userId,
    assets: statementAssets(f),
    trades,
    settlements: f.settlements.map((s) => ({ ...s, symbol: symbol(s.instrumentId) })),
    pnl: statementPnl(f),
    balancesNow: [...f.balancesNow].sort((a, b) => a.assetId - b.assetId),
    positionsNow: f.positionsNow
      .map((p) => ({ ...p, symbol: symbol(p.instrumentId) }))
      .sort((a, b) => a.instrumentId - b.instrumentId),
  };
}
