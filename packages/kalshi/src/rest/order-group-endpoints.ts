// Kalshi's order groups (`/portfolio/order_groups`, SDK `OrderGroupsApi`) over the native ones: a cap
// on the contracts the group's orders may match in a rolling 15-second window; reaching it cancels
// the group's orders and blocks it until reset. Orders join with `order_group_id` on create. Limits
// are whole contracts, counted in the lots of the exchange's binary contracts. `is_auto_cancel_enabled`
// says the group is armed (it has not triggered since its last reset).

import { nativeOperations, runNative } from '@bourse/gateway';
import { formatLots, hundredthsToLots, parseCountToHundredths } from '../fixed-point.ts';
import { KalshiError, toKalshiError } from '../kalshi-error.ts';
import { asObject } from './order-request.ts';
import { type KalshiContext, type KalshiRoute, member } from './kalshi-route.ts';
import { intParam } from './query-params.ts';

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

/** Runs a native order-group operation, its refusals as Kalshi errors. */
async function native<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
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
  const g = await native(() =>
    runNative(nativeOperations.orderGroups.create, ctx, { body: { limitLots } }),
  );
  ctx.status = 201;
  return { order_group_id: String(g.orderGroupId), subaccount: 0, exchange_index: 0 };
}

async function listGroups(ctx: KalshiContext) {
  member(ctx);
  intParam(ctx.query, 'subaccount', 0, 0);
  const { items } = await native(() => runNative(nativeOperations.orderGroups.list, ctx, {}));
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
  const g = await native(() =>
    runNative(nativeOperations.orderGroups.get, ctx, { params: { groupId: id } }),
  );
  return {
    is_auto_cancel_enabled: !g.triggered,
    contracts_limit_fp: formatLots(g.limitLots, contractUnits(ctx)),
    orders: g.orderIds.map(String),
    exchange_index: 0,
  };
}

/** A change to one of the member's groups through its native operation; Kalshi answers `{}`. */
function groupChange(
  method: 'PUT' | 'DELETE',
  path: string,
  run: (ctx: KalshiContext, params: { groupId: string }) => Promise<unknown>,
): KalshiRoute {
  return {
    method,
    path,
    auth: 'write',
    handler: async (ctx) => {
      member(ctx);
      const groupId = groupIdParam(ctx);
      await native(() => run(ctx, { groupId }));
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
  groupChange('PUT', '/portfolio/order_groups/:order_group_id/reset', (ctx, params) =>
    runNative(nativeOperations.orderGroups.reset, ctx, { params }),
  ),
  groupChange('PUT', '/portfolio/order_groups/:order_group_id/trigger', (ctx, params) =>
    runNative(nativeOperations.orderGroups.trigger, ctx, { params }),
  ),
  groupChange('PUT', '/portfolio/order_groups/:order_group_id/limit', (ctx, params) =>
    runNative(nativeOperations.orderGroups.setLimit, ctx, {
      params,
      body: { limitLots: parseLimit(ctx, ctx.body) },
    }),
  ),
  groupChange('DELETE', '/portfolio/order_groups/:order_group_id', (ctx, params) =>
    runNative(nativeOperations.orderGroups.delete, ctx, { params }),
  ),
];
