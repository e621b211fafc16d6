// Orders: place, batch place, amend, decrease, cancel, batch cancel, cancel-all, get and list. Order ids
// are the command seq. Another account's order is answered exactly like a missing one (ORDER_NOT_FOUND),
// and that check happens before anything is journaled.

import type { OrderView, QueuePositionView } from '@bourse/engine';
import type { OrderRow } from '@bourse/projections';
import type { AppliedCommand, CommandInput } from '@bourse/core';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayServices } from './gateway-services.ts';
import { rejectionError } from './gateway-services.ts';
import { checkOrderPrice, orderAck, placeOrderCommand } from './order-entry.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller, defined, idParam, readModel } from './route-helpers.ts';
import {
  AmendBody,
  BATCH_MAX,
  BatchCancelBody,
  BatchPlaceBody,
  CancelAllBody,
  DecreaseBody,
  OrdersQuery,
  QueuePositionsQuery,
  type PlaceOrderBody,
  PlaceOrderBody as PlaceOrderSchema,
  OrderAckSchema,
  QueuePositionListSchema,
  QueuePositionSchema,
  type ErrorBody,
} from '@bourse/protocol';

export function liveOrderView(o: OrderView, symbol: string) {
  return { ...o, clientOrderId: o.clientOrderId ?? null, market: symbol, status: 'open' as const };
}

export function orderRowView(o: OrderRow, symbol: string) {
  return { ...o, clientOrderId: o.clientOrderId ?? null, market: symbol };
}

function symbolOf(s: GatewayServices, instrumentId: number): string {
  return s.hub.market(instrumentId)?.spec.symbol ?? String(instrumentId);
}

/** The caller's live order, or ORDER_NOT_FOUND (also for another account's order). */
async function ownOpenOrder(s: GatewayServices, accountId: number, orderId: number) {
  const o = await s.core.query.order(orderId);
  if (o === undefined || o.accountId !== accountId) throw new ApiError('ORDER_NOT_FOUND');
  return o;
}

export function queuePositionView(q: QueuePositionView, symbol: string) {
  return {
    orderId: q.orderId,
    market: symbol,
    priceTicks: q.priceTicks,
    side: q.side,
    aheadLots: q.aheadLots,
  };
}

/**
 * Why the caller's order has no queue position: ORDER_NOT_RESTING for an order of theirs that is a
 * parked stop or has finished (filled, cancelled, rejected), else ORDER_NOT_FOUND (unknown or another
 * account's, answered alike).
 */
async function notResting(s: GatewayServices, accountId: number, orderId: number): Promise<never> {
  const live = await s.core.query.order(orderId);
  if (live !== undefined) {
    throw new ApiError(live.accountId === accountId ? 'ORDER_NOT_RESTING' : 'ORDER_NOT_FOUND');
  }
  await s.historyBarrier();
  const row = await s.core.readModels.order(orderId);
  throw new ApiError(row?.accountId === accountId ? 'ORDER_NOT_RESTING' : 'ORDER_NOT_FOUND');
}

async function place(s: GatewayServices, accountId: number, body: PlaceOrderBody) {
  const market = s.market(body.market);
  const applied = await s.submit(placeOrderCommand(accountId, market, body));
  return orderAck(applied, market.spec.symbol);
}

/**
 * Many commands in one journal batch, one result per item in request order: `prepare` builds an
 * item's command or throws its ApiError (which becomes that item's result and journals nothing), and
 * each applied command is answered by `answer`, or by its rejection.
 */
async function submitEach<T>(
  s: GatewayServices,
  count: number,
  prepare: (i: number) => CommandInput,
  answer: (applied: AppliedCommand, i: number) => T,
): Promise<(T | ErrorBody)[]> {
  const results: (T | ErrorBody)[] = [];
  const inputs: CommandInput[] = [];
  const slots: number[] = [];
  for (let i = 0; i < count; i++) {
    try {
      inputs.push(prepare(i));
      slots.push(i);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      results[i] = error.body();
    }
  }
  const applied = inputs.length === 0 ? [] : await s.core.submitBatch(inputs);
  applied.forEach((a, j) => {
    const i = slots[j]!;
    const refused = rejectionError(a);
    results[i] = refused === undefined ? answer(a, i) : refused.body();
  });
  return results;
}

/** The order routes by name, so in-process callers (the Kalshi adapter) run them typed. */
export const orderOperations = {
  place: route({
    method: 'POST',
    path: '/api/v1/orders',
    created: true,
    response: OrderAckSchema,
    summary: 'Place an order. Answers once the order is durable, with its fills.',
    tag: 'orders',
    auth: 'trade',
    body: PlaceOrderSchema,
    handler: async (ctx) => {
      ctx.status = 201;
      return place(ctx.services, caller(ctx).accountId, ctx.body);
    },
  }),
  placeBatch: route({
    method: 'POST',
    path: '/api/v1/orders/batch',
    summary: `Place up to ${BATCH_MAX} orders in one journal batch; one result per order.`,
    tag: 'orders',
    auth: 'trade',
    body: BatchPlaceBody,
    cost: (b) => Math.max(1, b.orders.length),
    handler: async (ctx) => {
      const s = ctx.services;
      const accountId = caller(ctx).accountId;
      const orders = ctx.body.orders;
      const symbols: string[] = [];
      const results = await submitEach(
        s,
        orders.length,
        (i) => {
          const market = s.market(orders[i]!.market);
          symbols[i] = market.spec.symbol;
          return placeOrderCommand(accountId, market, orders[i]!);
        },
        (a, i) => ({ order: orderAck(a, symbols[i]!) }),
      );
      return { results };
    },
  }),
  cancelBatch: route({
    method: 'POST',
    path: '/api/v1/orders/batch-cancel',
    summary: `Cancel up to ${BATCH_MAX} orders; one result per order.`,
    tag: 'orders',
    auth: 'trade',
    body: BatchCancelBody,
    cost: (b) => Math.max(1, b.orderIds.length),
    handler: async (ctx) => {
      const s = ctx.services;
      const accountId = caller(ctx).accountId;
      const ids = ctx.body.orderIds;
      const views = await Promise.all(ids.map((id) => s.core.query.order(id)));
      const results = await submitEach(
        s,
        ids.length,
        (i) => {
          if (views[i]?.accountId !== accountId) throw new ApiError('ORDER_NOT_FOUND');
          return { type: 'cancelOrder', accountId, orderId: ids[i]! };
        },
        (a, i) => ({ orderId: ids[i]!, seq: a.seq, cancelled: true }),
      );
      return { results };
    },
  }),
  cancelAll: route({
    method: 'POST',
    path: '/api/v1/orders/cancel-all',
    summary: 'Cancel every open order of the account, optionally in one market.',
    tag: 'orders',
    auth: 'trade',
    body: CancelAllBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const accountId = caller(ctx).accountId;
      const ref = ctx.body.market;
      const input: CommandInput =
        ref === undefined
          ? { type: 'cancelAll', accountId }
          : { type: 'cancelAll', accountId, instrumentId: s.market(ref).spec.instrumentId };
      const applied = await s.submit(input);
      const cancelled = applied.events
        .filter((e) => e.type === 'orderCancelled')
        .map((e) => e.orderId);
      return { seq: applied.seq, cancelledOrderIds: cancelled };
    },
  }),
  list: route({
    method: 'GET',
    path: '/api/v1/orders',
    summary: "The account's orders, newest first, filtered and cursor-paginated.",
    tag: 'orders',
    auth: 'read',
    query: OrdersQuery,
    handler: async (ctx) => {
      const s = ctx.services;
      const q = ctx.query;
      const instrumentId =
        q.market === undefined ? undefined : s.market(q.market).spec.instrumentId;
      await s.historyBarrier();
      const page = await readModel(() =>
        s.core.readModels.orders(
          defined({
            accountId: caller(ctx).accountId,
            instrumentId,
            status: q.status,
            clientOrderId: q.clientOrderId,
            limit: q.limit,
            cursor: q.cursor,
          }),
        ),
      );
      const items = page.items.map((o) => orderRowView(o, symbolOf(s, o.instrumentId)));
      return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
    },
  }),
  open: route({
    method: 'GET',
    path: '/api/v1/orders/open',
    summary: "The account's open orders, live from the engine.",
    tag: 'orders',
    auth: 'read',
    handler: async (ctx) => {
      const s = ctx.services;
      const open = await s.core.query.openOrders(caller(ctx).accountId);
      return { items: open.map((o) => liveOrderView(o, symbolOf(s, o.instrumentId))) };
    },
  }),
  queuePositions: route({
    method: 'GET',
    path: '/api/v1/orders/queue-positions',
    response: QueuePositionListSchema,
    summary:
      "Where each of the account's resting orders stands in its price level's queue (lots ahead), " +
      'live from the engine, by order id.',
    tag: 'orders',
    auth: 'read',
    query: QueuePositionsQuery,
    handler: async (ctx) => {
      const s = ctx.services;
      const ref = ctx.query.market;
      const instrumentId = ref === undefined ? undefined : s.market(ref).spec.instrumentId;
      const items = await s.core.query.queuePositions(caller(ctx).accountId, instrumentId);
      return { items: items.map((q) => queuePositionView(q, symbolOf(s, q.instrumentId))) };
    },
  }),
  queuePosition: route({
    method: 'GET',
    path: '/api/v1/orders/:orderId/queue-position',
    response: QueuePositionSchema,
    summary:
      "Where a resting order stands in its price level's queue: the open lots ahead of it at its " +
      'price on its side, live from the engine.',
    tag: 'orders',
    auth: 'read',
    handler: async (ctx) => {
      const s = ctx.services;
      const orderId = idParam(ctx, 'orderId', 'ORDER_NOT_FOUND');
      const accountId = caller(ctx).accountId;
      const q = await s.core.query.queuePosition(orderId);
      if (q === undefined) return notResting(s, accountId, orderId);
      if (q.accountId !== accountId) throw new ApiError('ORDER_NOT_FOUND');
      return queuePositionView(q, symbolOf(s, q.instrumentId));
    },
  }),
  get: route({
    method: 'GET',
    path: '/api/v1/orders/:orderId',
    summary: 'One order: live state when open, else its final state from history.',
    tag: 'orders',
    auth: 'read',
    handler: async (ctx) => {
      const s = ctx.services;
      const orderId = idParam(ctx, 'orderId', 'ORDER_NOT_FOUND');
      const accountId = caller(ctx).accountId;
      const live = await s.core.query.order(orderId);
      if (live !== undefined) {
        if (live.accountId !== accountId) throw new ApiError('ORDER_NOT_FOUND');
        return liveOrderView(live, symbolOf(s, live.instrumentId));
      }
      await s.historyBarrier();
      const row = await s.core.readModels.order(orderId);
      if (row === undefined || row.accountId !== accountId) throw new ApiError('ORDER_NOT_FOUND');
      return orderRowView(row, symbolOf(s, row.instrumentId));
    },
  }),
  cancel: route({
    method: 'DELETE',
    path: '/api/v1/orders/:orderId',
    summary: 'Cancel an order.',
    tag: 'orders',
    auth: 'trade',
    handler: async (ctx) => {
      const s = ctx.services;
      const orderId = idParam(ctx, 'orderId', 'ORDER_NOT_FOUND');
      const accountId = caller(ctx).accountId;
      await ownOpenOrder(s, accountId, orderId);
      const applied = await s.submit({ type: 'cancelOrder', accountId, orderId });
      const cancelled = applied.events.find((e) => e.type === 'orderCancelled');
      return {
        orderId,
        seq: applied.seq,
        cancelledQtyLots: cancelled?.type === 'orderCancelled' ? cancelled.cancelledQtyLots : 0,
      };
    },
  }),
  amend: route({
    method: 'POST',
    path: '/api/v1/orders/:orderId/amend',
    summary: 'Change price and/or open quantity (a pure reduction keeps priority).',
    tag: 'orders',
    auth: 'trade',
    body: AmendBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const orderId = idParam(ctx, 'orderId', 'ORDER_NOT_FOUND');
      const accountId = caller(ctx).accountId;
      const body = ctx.body;
      if (body.priceTicks === undefined && body.qtyLots === undefined) {
        throw new ApiError('NOTHING_TO_AMEND');
      }
      const order = await ownOpenOrder(s, accountId, orderId);
      const spec = s.market(order.instrumentId).spec;
      checkOrderPrice(spec, 'priceTicks', body.priceTicks);
      const applied = await s.submit({ type: 'amendOrder', accountId, orderId, ...body });
      return { orderId, seq: applied.seq, events: applied.events };
    },
  }),
  decrease: route({
    method: 'POST',
    path: '/api/v1/orders/:orderId/decrease',
    summary: 'Reduce the open quantity by byLots, keeping priority.',
    tag: 'orders',
    auth: 'trade',
    body: DecreaseBody,
    handler: async (ctx) => {
      const s = ctx.services;
      const orderId = idParam(ctx, 'orderId', 'ORDER_NOT_FOUND');
      const accountId = caller(ctx).accountId;
      await ownOpenOrder(s, accountId, orderId);
      const byLots = ctx.body.byLots;
      const applied = await s.submit({ type: 'decreaseOrder', accountId, orderId, byLots });
      return { orderId, seq: applied.seq, events: applied.events };
    },
  }),
};

export const orderRoutes: RouteDef[] = Object.values(orderOperations);
