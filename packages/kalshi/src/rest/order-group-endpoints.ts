// Kalshi's order groups (`/portfolio/order_groups`, SDK `OrderGroupsApi`) over the native ones: a cap
// on the contracts the group's orders may match in a rolling 15-second window; reaching it cancels
// the group's orders and blocks it until reset. Orders join with `order_group_id` on create. Limits
// are whole contracts, counted in the lots of the exchange's binary contracts. `is_auto_cancel_enabled`
// says the group is armed (it has not triggered since its last reset).

import { formatLots, hundredthsToLots, parseCountToHundredths } from '../fixed-point.ts';
import { KalshiError, toKalshiError } from '../kalshi-error.ts';
import { asObject } from './order-request.ts';
import { type KalshiContext, type KalshiRoute, member } from './kalshi-route.ts';
import { intParam } from './query-params.ts';

/** The native order-group view (see the gateway's order-group routes). */
interface NativeGroup {
  readonly orderGroupId: number;
  readonly limitLots: number;
  readonly triggered: boolean;
  readonly matchedLots: number;
  readonly orderIds: number[];
}

/** Lots per contract of the exchange's binary markets (Kalshi contracts are all one size). */
function contractUnits(ctx: KalshiContext) {
  const spec = ctx.services.hub.markets().find((m) => m.spec.kind === 'binary')?.spec;
  return { lotsPerContract: spec?.kind === 'binary' ? spec.lotsPerContract : 100, payoutTicks: 1 };
}

/** `contracts_limit` (integer) or `contracts_limit_fp` (string): whole contracts → lots. */
function parseLimit(ctx: KalshiContext, body: unknown): number {
  const b = asObject(body);
  const raw = b.contracts_limit_fp ?? b.contracts_limit;
  const hundredths = parseCountToHundredths(raw);
  if (hundredths === undefined || hundredths <= 0 || hundredths % 100 !== 0) {
    throw new KalshiError(
      'invalid_parameters',
      'contracts_limit must be a whole number of contracts.',
    );
  }
  if (
    b.contracts_limit !== undefined &&
    b.contracts_limit_fp !== undefined &&
    parseCountToHundredths(b.contracts_limit) !== hundredths
  ) {
    throw new KalshiError('invalid_parameters', 'contracts_limit and contracts_limit_fp differ.');
  }
  if (b.subaccount !== undefined && b.subaccount !== null && b.subaccount !== 0) {
    throw new KalshiError(
      'invalid_parameters',
      'Only subaccount 0 (the primary account) is supported.',
    );
  }
  return hundredthsToLots(hundredths, contractUnits(ctx))!;
}

async function native(
  ctx: KalshiContext,
  route: string,
  opts: { params?: Record<string, string>; body?: unknown },
) {
  try {
    return await ctx.native.call(ctx, route, opts);
  } catch (error) {
    throw toKalshiError(error);
  }
}

/** The group id in the path (decimal, as this server issues them), or 404. */
function groupIdParam(ctx: KalshiContext): string {
  const raw = ctx.params.order_group_id ?? '';
  if (!/^[0-9]{1,15}$/.test(raw)) throw new KalshiError('not_found', `No order group ${raw}.`);
  intParam(ctx.query, 'subaccount', 0, 0);
  return raw;
}

async function createGroup(ctx: KalshiContext) {
  member(ctx);
  const limitLots = parseLimit(ctx, ctx.body);
  const g = (await native(ctx, 'POST /api/v1/order-groups', {
    body: { limitLots },
  })) as NativeGroup;
  ctx.status = 201;
  return { order_group_id: String(g.orderGroupId), subaccount: 0, exchange_index: 0 };
}

async function listGroups(ctx: KalshiContext) {
  member(ctx);
  intParam(ctx.query, 'subaccount', 0, 0);
  const { items } = (await native(ctx, 'GET /api/v1/order-groups', {})) as { items: NativeGroup[] };
  const units = contractUnits(ctx);
  return {
    order_groups: items.map((g) => ({
      id: String(g.orderGroupId),
      contracts_limit_fp: formatLots(g.limitLots, units),
      is_auto_cancel_enabled: !g.triggered,
      exchange_index: 0,
    })),
  };
}

async function getGroup(ctx: KalshiContext) {
  member(ctx);
  const id = groupIdParam(ctx);
  const g = (await native(ctx, 'GET /api/v1/order-groups/:groupId', {
    params: { groupId: id },
  })) as NativeGroup;
  return {
    is_auto_cancel_enabled: !g.triggered,
    contracts_limit_fp: formatLots(g.limitLots, contractUnits(ctx)),
    orders: g.orderIds.map(String),
    exchange_index: 0,
  };
}

/**
 * A change to one of the member's groups: the native route for it, with a native body built from the
 * Kalshi one when it takes one. Kalshi answers these with an empty object.
 */
function groupChange(
  method: 'PUT' | 'DELETE',
  path: string,
  route: string,
  body?: (ctx: KalshiContext) => unknown,
): KalshiRoute {
  return {
    method,
    path,
    auth: 'write',
    handler: async (ctx) => {
      member(ctx);
      const id = groupIdParam(ctx);
      await native(ctx, route, {
        params: { groupId: id },
        ...(body === undefined ? {} : { body: body(ctx) }),
      });
      return {};
    },
  };
}

export const orderGroupEndpoints: KalshiRoute[] = [
  { method: 'POST', path: '/portfolio/order_groups/create', auth: 'write', handler: createGroup },
  { method: 'GET', path: '/portfolio/order_groups', auth: 'read', handler: listGroups },
  {
    method: 'GET',
    path: '/portfolio/order_groups/:order_group_id',
    auth: 'read',
    handler: getGroup,
  },
  groupChange(
    'PUT',
    '/portfolio/order_groups/:order_group_id/reset',
    'POST /api/v1/order-groups/:groupId/reset',
  ),
  groupChange(
    'PUT',
    '/portfolio/order_groups/:order_group_id/trigger',
    'POST /api/v1/order-groups/:groupId/trigger',
  ),
  groupChange(
    'PUT',
    '/portfolio/order_groups/:order_group_id/limit',
    'PUT /api/v1/order-groups/:groupId/limit',
    (ctx) => ({ limitLots: parseLimit(ctx, ctx.body) }),
  ),
  groupChange(
    'DELETE',
    '/portfolio/order_groups/:order_group_id',
    'DELETE /api/v1/order-groups/:groupId',
  ),
];
