// What a backtest produces: its settings, what was replayed, the strategy's orders, fills and money
// per market, the P&L curve and drawdown. Plain data in integers and strings, in a fixed order, so the
// report written from it is the same bytes for the same inputs.

import type { FillUpdate } from '../strategy.ts';
import type { MarketPnl, MarketStats } from './accounts.ts';

/** The backtest account's id unless told otherwise: far above the ids an exchange hands out. */
export const BACKTEST_ACCOUNT_ID = 2_000_000_000;
/** Virtual cash per money asset: 1,000,000 major units in micros. */
export const DEFAULT_CASH = 1_000_000_000_000;

export interface BacktestSettings {
  /** The window, ms since the epoch (inclusive). */
  readonly from: number;
  readonly to: number;
  /** Delay from a strategy's decision to its command reaching the engine, in ms. */
  readonly latencyMs: number;
  /** P&L net of the market's fees (true) or before them (fees still reported). */
  readonly fees: boolean;
  /** Virtual cash deposited per money asset of the strategy's markets, in minor units. */
  readonly cash: number;
  readonly accountId: number;
}

export interface MarketResult {
  readonly market: string;
  readonly instrumentId: number;
  /** Money below is in minor units of this asset. */
  readonly asset: { readonly code: string; readonly scale: number };
  readonly pnl: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly realisedPnl: number;
  readonly unrealisedPnl: number;
  readonly positionLots: number;
  /** What the open position cost (the engine's cost basis). */
  readonly costBasis: number;
  readonly markTicks: number | null;
  readonly settledTicks: number | null;
  readonly boughtLots: number;
  readonly soldLots: number;
  readonly fills: number;
  readonly makerFills: number;
  readonly takerFills: number;
}

export interface BacktestResult {
  readonly settings: BacktestSettings;
  readonly recorded: {
    readonly commands: number;
    /** Recorded commands the engine refused in the backtest (as recorded, or because of the strategy). */
    readonly rejected: number;
    readonly firstSeq: number | null;
    readonly lastSeq: number | null;
  };
  readonly orders: {
    readonly placed: number;
    readonly cancels: number;
    /** Refused strategy commands by reject code, codes sorted. */
    readonly rejected: Readonly<Record<string, number>>;
  };
  readonly summary: {
    readonly pnl: number;
    readonly grossPnl: number;
    readonly fees: number;
    readonly maxDrawdown: number;
    readonly fills: number;
    readonly volumeLots: number;
  };
  readonly markets: readonly MarketResult[];
  /** [ts, P&L] at the window's start and evenly over it, ending at its end. */
  readonly curve: readonly (readonly [number, number])[];
  readonly fills: readonly FillUpdate[];
}

export interface RunTotals {
  readonly recordedCommands: number;
  readonly recordedRejected: number;
  readonly firstSeq: number | undefined;
  readonly lastSeq: number | undefined;
  readonly ordersSent: number;
  readonly cancelsSent: number;
  readonly rejected: ReadonlyMap<string, number>;
  readonly fills: readonly FillUpdate[];
  readonly curve: readonly [number, number][];
  readonly maxDrawdown: number;
}

export function resultOf(
  settings: BacktestSettings,
  run: RunTotals,
  perMarket: readonly { stats: MarketStats; mark: number | undefined; pnl: MarketPnl }[],
): BacktestResult {
  const markets = perMarket
    .map(({ stats, mark, pnl }) => marketResult(stats, mark, pnl))
    .sort((a, b) => (a.market < b.market ? -1 : a.market > b.market ? 1 : 0));
  const sum = (f: (m: MarketResult) => number) => markets.reduce((t, m) => t + f(m), 0);
  const rejected: Record<string, number> = {};
  for (const code of [...run.rejected.keys()].sort()) rejected[code] = run.rejected.get(code)!;
  return {
    settings,
    recorded: {
      commands: run.recordedCommands,
      rejected: run.recordedRejected,
      firstSeq: run.firstSeq ?? null,
      lastSeq: run.lastSeq ?? null,
    },
    orders: { placed: run.ordersSent, cancels: run.cancelsSent, rejected },
    summary: {
      pnl: sum((m) => m.pnl),
      grossPnl: sum((m) => m.grossPnl),
      fees: sum((m) => m.fees),
      maxDrawdown: run.maxDrawdown,
      fills: run.fills.length,
      volumeLots: sum((m) => m.boughtLots + m.soldLots),
    },
    markets,
    curve: run.curve,
    fills: run.fills,
  };
}

function marketResult(m: MarketStats, mark: number | undefined, p: MarketPnl): MarketResult {
  return {
    market: m.market,
    instrumentId: m.instrumentId,
    asset: { code: m.asset.code, scale: m.asset.scale },
    pnl: p.pnl,
    grossPnl: p.grossPnl,
    fees: p.fees,
    realisedPnl: p.realisedPnl,
    unrealisedPnl: p.unrealisedPnl,
    positionLots: p.positionLots,
    costBasis: p.costBasis,
    markTicks: mark ?? null,
    settledTicks: m.settledTicks ?? null,
    boughtLots: m.boughtLots,
    soldLots: m.soldLots,
    fills: m.fills,
    makerFills: m.makerFills,
    takerFills: m.takerFills,
  };
}
