// The bodies (`msg`) of Kalshi's WebSocket data messages, built from the hub's market data and the
// engine's events. Prices are YES dollar strings, counts 2-decimal contract strings; `ts_ms` is
// canonical and the deprecated whole-second `ts` is kept for old clients.

import type { BinarySpec, Side } from '@bourse/engine';
import type { PublicTrade, TickerMessage } from '@bourse/marketdata';
import { kalshiBook } from '../book-levels.ts';
import { directionFields, takerFields } from '../direction.ts';
import { formatLots, formatMicros, formatTicks, isoTime } from '../fixed-point.ts';
import { quotes } from '../quotes.ts';
import type { LevelChange } from './book-mirror.ts';

/** With `yesPrices` (Kalshi's `use_yes_price`) NO levels are quoted at their YES price instead. */
export function snapshotMsg(
  spec: BinarySpec,
  levels: { bids: [number, number][]; asks: [number, number][] },
  yesPrices = false,
) {
  const book = kalshiBook(spec, levels.bids, levels.asks);
  if (yesPrices) {
    book.no_dollars.splice(
      0,
      book.no_dollars.length,
      ...levels.asks.map((l): [string, string] => [
        formatTicks(l[0], spec),
        formatLots(l[1], spec),
      ]),
    );
  }
  return {
    market_ticker: spec.symbol,
    market_id: String(spec.instrumentId),
    ...(book.yes_dollars.length > 0 ? { yes_dollars_fp: book.yes_dollars } : {}),
    ...(book.no_dollars.length > 0 ? { no_dollars_fp: book.no_dollars } : {}),
  };
}

/** One changed level: an engine bid is a YES bid, an engine ask a NO bid at 1 − price. */
export function deltaMsg(spec: BinarySpec, change: LevelChange, tsMs: number, yesPrices = false) {
  const yes = change.side === 'buy';
  const ticks = yes || yesPrices ? change.priceTicks : spec.payoutTicks - change.priceTicks;
  return {
    market_ticker: spec.symbol,
    market_id: String(spec.instrumentId),
    price_dollars: formatTicks(ticks, spec),
    delta_fp: formatLots(change.deltaLots, spec),
    side: yes ? 'yes' : 'no',
    ts_ms: tsMs,
  };
}

export function tradeMsg(spec: BinarySpec, t: PublicTrade) {
  return {
    trade_id: String(t.tradeId),
    market_ticker: spec.symbol,
    yes_price_dollars: formatTicks(t.priceTicks, spec),
    no_price_dollars: formatTicks(spec.payoutTicks - t.priceTicks, spec),
    count_fp: formatLots(t.qtyLots, spec),
    ...takerFields(t.takerSide),
    ts_ms: t.ts,
    ts: Math.floor(t.ts / 1000),
  };
}

export function tickerMsg(
  spec: BinarySpec,
  t: TickerMessage,
  top: { bid: readonly number[] | undefined; ask: readonly number[] | undefined },
  extra: { openInterestLots: number; lastTradeLots: number },
) {
  const px = (ticks: number | null | undefined) =>
    ticks === null || ticks === undefined ? '0.0000' : formatTicks(ticks, spec);
  const q = quotes(spec, top.bid, top.ask);
  return {
    market_ticker: spec.symbol,
    market_id: String(spec.instrumentId),
    price_dollars: px(t.lastPriceTicks),
    yes_bid_dollars: q.yes_bid_dollars,
    yes_ask_dollars: q.yes_ask_dollars,
    yes_bid_size_fp: q.yes_bid_size_fp,
    yes_ask_size_fp: q.yes_ask_size_fp,
    last_trade_size_fp: formatLots(extra.lastTradeLots, spec),
    volume_fp: formatLots(t.volume24hLots, spec),
    open_interest_fp: formatLots(extra.openInterestLots, spec),
    // Each contract has $1 of notional, so Kalshi's dollar figures are whole contracts.
    dollar_volume: Math.floor(t.volume24hLots / spec.lotsPerContract),
    dollar_open_interest: Math.floor(extra.openInterestLots / spec.lotsPerContract),
    ts_ms: t.ts,
    ts: Math.floor(t.ts / 1000),
    time: isoTime(t.ts),
  };
}

export interface FillFacts {
  readonly tradeId: number;
  readonly orderId: number;
  readonly clientOrderId: string | undefined;
  readonly isTaker: boolean;
  readonly side: Side;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly fee: number;
  readonly postPositionLots: number;
  readonly ts: number;
}

export function fillMsg(spec: BinarySpec, f: FillFacts) {
  const dir = directionFields(f.side);
  return {
    trade_id: String(f.tradeId),
    order_id: String(f.orderId),
    client_order_id: f.clientOrderId ?? '',
    market_ticker: spec.symbol,
    is_taker: f.isTaker,
    ...dir,
    purchased_side: dir.outcome_side,
    yes_price_dollars: formatTicks(f.priceTicks, spec),
    count_fp: formatLots(f.qtyLots, spec),
    fee_cost: formatMicros(f.fee),
    post_position_fp: formatLots(f.postPositionLots, spec),
    ts_ms: f.ts,
    ts: Math.floor(f.ts / 1000),
  };
}

/** What the adapter remembers of a live order to report it on `user_orders`. */
export interface TrackedOrder {
  readonly orderId: number;
  readonly accountId: number;
  readonly instrumentId: number;
  readonly clientOrderId: string | undefined;
  readonly side: Side;
  priceTicks: number;
  initialLots: number;
  filledLots: number;
  openLots: number;
  takerCost: number;
  makerCost: number;
  takerFees: number;
  makerFees: number;
  readonly createdTs: number;
  updatedTs: number;
  readonly expiresAt: number | undefined;
  readonly cancelOnPause: boolean;
  readonly orderGroupId: number | undefined;
  status: 'resting' | 'canceled' | 'executed';
}

export function userOrderMsg(spec: BinarySpec, o: TrackedOrder, userId: number) {
  const dir = directionFields(o.side);
  return {
    order_id: String(o.orderId),
    user_id: String(userId),
    ticker: spec.symbol,
    status: o.status,
    outcome_side: dir.outcome_side,
    book_side: dir.book_side,
    side: dir.side,
    is_yes: dir.outcome_side === 'yes',
    yes_price_dollars: formatTicks(o.priceTicks, spec),
    initial_count_fp: formatLots(o.initialLots, spec),
    fill_count_fp: formatLots(o.filledLots, spec),
    remaining_count_fp: formatLots(o.openLots, spec),
    taker_fill_cost_dollars: formatMicros(o.takerCost),
    maker_fill_cost_dollars: formatMicros(o.makerCost),
    taker_fees_dollars: formatMicros(o.takerFees),
    maker_fees_dollars: formatMicros(o.makerFees),
    client_order_id: o.clientOrderId ?? '',
    created_time: isoTime(o.createdTs),
    created_ts_ms: o.createdTs,
    last_updated_ts_ms: o.updatedTs,
    ...(o.expiresAt === undefined
      ? {}
      : { expiration_time: isoTime(o.expiresAt), expiration_ts_ms: o.expiresAt }),
    // As REST's Order (subaccounts other than 0 do not exist here).
    order_group_id: o.orderGroupId === undefined ? null : String(o.orderGroupId),
    cancel_order_on_pause: o.cancelOnPause,
    subaccount_number: 0,
  };
}

export function positionMsg(
  spec: BinarySpec,
  userId: number,
  p: { positionLots: number; costBasis: number; realisedPnl: number; feesPaid: number },
  volumeLots: number,
) {
  return {
    user_id: String(userId),
    market_ticker: spec.symbol,
    position_fp: formatLots(p.positionLots, spec),
    position_cost_dollars: formatMicros(p.costBasis),
    realized_pnl_dollars: formatMicros(p.realisedPnl),
    fees_paid_dollars: formatMicros(p.feesPaid),
    position_fee_cost_dollars: formatMicros(p.feesPaid),
    volume_fp: formatLots(volumeLots, spec),
  };
}
