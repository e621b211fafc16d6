// An account's performance report as CSV, in the compliance reports' layout (RFC 4180, CRLF, blocks
// separated by an empty line, each with its header): the report's identity and stats, the value and
// P&L series, then the per-market and per-event breakdowns. Amounts stay integers in minor units.

import type {
  EventPerformance,
  MarketPerformance,
  PerformancePoint,
  PerformanceReport,
  PerformanceStats,
} from './performance-types.ts';
import { type Block, type Cell, iso, render } from './report-csv.ts';

type Columns<T> = readonly (readonly [string, (x: T) => Cell])[];

function block<T>(columns: Columns<T>, items: readonly T[]): Block {
  return { header: columns.map(([h]) => h), rows: items.map((x) => columns.map(([, f]) => f(x))) };
}

const isoOrEmpty = (ts: number | null) => (ts === null ? undefined : iso(ts));
const flag = (b: boolean) => (b ? 1 : 0);

const IDENTITY: Columns<PerformanceReport> = [
  ['report', () => 'performance'],
  ['account_id', (r) => r.accountId],
  ['asset_id', (r) => r.assetId],
  ['interval', (r) => r.interval],
  ['from', (r) => iso(r.fromTs)],
  ['to', (r) => iso(r.toTs)],
  ['seq', (r) => r.stamp.seq],
  ['seq_ts', (r) => iso(r.stamp.ts)],
];

const STATS: Columns<PerformanceStats> = [
  ['start_value', (s) => s.startValue],
  ['end_value', (s) => s.endValue],
  ['net_deposits', (s) => s.netDeposits],
  ['pnl', (s) => s.pnl],
  ['realised_pnl', (s) => s.realisedPnl],
  ['fees_paid', (s) => s.feesPaid],
  ['unrealised_pnl', (s) => s.unrealisedPnl],
  ['closed_markets', (s) => s.closedMarkets],
  ['wins', (s) => s.wins],
  ['win_rate_bps', (s) => s.winRateBps ?? undefined],
  ['max_drawdown', (s) => s.maxDrawdown],
  ['max_drawdown_peak', (s) => isoOrEmpty(s.maxDrawdownPeakTs)],
  ['max_drawdown_trough', (s) => isoOrEmpty(s.maxDrawdownTroughTs)],
];

const POINTS: Columns<PerformancePoint> = [
  ['ts', (p) => iso(p.ts)],
  ['cash', (p) => p.cash],
  ['positions_value', (p) => p.positionsValue],
  ['holdings_value', (p) => p.holdingsValue],
  ['value', (p) => p.value],
  ['net_deposits', (p) => p.netDeposits],
  ['realised_pnl', (p) => p.realisedPnl],
  ['fees_paid', (p) => p.feesPaid],
  ['unrealised_pnl', (p) => p.unrealisedPnl],
  ['pnl', (p) => p.pnl],
];

const MARKETS: Columns<MarketPerformance> = [
  ['market', (m) => m.symbol],
  ['instrument_id', (m) => m.instrumentId],
  ['kind', (m) => m.kind],
  ['event', (m) => m.eventTicker ?? undefined],
  ['position_lots', (m) => m.positionLots],
  ['fills', (m) => m.fills],
  ['volume_lots', (m) => m.volumeLots],
  ['realised_pnl', (m) => m.realisedPnl],
  ['fees_paid', (m) => m.feesPaid],
  ['unrealised_pnl', (m) => m.unrealisedPnl],
  ['pnl', (m) => m.pnl],
  ['settled', (m) => flag(m.settled)],
  ['closed', (m) => flag(m.closed)],
  ['win', (m) => flag(m.win)],
];

const EVENTS: Columns<EventPerformance> = [
  ['event', (e) => e.eventTicker],
  ['markets', (e) => e.markets],
  ['realised_pnl', (e) => e.realisedPnl],
  ['fees_paid', (e) => e.feesPaid],
  ['unrealised_pnl', (e) => e.unrealisedPnl],
  ['pnl', (e) => e.pnl],
];

export function performanceCsv(r: PerformanceReport): string {
  return render([
    block(IDENTITY, [r]),
    block(STATS, [r.stats]),
    block(POINTS, r.points),
    block(MARKETS, r.markets),
    block(EVENTS, r.events),
  ]);
}
