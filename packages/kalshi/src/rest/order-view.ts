// Kalshi's Order and Fill objects from the read models' rows. Costs are in outcome terms: a bid pays
// the YES price, an ask (buying NO) pays 1 − the YES price; fees come from the fills, split by whether
// the order took or made liquidity.

import type { BinarySpec, Side } from '@bourse/engine';
import type { FillRow, OrderRow } from '@bourse/projections';
import { directionFields } from '../direction.ts';
import { formatLots, formatMicros, formatTicks, isoTime } from '../fixed-point.ts';
import { kalshiOrderStatus } from '../vocabulary.ts';
import type { LiveOrderFields } from './order-actions.ts';

/** Money a fill costs the side that opened it, in the settlement asset's minor units. */
export function fillCost(
  spec: BinarySpec,
  side: Side,
  priceTicks: number,
  qtyLots: number,
): number {
  const ticks = side === 'buy' ? priceTicks : spec.payoutTicks - priceTicks;
  return ticks * qtyLots * spec.moneyPerTickLot;
}

export function kalshiOrder(
  spec: BinarySpec,
  row: OrderRow,
  fills: readonly FillRow[],
  userId: number,
  live?: LiveOrderFields,
) {
  const price = row.priceTicks ?? 0;
  const totals = { takerCost: 0, makerCost: 0, takerFees: 0, makerFees: 0 };
  for (const f of fills) {
    const cost = fillCost(spec, f.side, f.priceTicks, f.qtyLots);
    if (f.role === 'taker') {
      totals.takerCost += cost;
      totals.takerFees += f.fee;
    } else {
      totals.makerCost += cost;
      totals.makerFees += f.fee;
    }
  }
  const order = {
    order_id: String(row.orderId),
    user_id: String(userId),
    client_order_id: row.clientOrderId ?? '',
    ticker: spec.symbol,
    ...directionFields(row.side),
    type: row.orderType === 'market' ? ('market' as const) : ('limit' as const),
    status: kalshiOrderStatus(row.status) ?? 'canceled',
    yes_price_dollars: formatTicks(price, spec),
    no_price_dollars: formatTicks(spec.payoutTicks - price, spec),
    initial_count_fp: formatLots(row.qtyLots, spec),
    fill_count_fp: formatLots(row.filledQtyLots, spec),
    remaining_count_fp: formatLots(row.openQtyLots, spec),
    taker_fill_cost_dollars: formatMicros(totals.takerCost),
    maker_fill_cost_dollars: formatMicros(totals.makerCost),
    taker_fees_dollars: formatMicros(totals.takerFees),
    maker_fees_dollars: formatMicros(totals.makerFees),
    created_time: isoTime(row.createdTs),
    last_update_time: isoTime(row.updatedTs),
    expiration_time: row.expiresAt === undefined ? null : isoTime(row.expiresAt),
    order_group_id: live?.orderGroupId === undefined ? null : String(live.orderGroupId),
    cancel_order_on_pause: row.cancelOnPause,
    subaccount_number: 0,
    exchange_index: 0,
  };
  if (live === undefined) return order;
  return {
    ...order,
    self_trade_prevention_type: live.stp === 'cancelMaker' ? 'maker' : 'taker_at_cross',
  };
}

export function kalshiFill(spec: BinarySpec, f: FillRow, clientOrderId: string | undefined) {
  const id = String(f.tradeId);
  return {
    fill_id: id,
    trade_id: id,
    order_id: String(f.orderId),
    client_order_id: clientOrderId ?? '',
    ticker: spec.symbol,
    market_ticker: spec.symbol,
    ...directionFields(f.side),
    purchased_side: directionFields(f.side).outcome_side,
    count_fp: formatLots(f.qtyLots, spec),
    yes_price_dollars: formatTicks(f.priceTicks, spec),
    no_price_dollars: formatTicks(spec.payoutTicks - f.priceTicks, spec),
    is_taker: f.role === 'taker',
    fee_cost: formatMicros(f.fee),
    created_time: isoTime(f.ts),
    ts: Math.floor(f.ts / 1000),
    subaccount_number: 0,
    exchange_index: 0,
  };
}

/** Σ price × qty / Σ qty as a YES dollar string, and the fee per contract; undefined before a fill. */
export function averages(
  spec: BinarySpec,
  fills: readonly { priceTicks: number; qtyLots: number; fee: number }[],
): { average_fill_price?: string; average_fee_paid?: string } {
  const lots = fills.reduce((s, f) => s + f.qtyLots, 0);
  if (lots === 0) return {};
  const notional = fills.reduce((s, f) => s + f.priceTicks * f.qtyLots, 0);
  const fees = fills.reduce((s, f) => s + f.fee, 0);
  return {
    average_fill_price: formatTicks(notional / lots, spec),
    average_fee_paid: formatMicros(Math.round((fees * spec.lotsPerContract) / lots)),
  };
}
