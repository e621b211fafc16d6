// Order entry for both Kalshi order APIs, run through the native order routes so every check the native
// API makes (market open, grid, lot size, ownership before anything is journaled) is made once, in one
// place. Results come back in native terms; the endpoint modules shape them for Kalshi.

import type { BinarySpec } from '@bourse/engine';
import { nativeOperations, runNative } from '@bourse/gateway';
import type { FillRow, OrderRow } from '@bourse/projections';
import type { OrderAck } from '@bourse/protocol';
import { KalshiError, toKalshiError } from '../kalshi-error.ts';
import { type KalshiContext, member } from './kalshi-route.ts';
import type { NativeOrder } from './order-request.ts';

/** The native order ack. */
export type NativeAck = OrderAck;

/** Kalshi caps a batch by the member's write budget; ours is a fixed 20. */
export const KALSHI_BATCH_MAX = 20;

export async function placeOrder(ctx: KalshiContext, order: NativeOrder): Promise<NativeAck> {
  try {
    return await runNative(nativeOperations.orders.place, ctx, { body: order });
  } catch (error) {
    throw await withExistingOrder(ctx, toKalshiError(error), order.clientOrderId);
  }
}

/** A 409 for a duplicate client_order_id names the order that already has it. */
async function withExistingOrder(
  ctx: KalshiContext,
  error: KalshiError,
  clientOrderId: string | undefined,
): Promise<KalshiError> {
  if (error.code !== 'order_already_exists' || clientOrderId === undefined) return error;
  await ctx.services.historyBarrier();
  const page = await ctx.services.core.readModels.orders({
    accountId: member(ctx).accountId,
    clientOrderId,
    limit: 100,
  });
  // Rejected attempts (this one included) carry the id too; the order that owns it was accepted.
  const existing = page.items.find((o) => o.status !== 'rejected');
  return new KalshiError('order_already_exists', 'order already exists', {
    ...(existing === undefined ? {} : { details: `order_id=${existing.orderId}` }),
  });
}

/** Places many orders in one journal batch; a parse error stays in its slot, in request order. */
export async function placeBatch(
  ctx: KalshiContext,
  items: readonly (NativeOrder | KalshiError)[],
): Promise<(NativeAck | KalshiError)[]> {
  const valid = items.filter((i): i is NativeOrder => !(i instanceof KalshiError));
  const results =
    valid.length === 0
      ? []
      : (await runNative(nativeOperations.orders.placeBatch, ctx, { body: { orders: valid } }))
          .results;
  let next = 0;
  return items.map((item) => {
    if (item instanceof KalshiError) return item;
    const r = results[next++];
    if (r === undefined) return new KalshiError('internal_error', 'No result for this order.');
    if ('order' in r) return r.order;
    return toKalshiError({ name: 'ApiError', code: r.error.code, message: r.error.message });
  });
}

/** Cancels one order; resolves with the quantity taken off the book and the order's client id. */
export async function cancelOrder(
  ctx: KalshiContext,
  orderId: number,
): Promise<{ reducedLots: number; clientOrderId: string | undefined; ts: number }> {
  const before = await ctx.services.core.query.order(orderId);
  const r = await runNative(nativeOperations.orders.cancel, ctx, {
    params: { orderId: String(orderId) },
  });
  return {
    reducedLots: r.cancelledQtyLots,
    clientOrderId: before?.clientOrderId,
    ts: ctx.services.clock(),
  };
}

/** Amends price and open quantity; `totalLots` is Kalshi's new total (filled + resting). */
export async function amendOrder(
  ctx: KalshiContext,
  orderId: number,
  check: (live: { side: 'buy' | 'sell'; instrumentId: number }) => void,
  priceTicks: number,
  totalLots: number,
): Promise<void> {
  const live = await ownLiveOrder(ctx, orderId);
  check(live);
  const openLots = totalLots - live.filledQtyLots;
  if (openLots <= 0) {
    throw new KalshiError('invalid_count', 'count must exceed what has already filled.');
  }
  const body: { priceTicks?: number; qtyLots?: number } = {};
  if (priceTicks !== live.priceTicks) body.priceTicks = priceTicks;
  if (openLots !== live.openQtyLots) body.qtyLots = openLots;
  if (body.priceTicks === undefined && body.qtyLots === undefined) return;
  await runNative(nativeOperations.orders.amend, ctx, {
    params: { orderId: String(orderId) },
    body,
  });
}

/** Reduces the open quantity by `byLots` or to `toLots` (exactly one). */
export async function decreaseOrder(
  ctx: KalshiContext,
  orderId: number,
  amount: { byLots: number } | { toLots: number },
): Promise<void> {
  const live = await ownLiveOrder(ctx, orderId);
  const byLots = 'byLots' in amount ? amount.byLots : live.openQtyLots - amount.toLots;
  if (byLots <= 0) throw new KalshiError('invalid_count', 'The order is already that small.');
  await runNative(nativeOperations.orders.decrease, ctx, {
    params: { orderId: String(orderId) },
    body: { byLots: Math.min(byLots, live.openQtyLots) },
  });
}

export async function cancelAll(ctx: KalshiContext): Promise<number[]> {
  const r = await runNative(nativeOperations.orders.cancelAll, ctx, { body: {} });
  return r.cancelledOrderIds;
}

async function ownLiveOrder(ctx: KalshiContext, orderId: number) {
  const o = await ctx.services.core.query.order(orderId);
  if (o === undefined || o.accountId !== member(ctx).accountId) {
    throw new KalshiError('order_not_found', `No open order ${orderId}.`);
  }
  return o;
}

export interface LoadedOrder {
  readonly spec: BinarySpec;
  readonly row: OrderRow;
  readonly fills: FillRow[];
  /** What only the engine knows of an open order: its self-trade rule and order group. */
  readonly live: LiveOrderFields | undefined;
}

export interface LiveOrderFields {
  readonly stp: 'cancelTaker' | 'cancelMaker';
  readonly orderGroupId?: number;
}

/** The caller's order from the read models (after the history barrier), or 404 for anyone else's. */
export async function loadOrder(ctx: KalshiContext, orderId: number): Promise<LoadedOrder> {
  const accountId = member(ctx).accountId;
  await ctx.services.historyBarrier();
  const row = await ctx.services.core.readModels.order(orderId);
  const spec = row === undefined ? undefined : ctx.services.hub.market(row.instrumentId)?.spec;
  if (
    row === undefined ||
    row.accountId !== accountId ||
    row.status === 'rejected' ||
    spec?.kind !== 'binary'
  ) {
    throw new KalshiError('order_not_found', `No order ${orderId}.`);
  }
  return { spec, row, fills: await orderFills(ctx, row), live: await liveFields(ctx, row) };
}

export async function orderFills(ctx: KalshiContext, row: OrderRow): Promise<FillRow[]> {
  if (row.filledQtyLots === 0) return [];
  const page = await ctx.services.core.readModels.fills({
    accountId: row.accountId,
    orderId: row.orderId,
    limit: 1000,
  });
  return page.items;
}

async function liveFields(ctx: KalshiContext, row: OrderRow): Promise<LiveOrderFields | undefined> {
  if (row.status !== 'open') return undefined;
  const o = await ctx.services.core.query.order(row.orderId);
  if (o === undefined) return undefined;
  return o.orderGroupId === undefined
    ? { stp: o.stp }
    : { stp: o.stp, orderGroupId: o.orderGroupId };
}
