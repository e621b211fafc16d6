// The V2 order endpoints under `/portfolio/events/orders` (the official SDK's create, cancel, amend,
// decrease, batch create, batch cancel and cancel-all). Counts in requests and responses are 2-decimal
// contract strings; prices are YES dollar strings; `side` is the book side.

import { engineSide, isBookSide } from '../direction.ts';
import { formatLots } from '../fixed-point.ts';
import { KalshiError, toKalshiError } from '../kalshi-error.ts';
import { parseOrderPrice } from '../price-grid.ts';
import { BATCH_CANCEL_COST, costPer, DEFAULT_COST } from './rate-tiers.ts';
import { type KalshiContext, type KalshiRoute, member } from './kalshi-route.ts';
import {
  amendOrder,
  cancelAll,
  cancelOrder,
  decreaseOrder,
  KALSHI_BATCH_MAX,
  loadOrder,
  type NativeAck,
  placeBatch,
  placeOrder,
} from './order-actions.ts';
import {
  asObject,
  marketSpec,
  type NativeOrder,
  parseClientOrderId,
  parseCount,
  parseCountOrZero,
  parseCreateV2,
  parseOrderId,
} from './order-request.ts';
import { averages } from './order-view.ts';

function createResponse(ctx: KalshiContext, order: NativeOrder, ack: NativeAck) {
  const spec = marketSpec(ctx, order.market);
  return {
    order_id: String(ack.orderId),
    client_order_id: order.clientOrderId ?? '',
    fill_count: formatLots(ack.filledQtyLots, spec),
    remaining_count: formatLots(ack.status === 'cancelled' ? 0 : ack.openQtyLots, spec),
    ...averages(spec, ack.fills),
    ts_ms: ack.ts,
  };
}

/** After an amend or decrease: where the order stands now, from the read models. */
async function standing(ctx: KalshiContext, orderId: number) {
  const o = await loadOrder(ctx, orderId);
  return {
    order_id: String(orderId),
    client_order_id: o.row.clientOrderId ?? '',
    remaining_count: formatLots(o.row.openQtyLots, o.spec),
    fill_count: formatLots(o.row.filledQtyLots, o.spec),
    ...averages(o.spec, o.fills),
    ts_ms: o.row.updatedTs,
  };
}

function errorItem(e: KalshiError) {
  return {
    code: e.code,
    message: e.message,
    ...(e.details === undefined ? {} : { details: e.details }),
  };
}

function batchItems(body: unknown, key: string): unknown[] {
  const list = asObject(body)[key];
  if (!Array.isArray(list) || list.length === 0 || list.length > KALSHI_BATCH_MAX) {
    throw new KalshiError('invalid_parameters', `${key}: 1 to ${KALSHI_BATCH_MAX} items.`);
  }
  return list;
}

export const orderEndpointsV2: KalshiRoute[] = [
  {
    method: 'POST',
    path: '/portfolio/events/orders',
    auth: 'write',
    handler: async (ctx) => {
      const order = parseCreateV2(ctx, ctx.body);
      const ack = await placeOrder(ctx, order);
      ctx.status = 201;
      return createResponse(ctx, order, ack);
    },
  },
  {
    method: 'DELETE',
    path: '/portfolio/events/orders',
    auth: 'write',
    handler: async (ctx) => {
      await cancelAll(ctx);
      ctx.status = 204;
      return undefined;
    },
  },
  {
    method: 'POST',
    path: '/portfolio/events/orders/batched',
    auth: 'write',
    cost: costPer('orders', DEFAULT_COST),
    handler: async (ctx) => {
      const items = batchItems(ctx.body, 'orders');
      const parsed = items.map((item) => {
        try {
          return parseCreateV2(ctx, item);
        } catch (error) {
          return toKalshiError(error);
        }
      });
      const results = await placeBatch(ctx, parsed);
      ctx.status = 201;
      return {
        orders: results.map((r, i) => {
          const p = parsed[i]!;
          const clientOrderId = (items[i] as { client_order_id?: unknown })?.client_order_id;
          if (r instanceof KalshiError || p instanceof KalshiError) {
            const e = r instanceof KalshiError ? r : (p as KalshiError);
            return {
              client_order_id: typeof clientOrderId === 'string' ? clientOrderId : null,
              error: errorItem(e),
            };
          }
          return createResponse(ctx, p, r);
        }),
      };
    },
  },
  {
    method: 'DELETE',
    path: '/portfolio/events/orders/batched',
    auth: 'write',
    cost: costPer('orders', BATCH_CANCEL_COST),
    handler: async (ctx) => {
      const items = batchItems(ctx.body, 'orders');
      const results = await Promise.all(
        items.map(async (item) => {
          const raw = (item as { order_id?: unknown } | null)?.order_id;
          const orderId = typeof raw === 'string' ? raw : '';
          try {
            const r = await cancelOrder(ctx, parseOrderId(orderId));
            const spec = await specOfOrder(ctx, orderId);
            return {
              order_id: orderId,
              client_order_id: r.clientOrderId ?? null,
              reduced_by: formatLots(r.reducedLots, spec),
              ts_ms: r.ts,
            };
          } catch (error) {
            return {
              order_id: orderId,
              reduced_by: '0.00',
              error: errorItem(toKalshiError(error)),
            };
          }
        }),
      );
      return { orders: results };
    },
  },
  {
    method: 'DELETE',
    path: '/portfolio/events/orders/:order_id',
    auth: 'write',
    handler: async (ctx) => {
      const orderId = parseOrderId(ctx.params.order_id);
      const r = await cancelOrder(ctx, orderId);
      const spec = await specOfOrder(ctx, String(orderId));
      return {
        order_id: String(orderId),
        client_order_id: r.clientOrderId ?? '',
        reduced_by: formatLots(r.reducedLots, spec),
        ts_ms: r.ts,
      };
    },
  },
  {
    method: 'POST',
    path: '/portfolio/events/orders/:order_id/amend',
    auth: 'write',
    handler: async (ctx) => {
      const orderId = parseOrderId(ctx.params.order_id);
      const b = asObject(ctx.body);
      const spec = marketSpec(ctx, b.ticker);
      if (!isBookSide(b.side))
        throw new KalshiError('invalid_parameters', 'side must be bid or ask.');
      parseClientOrderId(b.client_order_id);
      parseClientOrderId(b.updated_client_order_id);
      const priceTicks = parseOrderPrice(spec, 'price', b.price);
      const totalLots = parseCount(spec, 'count', b.count);
      const side = engineSide(b.side);
      await amendOrder(
        ctx,
        orderId,
        (live) => {
          if (live.instrumentId !== spec.instrumentId || live.side !== side) {
            throw new KalshiError('invalid_parameters', 'ticker and side must match the order.');
          }
        },
        priceTicks,
        totalLots,
      );
      return standing(ctx, orderId);
    },
  },
  {
    method: 'POST',
    path: '/portfolio/events/orders/:order_id/decrease',
    auth: 'write',
    handler: async (ctx) => {
      const orderId = parseOrderId(ctx.params.order_id);
      const b = asObject(ctx.body);
      const hasBy = b.reduce_by !== undefined && b.reduce_by !== null;
      const hasTo = b.reduce_to !== undefined && b.reduce_to !== null;
      if (hasBy === hasTo) {
        throw new KalshiError('invalid_parameters', 'Send exactly one of reduce_by and reduce_to.');
      }
      const before = await loadOrder(ctx, orderId);
      const amount = hasBy
        ? { byLots: parseCount(before.spec, 'reduce_by', b.reduce_by) }
        : { toLots: parseCountOrZero(before.spec, 'reduce_to', b.reduce_to) };
      await decreaseOrder(ctx, orderId, amount);
      const {
        fill_count: _f,
        average_fill_price: _a,
        average_fee_paid: _p,
        ...rest
      } = await standing(ctx, orderId);
      return rest;
    },
  },
];

/** The binary spec of one of the caller's orders (for formatting counts after the fact). */
async function specOfOrder(ctx: KalshiContext, orderId: string) {
  member(ctx);
  return (await loadOrder(ctx, parseOrderId(orderId))).spec;
}
