// The legacy `/portfolio/orders` write endpoints older SDKs and most hand-written bots still call:
// `(action, side)` pairs, integer-cent or `_dollars` prices on either leg, whole `Order` objects in
// responses. They share order entry with the V2 endpoints.

import { formatLots } from '../fixed-point.ts';
import { KalshiError, toKalshiError } from '../kalshi-error.ts';
import { engineSide } from '../direction.ts';
import { type KalshiContext, type KalshiRoute, member } from './kalshi-route.ts';
import {
  amendOrder,
  cancelOrder,
  decreaseOrder,
  KALSHI_BATCH_MAX,
  loadOrder,
  placeBatch,
  placeOrder,
} from './order-actions.ts';
import {
  asObject,
  marketSpec,
  parseClientOrderId,
  parseCount,
  parseCountOrZero,
  parseCreateLegacy,
  parseLegacyCount,
  parseLegacyDirection,
  parseLegacyPrice,
  parseOrderId,
} from './order-request.ts';
import { kalshiOrder } from './order-view.ts';
import { BATCH_CANCEL_COST, costPer, DEFAULT_COST } from './rate-tiers.ts';

async function orderObject(ctx: KalshiContext, orderId: number) {
  const o = await loadOrder(ctx, orderId);
  return kalshiOrder(o.spec, o.row, o.fills, member(ctx).userId, o.live);
}

function errorItem(error: unknown) {
  const e = toKalshiError(error);
  return {
    code: e.code,
    message: e.message,
    ...(e.details === undefined ? {} : { details: e.details }),
  };
}

function list(body: unknown, key: string): unknown[] | undefined {
  const v = asObject(body)[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || v.length > KALSHI_BATCH_MAX) {
    throw new KalshiError('invalid_parameters', `${key}: 1 to ${KALSHI_BATCH_MAX} items.`);
  }
  return v;
}

/** `{reduce_by | reduce_by_fp}` or `{reduce_to | reduce_to_fp}`, exactly one. */
function decreaseAmount(b: Record<string, unknown>, spec: Parameters<typeof parseCount>[0]) {
  const pick = (k: string) => b[`${k}_fp`] ?? b[k];
  const by = pick('reduce_by');
  const to = pick('reduce_to');
  if ((by === undefined || by === null) === (to === undefined || to === null)) {
    throw new KalshiError('invalid_parameters', 'Send exactly one of reduce_by and reduce_to.');
  }
  return by !== undefined && by !== null
    ? { byLots: parseCount(spec, 'reduce_by', by) }
    : { toLots: parseCountOrZero(spec, 'reduce_to', to) };
}

export const legacyOrderEndpoints: KalshiRoute[] = [
  {
    method: 'POST',
    path: '/portfolio/orders',
    auth: 'write',
    handler: async (ctx) => {
      const ack = await placeOrder(ctx, parseCreateLegacy(ctx, ctx.body));
      ctx.status = 201;
      return { order: await orderObject(ctx, ack.orderId) };
    },
  },
  {
    method: 'DELETE',
    path: '/portfolio/orders/:order_id',
    auth: 'write',
    handler: async (ctx) => {
      const orderId = parseOrderId(ctx.params.order_id);
      const r = await cancelOrder(ctx, orderId);
      const order = await loadOrder(ctx, orderId);
      const lots = r.reducedLots;
      return {
        order: await orderObject(ctx, orderId),
        reduced_by: Math.floor(lots / order.spec.lotsPerContract),
        reduced_by_fp: formatLots(lots, order.spec),
      };
    },
  },
  {
    method: 'POST',
    path: '/portfolio/orders/:order_id/amend',
    auth: 'write',
    handler: async (ctx) => {
      const orderId = parseOrderId(ctx.params.order_id);
      const b = asObject(ctx.body);
      const spec = marketSpec(ctx, b.ticker);
      const side = engineSide(parseLegacyDirection(b));
      parseClientOrderId(b.client_order_id);
      parseClientOrderId(b.updated_client_order_id);
      const priceTicks = parseLegacyPrice(spec, b);
      const totalLots = parseLegacyCount(spec, b);
      const old_order = await orderObject(ctx, orderId);
      await amendOrder(
        ctx,
        orderId,
        (live) => {
          if (live.instrumentId !== spec.instrumentId || live.side !== side) {
            throw new KalshiError(
              'invalid_parameters',
              'ticker, side and action must match the order.',
            );
          }
        },
        priceTicks,
        totalLots,
      );
      return { old_order, order: await orderObject(ctx, orderId) };
    },
  },
  {
    method: 'POST',
    path: '/portfolio/orders/:order_id/decrease',
    auth: 'write',
    handler: async (ctx) => {
      const orderId = parseOrderId(ctx.params.order_id);
      const before = await loadOrder(ctx, orderId);
      await decreaseOrder(ctx, orderId, decreaseAmount(asObject(ctx.body), before.spec));
      return { order: await orderObject(ctx, orderId) };
    },
  },
  {
    method: 'POST',
    path: '/portfolio/orders/batched',
    auth: 'write',
    cost: costPer('orders', DEFAULT_COST),
    handler: async (ctx) => {
      const items = list(ctx.body, 'orders');
      if (items === undefined) throw new KalshiError('invalid_parameters', 'orders is required.');
      const parsed = items.map((item) => {
        try {
          return parseCreateLegacy(ctx, item);
        } catch (error) {
          return toKalshiError(error);
        }
      });
      const results = await placeBatch(ctx, parsed);
      const out = [];
      for (let i = 0; i < results.length; i++) {
        const r = results[i]!;
        const coid = (items[i] as { client_order_id?: unknown } | null)?.client_order_id;
        const client_order_id = typeof coid === 'string' ? coid : null;
        out.push(
          r instanceof KalshiError
            ? { client_order_id, error: errorItem(r) }
            : { client_order_id, order: await orderObject(ctx, r.orderId) },
        );
      }
      ctx.status = 201;
      return { orders: out };
    },
  },
  {
    method: 'DELETE',
    path: '/portfolio/orders/batched',
    auth: 'write',
    cost: (body) =>
      costPer((body as { ids?: unknown } | null)?.ids ? 'ids' : 'orders', BATCH_CANCEL_COST)(body),
    handler: async (ctx) => {
      const ids =
        list(ctx.body, 'ids') ??
        list(ctx.body, 'orders')?.map((o) => (o as { order_id?: unknown } | null)?.order_id);
      if (ids === undefined) throw new KalshiError('invalid_parameters', 'Send ids or orders.');
      const orders = await Promise.all(
        ids.map(async (raw) => {
          const text = typeof raw === 'string' ? raw : '';
          try {
            const orderId = parseOrderId(text);
            const r = await cancelOrder(ctx, orderId);
            const loaded = await loadOrder(ctx, orderId);
            return {
              order_id: text,
              order: await orderObject(ctx, orderId),
              reduced_by_fp: formatLots(r.reducedLots, loaded.spec),
            };
          } catch (error) {
            return { order_id: text, reduced_by_fp: '0.00', error: errorItem(error) };
          }
        }),
      );
      return { orders };
    },
  },
];
