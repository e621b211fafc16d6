// What the member's resting orders amount to: their queue positions (contracts ahead of each at its
// price on its side, from the native queue-position routes, so ownership and "not resting" are decided
// in one place) and their total value (what the resting orders would pay if they all filled: count ×
// the price of the side each one buys, YES for a bid, NO for an ask). Live from the engine.

import type { BinarySpec } from '@bourse/engine';
import { nativeOperations, runNative } from '@bourse/gateway';
import type { QueuePosition } from '@bourse/protocol';
import { formatLots, formatMicros, microsToCents, toMicros } from '../fixed-point.ts';
import { KalshiError, toKalshiError } from '../kalshi-error.ts';
import { type KalshiContext, type KalshiRoute, member } from './kalshi-route.ts';
import { parseOrderId } from './order-request.ts';
import { fillCost } from './order-view.ts';
import { csvParam, intParam, strParam } from './query-params.ts';

/** The native queue-position view (see the gateway's order routes). */

function binarySpecOf(ctx: KalshiContext, symbol: string): BinarySpec | undefined {
  const id = ctx.services.hub.resolve(symbol);
  const spec = id === undefined ? undefined : ctx.services.hub.market(id)?.spec;
  return spec?.kind === 'binary' ? spec : undefined;
}

/** Contracts ahead: the legacy integer (whole contracts, rounded down) and the 2-decimal string. */
function queueFields(spec: BinarySpec, aheadLots: number) {
  return {
    queue_position: Math.floor(aheadLots / spec.lotsPerContract),
    queue_position_fp: formatLots(aheadLots, spec),
  };
}

/** Only subaccount 0 (the primary account) exists; the SDK may send it. */
function checkSubaccount(q: Record<string, string>): void {
  intParam(q, 'subaccount', 0, 0);
}

async function queuePosition(ctx: KalshiContext) {
  member(ctx);
  const orderId = parseOrderId(ctx.params.order_id);
  let q: QueuePosition;
  try {
    q = await runNative(nativeOperations.orders.queuePosition, ctx, {
      params: { orderId: String(orderId) },
    });
  } catch (error) {
    throw toKalshiError(error);
  }
  const spec = binarySpecOf(ctx, q.market);
  // A spot order has no Kalshi view: answered like any order this API does not know.
  if (spec === undefined) throw new KalshiError('order_not_found', `No order ${orderId}.`);
  return queueFields(spec, q.aheadLots);
}

async function queuePositions(ctx: KalshiContext) {
  member(ctx);
  const q = ctx.query;
  checkSubaccount(q);
  const tickers = csvParam(q, 'market_tickers');
  const event = strParam(q, 'event_ticker');
  const { items } = await runNative(nativeOperations.orders.queuePositions, ctx, {});
  const out = [];
  for (const item of items) {
    const spec = binarySpecOf(ctx, item.market);
    if (spec === undefined) continue;
    if (tickers !== undefined && !tickers.includes(spec.symbol)) continue;
    if (event !== undefined && spec.eventTicker !== event) continue;
    out.push({
      order_id: String(item.orderId),
      market_ticker: spec.symbol,
      ...queueFields(spec, item.aheadLots),
    });
  }
  return { queue_positions: out };
}

/**
 * Σ over the member's resting orders (parked stops excluded) of the open count × the price of the
 * side the order buys: the YES price for a bid, the NO price (1 − YES) for an ask. Fees are not
 * included. In whole cents, rounded down, and as a dollar string per exchange index (only 0).
 */
async function totalRestingOrderValue(ctx: KalshiContext) {
  const p = member(ctx);
  checkSubaccount(ctx.query);
  const open = await ctx.services.core.query.openOrders(p.accountId);
  const scales = new Map(ctx.services.assets().map((a) => [a.assetId, a.scale]));
  let micros = 0;
  for (const o of open) {
    if (o.state !== 'resting') continue;
    const spec = ctx.services.hub.market(o.instrumentId)?.spec;
    if (spec?.kind !== 'binary') continue;
    const value = fillCost(spec, o.side, o.priceTicks, o.openQtyLots);
    micros += toMicros(value, scales.get(spec.settlementAssetId) ?? 1_000_000);
  }
  return {
    total_resting_order_value: microsToCents(micros),
    resting_order_value_breakdown: [{ exchange_index: 0, balance: formatMicros(micros) }],
  };
}

export const restingOrderEndpoints: KalshiRoute[] = [
  {
    method: 'GET',
    path: '/portfolio/orders/:order_id/queue_position',
    auth: 'read',
    handler: queuePosition,
  },
  {
    method: 'GET',
    path: '/portfolio/orders/queue_positions',
    auth: 'read',
    handler: queuePositions,
  },
  {
    method: 'GET',
    path: '/portfolio/summary/total_resting_order_value',
    auth: 'read',
    handler: totalRestingOrderValue,
  },
];
