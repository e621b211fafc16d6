// The read-model port: what the server feeds (batches of applied commands with their events) and what it
// reads back. Every backend (SQLite now, PostgreSQL later) implements this one interface and passes the
// same test suite. Lists are newest first and paginate with an opaque cursor.

import type { CancelReason, Command, EngineEvent, Side } from '@bourse/engine';
import type { CandleInterval } from '@bourse/marketdata';
import type { Candle } from '@bourse/protocol';
import type { Thresholds } from '@bourse/surveillance';
import type {
  AlertDetail,
  AlertRow,
  AlertStatus,
  AlertsQuery,
  Change,
  OwnerLinkRow,
  ThresholdOverrideRow,
} from './surveillance-store.ts';

export type {
  AlertDetail,
  AlertRow,
  AlertStatus,
  AlertsQuery,
  Change,
  OwnerLinkRow,
  ThresholdOverrideRow,
};
import type {
  AccountStatement,
  LargePositionQuery,
  LargePositionReport,
  ReportPeriod,
  StatementQuery,
  TradeRegister,
} from './report-types.ts';
import type { PerformanceQuery, PerformanceReport } from './performance-types.ts';

/** One command as the engine applied it, with the events it produced (copied, not the reused array). */
export interface AppliedCommand {
  readonly seq: number;
  readonly ts: number;
  readonly command: Command;
  readonly events: readonly EngineEvent[];
}

export interface Page<T> {
  readonly items: T[];
  /** Present when more rows may follow; pass it back as `cursor` to get them. */
  readonly nextCursor?: string;
}

export type OrderStatus = 'open' | 'filled' | 'cancelled' | 'rejected';

export interface OrderRow {
  readonly orderId: number;
  readonly accountId: number;
  readonly instrumentId: number;
  readonly clientOrderId: string | undefined;
  readonly side: Side;
  readonly orderType: string;
  readonly tif: string;
  /** Limit price, or the protection price used by a market order; undefined for some rejections. */
  readonly priceTicks: number | undefined;
  readonly stopPriceTicks: number | undefined;
  /** Filled plus open quantity (an amend changes it). */
  readonly qtyLots: number;
  readonly openQtyLots: number;
  readonly filledQtyLots: number;
  /** Σ price × qty of the fills in ticks·lots: divide by `filledQtyLots` for the exact average. */
  readonly filledNotional: number;
  /** Average fill price rounded down to a whole tick; undefined before the first fill. */
  readonly avgPriceTicks: number | undefined;
  readonly feesPaid: number;
  readonly status: OrderStatus;
  readonly cancelReason: CancelReason | undefined;
  readonly rejectReason: string | undefined;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** Cancelled (reason `paused`) when its market pauses or the exchange halts. */
  readonly cancelOnPause: boolean;
  readonly expiresAt: number | undefined;
  readonly createdSeq: number;
  readonly createdTs: number;
  readonly updatedSeq: number;
  readonly updatedTs: number;
}

/** One account's side of one engine fill. */
export interface FillRow {
  readonly tradeId: number;
  readonly role: 'maker' | 'taker';
  readonly seq: number;
  readonly ts: number;
  readonly instrumentId: number;
  readonly orderId: number;
  readonly accountId: number;
  /** This account's side (a maker's side is the opposite of the taker's). */
  readonly side: Side;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly fee: number;
}

/** The public trade: one per engine fill. */
export interface TradeRow {
  readonly tradeId: number;
  readonly seq: number;
  readonly ts: number;
  readonly instrumentId: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerSide: Side;
  readonly takerOrderId: number;
  readonly makerOrderId: number;
}

/** The candle intervals and their buckets are market data's (one definition for socket and SQL). */
export type { CandleInterval };

/** A stored candle: the REST candle of the wire protocol, field for field. */
export type CandleRow = Candle;

/** The newest candle of every market and interval, exactly as of command `seq`. */
export interface LatestCandles {
  /** The last command the candles hold: they count every trade up to it and none after. */
  readonly seq: number;
  readonly candles: CandleRow[];
}

export type LedgerKind =
  | 'deposit'
  | 'withdraw'
  | 'transferIn'
  | 'transferOut'
  | 'trade'
  | 'fee'
  | 'settlement';

/** A signed movement of an account's money (available + reserved) in one asset. */
export interface LedgerRow {
  readonly seq: number;
  readonly idx: number;
  readonly ts: number;
  readonly accountId: number;
  readonly assetId: number;
  readonly kind: LedgerKind;
  /** Positive in, negative out, in the asset's minor units. */
  readonly amount: number;
  /**
   * Trade id (trade cash, a fee paid) or instrument id (settlement). The fee account gets one `fee` row
   * per command and asset with what it earned, without a trade id.
   */
  readonly refId: number | undefined;
  readonly transferId: string | undefined;
}

export interface PositionRow {
  readonly accountId: number;
  readonly instrumentId: number;
  readonly positionLots: number;
  readonly costBasis: number;
  readonly realisedPnl: number;
  readonly feesPaid: number;
  readonly updatedSeq: number;
}

export interface BalanceRow {
  readonly accountId: number;
  readonly assetId: number;
  readonly available: number;
  readonly reserved: number;
  readonly updatedSeq: number;
}

export interface SettlementRow {
  readonly instrumentId: number;
  readonly accountId: number;
  readonly seq: number;
  readonly ts: number;
  readonly result: 'yes' | 'no' | 'scalar';
  readonly valueTicks: number;
  readonly positionLots: number;
  readonly payout: number;
  readonly realisedPnl: number;
}

export interface AuditRow {
  readonly seq: number;
  readonly ts: number;
  readonly commandType: string;
  readonly accountId: number | undefined;
  readonly instrumentId: number | undefined;
  readonly orderId: number | undefined;
  readonly outcome: 'accepted' | 'rejected';
  readonly reason: string | undefined;
  readonly eventCount: number;
  /** Who issued an administrative command (its journaled `actor`); undefined for a trader's own. */
  readonly actor: number | undefined;
}

export interface OrdersQuery {
  accountId?: number;
  instrumentId?: number;
  status?: OrderStatus;
  clientOrderId?: string;
  limit?: number;
  cursor?: string;
}

export interface FillsQuery {
  accountId?: number;
  instrumentId?: number;
  orderId?: number;
  limit?: number;
  cursor?: string;
}

export interface TradesQuery {
  instrumentId?: number;
  limit?: number;
  cursor?: string;
  /** Only trades with `ts >= sinceTs`. */
  sinceTs?: number;
}

export interface CandlesQuery {
  instrumentId: number;
  interval: CandleInterval;
  /** Buckets starting at or after this. */
  fromTs?: number;
  /** Buckets starting at or before this. */
  toTs?: number;
  /** The latest `limit` buckets of the range, returned oldest first. */
  limit?: number;
}

export interface LedgerQuery {
  accountId: number;
  assetId?: number;
  limit?: number;
  cursor?: string;
}

export interface SettlementsQuery {
  accountId?: number;
  instrumentId?: number;
  limit?: number;
  cursor?: string;
}

export interface AuditQuery {
  accountId?: number;
  /** Only commands of this type (`placeOrder`, `withdraw`, …). */
  commandType?: string;
  /** Only accepted, or only rejected, commands. */
  outcome?: 'accepted' | 'rejected';
  /** Only commands at or after / before this time (ms since the epoch). */
  fromTs?: number;
  toTs?: number;
  limit?: number;
  cursor?: string;
}

export interface ReadModels {
  /** The seq of the last command whose effects are stored (0 when empty). */
  lastAppliedSeq(): Promise<number>;
  /**
   * Stores a batch in one transaction. Commands with `seq <= lastAppliedSeq()` are skipped, so a
   * batch may be re-sent after a crash; the rest must be in strictly increasing seq order.
   */
  apply(batch: readonly AppliedCommand[]): Promise<void>;
  orders(q: OrdersQuery): Promise<Page<OrderRow>>;
  order(orderId: number): Promise<OrderRow | undefined>;
  fills(q: FillsQuery): Promise<Page<FillRow>>;
  trades(q: TradesQuery): Promise<Page<TradeRow>>;
  candles(q: CandlesQuery): Promise<CandleRow[]>;
  /** Where live candles start from: each market's newest candle per interval, read in one snapshot. */
  latestCandles(): Promise<LatestCandles>;
  ledger(q: LedgerQuery): Promise<Page<LedgerRow>>;
  positions(accountId: number): Promise<PositionRow[]>;
  balances(accountId: number): Promise<BalanceRow[]>;
  settlements(q: SettlementsQuery): Promise<Page<SettlementRow>>;
  audit(q: AuditQuery): Promise<Page<AuditRow>>;
  /** Every trade in `[fromTs, toTs)` with both accounts, cash and fees, read in one snapshot. */
  tradeRegister(period: ReportPeriod): Promise<TradeRegister>;
  /** Positions at or above the thresholds, per market and per event, as of the stored seq. */
  largePositions(q: LargePositionQuery): Promise<LargePositionReport>;
  /** One account's money, trades, settlements and P&L over `[fromTs, toTs)`. */
  statement(q: StatementQuery): Promise<AccountStatement>;
  /**
   * One account's value and P&L over time in buckets, per market and per event, with win rate, fees
   * and drawdown, read in one snapshot (performance-types.ts).
   */
  performance(q: PerformanceQuery): Promise<PerformanceReport>;
  /** Surveillance alerts, newest raised first. */
  alerts(q: AlertsQuery): Promise<Page<AlertRow>>;
  /** How many alerts there are of each kind and status. */
  alertCounts(): Promise<{ kind: string; status: AlertStatus; count: number }[]>;
  /** One alert with its evidence. */
  alert(alertId: string): Promise<AlertDetail | undefined>;
  /** An admin's verdict on an alert; undefined when there is no such alert. */
  setAlertStatus(
    alertId: string,
    status: AlertStatus,
    note: string | undefined,
    change: Change,
  ): Promise<AlertDetail | undefined>;
  /** Links accounts as one beneficial owner for the wash-trade detector. */
  linkOwners(accountIds: readonly number[], owner: string, change: Change): Promise<void>;
  /** Removes an account's owner link; false when it had none. */
  unlinkOwner(accountId: number): Promise<boolean>;
  ownerLinks(): Promise<OwnerLinkRow[]>;
  /** Stores a market's threshold overrides, or removes them (undefined). */
  setThresholds(
    instrumentId: number,
    overrides: Partial<Thresholds> | undefined,
    change: Change,
  ): Promise<void>;
  thresholdOverrides(): Promise<ThresholdOverrideRow[]>;
  /** Lots traded in `(nowTs − 24h, nowTs]`. */
  volume24h(instrumentId: number, nowTs: number): Promise<number>;
  close(): Promise<void>;
}
