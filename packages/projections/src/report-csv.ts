// The compliance reports as CSV (RFC 4180, CRLF line ends): blocks separated by an empty line, each with
// its own header row. The first block is the report's identity and stamp (kind, period, seq, ts, chain
// hash), so a file that travels alone still says what it was built from. Amounts stay integers in minor
// units, as everywhere in the exchange.

import type {
  AccountStatement,
  ComplianceReport,
  LargeEventPosition,
  LargeMarketPosition,
  LargePositionReport,
  RegisterAssetTotals,
  RegisterTrade,
  ReportPeriod,
  ReportStamp,
  StatementAsset,
  StatementMarketPnl,
  StatementSettlement,
  StatementTrade,
  TradeRegister,
} from './report-types.ts';

export type Cell = string | number | undefined;
export type Block = { header: readonly string[]; rows: readonly (readonly Cell[])[] };

function cell(v: Cell): string {
  if (v === undefined) return '';
  const s = String(v);
  if (/[",\r\n]/.test(s)) {
    return `"${s.replaceAll('"', '""')}"`;
  }
  return s;
}

/** Blocks as one CSV file, an empty line between them; shared by every CSV the read models write. */
export function render(blocks: readonly Block[]): string {
  return blocks
    .map((b) => [b.header, ...b.rows].map((r) => `${r.map(cell).join(',')}\r\n`).join(''))
    .join('\r\n');
}

export function iso(ts: number): string {
  return new Date(ts).toISOString();
}

/** The report's own block: what it is, the period it covers and the stamp it was built from. */
function identity(
  kind: string,
  stamp: ReportStamp,
  period: ReportPeriod | undefined,
  extra: Readonly<Record<string, Cell>> = {},
): Block {
  return {
    header: ['report', 'from', 'to', 'seq', 'seq_ts', 'chain_hash', ...Object.keys(extra)],
    rows: [
      [
        kind,
        period === undefined ? undefined : iso(period.fromTs),
        period === undefined ? undefined : iso(period.toTs),
        stamp.seq,
        iso(stamp.ts),
        stamp.chainHash,
        ...Object.values(extra),
      ],
    ],
  };
}

/** A block from rows and named columns: the header is the column names, in order. */
function table<T>(rows: readonly T[], columns: Readonly<Record<string, (row: T) => Cell>>): Block {
  const fns = Object.values(columns);
  return { header: Object.keys(columns), rows: rows.map((r) => fns.map((f) => f(r))) };
}

function partyColumns(role: 'taker' | 'maker') {
  const p = (t: RegisterTrade) => t[role];
  return {
    [`${role}_account`]: (t: RegisterTrade) => p(t).accountId,
    [`${role}_order`]: (t: RegisterTrade) => p(t).orderId,
    [`${role}_side`]: (t: RegisterTrade) => p(t).side,
    [`${role}_fee`]: (t: RegisterTrade) => p(t).fee,
    [`${role}_cash`]: (t: RegisterTrade) => p(t).cash,
    [`${role}_base_units`]: (t: RegisterTrade) => p(t).baseUnits,
  };
}

const REGISTER_TRADES = {
  trade_id: (t: RegisterTrade) => t.tradeId,
  seq: (t: RegisterTrade) => t.seq,
  ts: (t: RegisterTrade) => iso(t.ts),
  market: (t: RegisterTrade) => t.symbol,
  money_asset_id: (t: RegisterTrade) => t.moneyAssetId,
  price_ticks: (t: RegisterTrade) => t.priceTicks,
  qty_lots: (t: RegisterTrade) => t.qtyLots,
  notional: (t: RegisterTrade) => t.notional,
  ...partyColumns('taker'),
  ...partyColumns('maker'),
};

const REGISTER_TOTALS = {
  asset_id: (t: RegisterAssetTotals) => t.assetId,
  trades: (t: RegisterAssetTotals) => t.trades,
  qty_lots: (t: RegisterAssetTotals) => t.qtyLots,
  notional: (t: RegisterAssetTotals) => t.notional,
  taker_fees: (t: RegisterAssetTotals) => t.takerFees,
  maker_fees: (t: RegisterAssetTotals) => t.makerFees,
  paid_in: (t: RegisterAssetTotals) => t.paidIn,
  paid_out: (t: RegisterAssetTotals) => t.paidOut,
  fees: (t: RegisterAssetTotals) => t.fees,
  escrow_in: (t: RegisterAssetTotals) => t.escrowIn,
};

function registerCsv(r: TradeRegister): string {
  return render([
    identity(r.kind, r.stamp, r.period),
    table(r.trades, REGISTER_TRADES),
    table(r.totals, REGISTER_TOTALS),
  ]);
}

const LARGE_MARKETS = {
  account_id: (p: LargeMarketPosition) => p.accountId,
  user_id: (p: LargeMarketPosition) => p.userId,
  market: (p: LargeMarketPosition) => p.symbol,
  event: (p: LargeMarketPosition) => p.eventTicker,
  position_lots: (p: LargeMarketPosition) => p.positionLots,
  cost_basis: (p: LargeMarketPosition) => p.costBasis,
  realised_pnl: (p: LargeMarketPosition) => p.realisedPnl,
  updated_seq: (p: LargeMarketPosition) => p.updatedSeq,
};

const LARGE_EVENTS = {
  account_id: (e: LargeEventPosition) => e.accountId,
  user_id: (e: LargeEventPosition) => e.userId,
  event: (e: LargeEventPosition) => e.eventTicker,
  gross_lots: (e: LargeEventPosition) => e.grossLots,
  net_lots: (e: LargeEventPosition) => e.netLots,
  markets: (e: LargeEventPosition) => e.markets,
};

function largePositionsCsv(r: LargePositionReport): string {
  const head = identity(r.kind, r.stamp, undefined, {
    market_threshold_lots: r.thresholds.marketThresholdLots,
    event_threshold_lots: r.thresholds.eventThresholdLots,
  });
  return render([head, table(r.markets, LARGE_MARKETS), table(r.events, LARGE_EVENTS)]);
}

const STATEMENT_ASSETS = {
  asset_id: (a: StatementAsset) => a.assetId,
  opening: (a: StatementAsset) => a.opening,
  deposits: (a: StatementAsset) => a.deposits,
  withdrawals: (a: StatementAsset) => a.withdrawals,
  transfers_in: (a: StatementAsset) => a.transfersIn,
  transfers_out: (a: StatementAsset) => a.transfersOut,
  trades: (a: StatementAsset) => a.trades,
  fees: (a: StatementAsset) => a.fees,
  settlements: (a: StatementAsset) => a.settlements,
  closing: (a: StatementAsset) => a.closing,
};

const STATEMENT_TRADES = {
  trade_id: (t: StatementTrade) => t.tradeId,
  seq: (t: StatementTrade) => t.seq,
  ts: (t: StatementTrade) => iso(t.ts),
  market: (t: StatementTrade) => t.symbol,
  role: (t: StatementTrade) => t.role,
  order_id: (t: StatementTrade) => t.orderId,
  side: (t: StatementTrade) => t.side,
  price_ticks: (t: StatementTrade) => t.priceTicks,
  qty_lots: (t: StatementTrade) => t.qtyLots,
  fee: (t: StatementTrade) => t.fee,
  cash: (t: StatementTrade) => t.cash,
};

const STATEMENT_SETTLEMENTS = {
  market: (s: StatementSettlement) => s.symbol,
  seq: (s: StatementSettlement) => s.seq,
  ts: (s: StatementSettlement) => iso(s.ts),
  result: (s: StatementSettlement) => s.result,
  value_ticks: (s: StatementSettlement) => s.valueTicks,
  position_lots: (s: StatementSettlement) => s.positionLots,
  payout: (s: StatementSettlement) => s.payout,
  realised_pnl: (s: StatementSettlement) => s.realisedPnl,
};

const STATEMENT_PNL = {
  market: (p: StatementMarketPnl) => p.symbol,
  money_asset_id: (p: StatementMarketPnl) => p.moneyAssetId,
  trade_cash: (p: StatementMarketPnl) => p.tradeCash,
  fees: (p: StatementMarketPnl) => p.fees,
  settlements: (p: StatementMarketPnl) => p.settlements,
  net_cash: (p: StatementMarketPnl) => p.netCash,
  settled_realised_pnl: (p: StatementMarketPnl) => p.settledRealisedPnl,
};

function statementCsv(r: AccountStatement): string {
  const head = identity(r.kind, r.stamp, r.period, { account_id: r.accountId, user_id: r.userId });
  return render([
    head,
    table(r.assets, STATEMENT_ASSETS),
    table(r.trades, STATEMENT_TRADES),
    table(r.settlements, STATEMENT_SETTLEMENTS),
    table(r.pnl, STATEMENT_PNL),
  ]);
}

export function reportCsv(report: ComplianceReport): string {
  switch (report.kind) {
    case 'trade-register':
      return registerCsv(report);
    case 'large-positions':
      return largePositionsCsv(report);
    case 'statement':
      return statementCsv(report);
  }
}
