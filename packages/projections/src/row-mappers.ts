// Stored rows (snake_case, 0/1 booleans, nulls) to the public row shapes (camelCase, booleans,
// undefined). Pure; the only place that knows both spellings.

import type { CancelReason, Side } from '@bourse/engine';
import type {
  AuditRow,
  BalanceRow,
  CandleInterval,
  CandleRow,
  FillRow,
  LedgerKind,
  LedgerRow,
  OrderRow,
  OrderStatus,
  PositionRow,
  SettlementRow,
  TradeRow,
} from './read-models.ts';
import type {
  AuditTable,
  BalancesTable,
  CandlesTable,
  FillsTable,
  LedgerTable,
  OrdersTable,
  PositionsTable,
  SettlementsTable,
  TradesTable,
} from './schema.ts';

function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

/** ⌊a / b⌋ for non-negative safe integers, exact even where the float quotient rounds up. */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

export function toOrderRow(r: OrdersTable): OrderRow {
  return {
    orderId: r.order_id,
    accountId: r.account_id,
    instrumentId: r.instrument_id,
    clientOrderId: opt(r.client_order_id),
    side: r.side as Side,
    orderType: r.order_type,
    tif: r.tif,
    priceTicks: opt(r.price_ticks),
    stopPriceTicks: opt(r.stop_price_ticks),
    qtyLots: r.qty_lots,
    openQtyLots: r.open_qty_lots,
    filledQtyLots: r.filled_qty_lots,
    filledNotional: r.filled_notional,
    avgPriceTicks:
      r.filled_qty_lots > 0 ? floorDiv(r.filled_notional, r.filled_qty_lots) : undefined,
    feesPaid: r.fees_paid,
    status: r.status as OrderStatus,
    cancelReason: opt(r.cancel_reason) as CancelReason | undefined,
    rejectReason: opt(r.reject_reason),
    postOnly: r.post_only !== 0,
    reduceOnly: r.reduce_only !== 0,
    cancelOnPause: r.cancel_on_pause !== 0,
    expiresAt: opt(r.expires_at),
    createdSeq: r.created_seq,
    createdTs: r.created_ts,
    updatedSeq: r.updated_seq,
    updatedTs: r.updated_ts,
  };
}

export function toFillRow(r: FillsTable): FillRow {
  return {
    tradeId: r.trade_id,
    role: r.role as 'maker' | 'taker',
    seq: r.seq,
    ts: r.ts,
    instrumentId: r.instrument_id,
    orderId: r.order_id,
    accountId: r.account_id,
    side: r.side as Side,
    priceTicks: r.price_ticks,
    qtyLots: r.qty_lots,
    fee: r.fee,
  };
}

export function toTradeRow(r: TradesTable): TradeRow {
  return {
    tradeId: r.trade_id,
    seq: r.seq,
    ts: r.ts,
    instrumentId: r.instrument_id,
    priceTicks: r.price_ticks,
    qtyLots: r.qty_lots,
    takerSide: r.taker_side as Side,
    takerOrderId: r.taker_order_id,
    makerOrderId: r.maker_order_id,
  };
}

export function toCandleRow(r: CandlesTable): CandleRow {
  return {
    instrumentId: r.instrument_id,
    interval: r.period as CandleInterval,
    bucketTs: r.bucket_ts,
    openTicks: r.open_ticks,
    highTicks: r.high_ticks,
    lowTicks: r.low_ticks,
    closeTicks: r.close_ticks,
    volumeLots: r.volume_lots,
    notional: r.notional,
    tradeCount: r.trade_count,
  };
}

export function toLedgerRow(r: LedgerTable): LedgerRow {
  return {
    seq: r.seq,
    idx: r.idx,
    ts: r.ts,
    accountId: r.account_id,
    assetId: r.asset_id,
    kind: r.kind as LedgerKind,
    amount: r.amount,
    refId: opt(r.ref_id),
    transferId: opt(r.transfer_id),
  };
}

export function toPositionRow(r: PositionsTable): PositionRow {
  return {
    accountId: r.account_id,
    instrumentId: r.instrument_id,
    positionLots: r.position_lots,
    costBasis: r.cost_basis,
    realisedPnl: r.realised_pnl,
    feesPaid: r.fees_paid,
    updatedSeq: r.updated_seq,
  };
}

export function toBalanceRow(r: BalancesTable): BalanceRow {
  return {
    accountId: r.account_id,
    assetId: r.asset_id,
    available: r.available,
    reserved: r.reserved,
    updatedSeq: r.updated_seq,
  };
}

export function toSettlementRow(r: SettlementsTable): SettlementRow {
  return {
    instrumentId: r.instrument_id,
    accountId: r.account_id,
    seq: r.seq,
    ts: r.ts,
    result: r.result as 'yes' | 'no' | 'scalar',
    valueTicks: r.value_ticks,
    positionLots: r.position_lots,
    payout: r.payout,
    realisedPnl: r.realised_pnl,
  };
}

export function toAuditRow(r: AuditTable): AuditRow {
  return {
    seq: r.seq,
    ts: r.ts,
    commandType: r.command_type,
    accountId: opt(r.account_id),
    instrumentId: opt(r.instrument_id),
    orderId: opt(r.order_id),
    outcome: r.outcome as 'accepted' | 'rejected',
    reason: opt(r.reason),
    eventCount: r.event_count,
    actor: opt(r.actor),
  };
}
