// An account's performance as the read models answer it: its value and P&L over time in buckets, per
// market and per event, win rate, fees and drawdown. Every amount is an integer in the minor units of
// the money asset the account is valued in (USD micros by default); built by performance-build.ts.

import type { CandleInterval } from '@bourse/marketdata';
import type { ReportStamp } from './report-types.ts';

export interface PerformanceQuery {
  readonly accountId: number;
  /** The money asset values and P&L are counted in. */
  readonly assetId: number;
  /** Start of the range (ms); the first bucket is the one holding it. Default: the account's first movement. */
  readonly fromTs?: number | undefined;
  /** End of the range (ms); the last bucket is the one holding it. */
  readonly toTs: number;
  /** Bucket size; default: the smallest of 1m, 1h, 1d giving at most `DEFAULT_POINTS` buckets. */
  readonly interval?: CandleInterval | undefined;
}

/** The account at a bucket's end: every command with `ts` before `ts`, marked at the last trade before it. */
export interface PerformancePoint {
  /** The bucket's end (exclusive); the first point is the range's start, before any of its buckets. */
  readonly ts: number;
  /** The money asset held (available + reserved). */
  readonly cash: number;
  /** Event-contract positions at their mark (YES at the price, NO at payout − price). */
  readonly positionsValue: number;
  /** Other assets held, valued at the last price of their spot market quoted in the money asset. */
  readonly holdingsValue: number;
  /** cash + positionsValue + holdingsValue. */
  readonly value: number;
  /** Deposits − withdrawals + transfers in − transfers out of the money asset, since the account opened. */
  readonly netDeposits: number;
  /** Realised P&L before fees, since the account opened. */
  readonly realisedPnl: number;
  /** Fees paid, since the account opened. */
  readonly feesPaid: number;
  /** P&L of the open positions at their marks. */
  readonly unrealisedPnl: number;
  /** realisedPnl − feesPaid + unrealisedPnl: equals value − netDeposits when only money moved in and out. */
  readonly pnl: number;
}

/** One market's part of the range: changes over the range, and the position at its end. */
export interface MarketPerformance {
  readonly instrumentId: number;
  readonly symbol: string;
  readonly kind: 'binary' | 'spot';
  /** The event a binary market belongs to; null for a spot market. */
  readonly eventTicker: string | null;
  readonly positionLots: number;
  readonly fills: number;
  readonly volumeLots: number;
  /** Realised P&L (before fees) and fees over the range. */
  readonly realisedPnl: number;
  readonly feesPaid: number;
  /** Unrealised P&L at the range's end. */
  readonly unrealisedPnl: number;
  /** The market's P&L over the range: Δrealised − Δfees + Δunrealised. */
  readonly pnl: number;
  /** Settled (by the market's result) within the range. */
  readonly settled: boolean;
  /**
   * Closed out: flat at the range's end after a fill or settlement within it. A closed market is a win
   * when the account's realised P&L after fees in it, over its whole history there, is positive.
   */
  readonly closed: boolean;
  readonly win: boolean;
}

export interface EventPerformance {
  readonly eventTicker: string;
  readonly markets: number;
  readonly realisedPnl: number;
  readonly feesPaid: number;
  readonly unrealisedPnl: number;
  readonly pnl: number;
}

export interface PerformanceStats {
  readonly startValue: number;
  readonly endValue: number;
  /** Net deposits over the range. */
  readonly netDeposits: number;
  /** P&L over the range (end pnl − start pnl): endValue − startValue − netDeposits when only money moved. */
  readonly pnl: number;
  readonly realisedPnl: number;
  readonly feesPaid: number;
  readonly unrealisedPnl: number;
  /** Markets closed out in the range (`MarketPerformance.closed`) and how many of them were wins. */
  readonly closedMarkets: number;
  readonly wins: number;
  /** wins / closedMarkets in basis points (0..10,000), rounded down; null with no closed market. */
  readonly winRateBps: number | null;
  /** Largest fall of the P&L series from a preceding peak, over the points (≥ 0). */
  readonly maxDrawdown: number;
  /** The points of that peak and of the trough after it; null when the series never fell. */
  readonly maxDrawdownPeakTs: number | null;
  readonly maxDrawdownTroughTs: number | null;
}

export interface PerformanceReport {
  /** The read models' seq and time the report was read at: it counts every command up to `seq`. */
  readonly stamp: ReportStamp;
  readonly accountId: number;
  readonly assetId: number;
  readonly interval: CandleInterval;
  /** The range covered: the first bucket's start and the last bucket's end. */
  readonly fromTs: number;
  readonly toTs: number;
  readonly points: readonly PerformancePoint[];
  readonly markets: readonly MarketPerformance[];
  readonly events: readonly EventPerformance[];
  readonly stats: PerformanceStats;
}
